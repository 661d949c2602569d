"""The ``evaluate`` stage, and evaluation of a trained model on any labelled data.

Two questions, kept apart:

* **How good is this model?** The trained model scored on data it never saw: the held-out split
  (pipeline stage) or a user's labelled file (``stancekit evaluate --data``), with 95% bootstrap
  intervals over documents, calibration, baselines on the same rows, masked-vocabulary scores and
  the abstention rate on neutral paragraphs.
* **How good is the method?** Grouped cross-validation over the whole corpus (pipeline stage only):
  by document and by voice, with the baselines on the same folds, a masked-vocabulary refit, a
  learning curve and a three-class run.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.corpus import Row, read_rows
from stancekit.crossval import FoldSummary, cross_validate
from stancekit.errors import DataError, InputError
from stancekit.files import atomic_write
from stancekit.labels import LABELS, NEUTRAL
from stancekit.params import EvaluateParams, Params, TrainParams
from stancekit.persist import DEFAULT_MODEL_DIR, METRICS_FILE

if TYPE_CHECKING:
    import numpy as np

    from stancekit.predictor import StancePredictor

DEFAULT_SPLIT_DIR = Path("data/prepared")
PLOTS_DIR = "plots"
REPORT_FILE = "report.html"
HEADLINE = ("accuracy", "macro_f1", "roc_auc", "average_precision", "log_loss", "brier", "ece")
TOP_TERMS = 25
CONFIDENT_ERRORS = 20


@dataclass
class EvaluationReport:
    """Everything ``evaluate`` measured; :meth:`to_metrics` is what metrics.json holds.

    Attributes
    ----------
    labels : list of str
        The model's labels, in ``classes_`` order.
    data : str
        What the held-out scores were computed on.
    test : dict
        :func:`stancekit.metrics.classification_metrics` of the model on the evaluated rows.
    test_documents : int
        Documents (bootstrap groups) among the evaluated rows.
    intervals : dict
        95% bootstrap intervals (over documents) of ``accuracy`` and ``macro_f1``.
    baselines : dict
        ``name -> {"test": metrics, "cv_<grouping>": FoldSummary}`` for ``majority``, ``lexicon``.
    lexicon_gap : dict
        Model minus lexicon macro-F1 on the evaluated rows: ``point``, ``low``, ``high`` (paired
        bootstrap over documents). The model beats the lexicon beyond the interval if ``low > 0``.
    masked : dict
        ``"test"``: the trained model on texts with :attr:`EvaluateParams.mask_terms` masked;
        ``"cv_doc_id"``: models refit and scored with the terms masked.
    neutral : dict
        Abstention at the threshold: share of neutral rows (binary model) and of stance rows whose
        top probability is below it, and accuracy on the stance rows answered.
    cv : dict
        Grouping -> :class:`FoldSummary` of the model.
    learning_curve : list of (float, FoldSummary)
        Share of training documents -> document-grouped CV summary.
    three_class : FoldSummary or None
        Document-grouped CV of the three-class model.
    curves : dict
        ROC, precision-recall and calibration points (:func:`stancekit.metrics.curve_points`).
    top_terms : dict
        Label -> the terms with the largest weights toward it, ``(term, weight)``.
    confident_errors : list of dict
        The most confident wrong predictions, with their text.
    unscored : dict
        Rows whose label the model does not predict, by label.
    predictions : list of (str, str)
        ``(actual, predicted)`` per evaluated row (confusion plot data).
    """

    labels: list[str]
    data: str
    test: dict[str, Any]
    test_documents: int
    intervals: dict[str, tuple[float, float]]
    baselines: dict[str, dict[str, Any]]
    lexicon_gap: dict[str, float]
    masked: dict[str, Any]
    neutral: dict[str, Any]
    curves: dict[str, list[dict[str, float]]]
    top_terms: dict[str, list[tuple[str, float]]]
    confident_errors: list[dict[str, Any]]
    unscored: dict[str, int]
    predictions: list[tuple[str, str]]
    cv: dict[str, FoldSummary] = field(default_factory=dict)
    learning_curve: list[tuple[float, FoldSummary]] = field(default_factory=list)
    three_class: FoldSummary | None = None

    @property
    def beats_lexicon(self) -> bool:
        """Whether the model's macro-F1 is above the lexicon's beyond the paired 95% interval."""
        return self.lexicon_gap["low"] > 0

    def to_metrics(self) -> dict[str, Any]:
        """Nested ``metric -> split`` mapping for metrics.json (``dvc metrics show/diff``)."""

        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 6)

        def cv_entry(summary: FoldSummary, metric: str) -> dict[str, float | None]:
            return {"mean": r(summary.mean[metric]), "std": r(summary.std[metric])}

        out: dict[str, Any] = {}
        for metric in HEADLINE:
            entry: dict[str, Any] = {"test": r(self.test[metric])}
            if metric in self.intervals:
                entry["test_ci_low"], entry["test_ci_high"] = map(r, self.intervals[metric])
            for grouping, summary in self.cv.items():
                entry[f"cv_{grouping}"] = cv_entry(summary, metric)
            out[metric] = entry
        out["rows"] = {"test": self.test["rows"], "test_documents": self.test_documents}
        out["per_class"] = {
            label: {k: {"test": r(v) if k != "support" else v} for k, v in scores.items()}
            for label, scores in self.test["per_class"].items()
        }
        out["confusion"] = {"test": self.test["confusion"]}
        out["baselines"] = {
            name: {
                metric: {
                    split: (r(value[metric]) if split == "test" else cv_entry(value, metric))
                    for split, value in results.items()
                }
                for metric in ("accuracy", "macro_f1")
            }
            for name, results in self.baselines.items()
        }
        out["model_minus_lexicon_macro_f1"] = {
            "test": r(self.lexicon_gap["point"]),
            "test_ci_low": r(self.lexicon_gap["low"]),
            "test_ci_high": r(self.lexicon_gap["high"]),
        }
        out["masked"] = {
            metric: {
                split: (r(value[metric]) if split == "test" else cv_entry(value, metric))
                for split, value in self.masked.items()
            }
            for metric in ("accuracy", "macro_f1")
        }
        out["neutral_abstention"] = {
            k: r(v) if isinstance(v, float) else v for k, v in self.neutral.items()
        }
        if self.learning_curve:
            out["learning_curve_macro_f1"] = {
                f"{share:.0%}": cv_entry(summary, "macro_f1")
                for share, summary in self.learning_curve
            }
        if self.three_class is not None:
            out["three_class"] = {
                metric: {"cv_doc_id": cv_entry(self.three_class, metric)}
                for metric in ("accuracy", "macro_f1")
            }
        out["unscored_rows"] = {"test": self.unscored}
        return out

    def summary(self) -> str:
        """A readable summary: held-out scores with intervals, baselines, CV, robustness."""
        t, ci = self.test, self.intervals
        auc = "n/a" if t["roc_auc"] is None else f"{t['roc_auc']:.3f}"
        lines = [
            f"{t['rows']} paragraphs from {self.test_documents} documents of {self.data} "
            f"({' vs '.join(self.labels)})",
            f"macro-F1 {t['macro_f1']:.3f} [{ci['macro_f1'][0]:.3f}, {ci['macro_f1'][1]:.3f}]   "
            f"accuracy {t['accuracy']:.3f} [{ci['accuracy'][0]:.3f}, {ci['accuracy'][1]:.3f}]   "
            f"(95% bootstrap over documents)",
            f"ROC-AUC {auc}   log loss {t['log_loss']:.3f}   Brier {t['brier']:.3f}   "
            f"ECE {t['ece']:.3f}",
            "",
            f"{'':<20}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}",
        ]
        for label, s in t["per_class"].items():
            lines.append(
                f"{label:<20}{s['precision']:>10.3f}{s['recall']:>9.3f}{s['f1']:>8.3f}"
                f"{s['support']:>9}"
            )
        absent = [label for label, s in t["per_class"].items() if not s["support"]]
        if absent:
            lines.append(
                f"warning: no {', '.join(absent)} paragraphs in these data: macro-F1 counts "
                "their F1 as 0; read the per-class rows instead."
            )
        width = max(len(label) for label in self.labels) + 2
        lines += [
            "",
            "confusion (rows: actual, columns: predicted)",
            " " * width + "".join(f"{label[:12]:>14}" for label in self.labels),
        ]
        for actual in self.labels:
            counts = "".join(f"{t['confusion'][actual][p]:>14}" for p in self.labels)
            lines.append(f"{actual:<{width}}{counts}")
        lines += ["", "baselines on the same rows (macro-F1):"]
        for name, results in self.baselines.items():
            lines.append(f"  {name:<10}{results['test']['macro_f1']:.3f}")
        gap = self.lexicon_gap
        verdict = "beats" if self.beats_lexicon else "does NOT beat"
        lines.append(
            f"  model - lexicon: {gap['point']:+.3f} [{gap['low']:+.3f}, {gap['high']:+.3f}] -> "
            f"the model {verdict} the lexicon beyond the interval"
        )
        masked_f1 = self.masked["test"]["macro_f1"]
        lines.append(f"masked side-revealing terms (test-time): macro-F1 {masked_f1:.3f}")
        if self.neutral:
            n = self.neutral
            if "neutral_rows" in n:
                lines.append(
                    f"abstention at p < {n['threshold']}: {n['neutral_abstained_share']:.0%} of "
                    f"{n['neutral_rows']} neutral paragraphs, {n['stance_abstained_share']:.0%} of "
                    f"stance paragraphs (accuracy on the rest {n['stance_accuracy_answered']:.3f})"
                )
        if self.cv:
            lines += ["", "grouped cross-validation (mean ± std over folds):"]
            lines.append(f"  {'':<22}{'model':>16}{'lexicon':>16}{'majority':>16}")
            for grouping, summary in self.cv.items():
                cells = [summary.format("macro_f1")] + [
                    self.baselines[b][f"cv_{grouping}"].format("macro_f1")
                    for b in ("lexicon", "majority")
                ]
                lines.append(f"  macro-F1 by {grouping:<11}" + "".join(f"{c:>16}" for c in cells))
            if "cv_doc_id" in self.masked:
                lines.append(
                    f"  masked terms, refit      {self.masked['cv_doc_id'].format('macro_f1'):>16}"
                )
            if self.three_class is not None:
                lines.append(
                    f"  three-class model        {self.three_class.format('macro_f1'):>16}"
                )
            if self.learning_curve:
                curve = ", ".join(
                    f"{share:.0%} {summary.format('macro_f1')}"
                    for share, summary in self.learning_curve
                )
                lines.append(f"  learning curve (macro-F1 by share of training documents): {curve}")
        if self.unscored:
            left_out = ", ".join(f"{n} {label}" for label, n in sorted(self.unscored.items()))
            lines += ["", f"not scored (labels the model does not predict): {left_out}"]
        return "\n".join(lines)


# --- the held-out part ---------------------------------------------------------------------------


def paired_bootstrap_gap(
    y_true: Sequence[str],
    proba_a: np.ndarray,
    proba_b: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[str],
    n_resamples: int,
    seed: int,
) -> dict[str, float]:
    """Macro-F1 of A minus that of B, with a 95% percentile interval from resampling groups."""
    import numpy as np

    from stancekit.metrics import macro_f1_from_indexes as f1
    from stancekit.metrics import resample_groups

    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[v] for v in y_true])
    a, b = np.asarray(proba_a).argmax(axis=1), np.asarray(proba_b).argmax(axis=1)
    k = len(labels)
    gaps = [
        f1(y[rows], a[rows], k) - f1(y[rows], b[rows], k)
        for rows in resample_groups(groups, n_resamples, seed)
    ]
    point = f1(y, a, k) - f1(y, b, k)
    return {
        "point": float(point),
        "low": float(np.percentile(gaps, 2.5)),
        "high": float(np.percentile(gaps, 97.5)),
    }


def top_terms(pipeline: Any, n: int = TOP_TERMS) -> dict[str, list[tuple[str, float]]]:
    """The ``n`` terms with the largest logistic-regression weight toward each label."""
    import numpy as np

    vectorizer, classifier = pipeline.named_steps["tfidf"], pipeline.named_steps["clf"]
    terms = vectorizer.get_feature_names_out()
    classes = [str(c) for c in classifier.classes_]
    coef = classifier.coef_
    if len(classes) == 2:  # one row of weights: positive toward classes[1]
        coef = np.vstack([-coef[0], coef[0]])
    return {
        label: [(str(terms[j]), float(coef[k, j])) for j in np.argsort(-coef[k])[:n]]
        for k, label in enumerate(classes)
    }


def evaluate_on_rows(
    predictor: StancePredictor,
    rows: Sequence[Row],
    params: EvaluateParams,
    training_labels: Sequence[str],
    data: str,
) -> EvaluationReport:
    """Score a trained model on labelled rows: every held-out part of :class:`EvaluationReport`.

    Parameters
    ----------
    predictor : StancePredictor
        The trained model.
    rows : sequence of dict
        Labelled rows with ``text``, ``label`` and ``doc_id`` (the bootstrap group).
    params : EvaluateParams
        Threshold, masked terms, bootstrap resamples, seed.
    training_labels : sequence of str
        The labels of the training rows (fits the majority baseline).
    data : str
        A name for the rows, shown in the summary.
    """
    import numpy as np

    from stancekit.baselines import LexiconBaseline, MajorityBaseline, mask_terms
    from stancekit.metrics import bootstrap_intervals, classification_metrics, curve_points

    labels = list(predictor.labels)
    scored = [row for row in rows if row["label"] in labels]
    if not scored:
        raise DataError(f"{data} has no rows labelled {' or '.join(labels)}.")
    texts = [row["text"] for row in scored]
    y_true = [row["label"] for row in scored]
    groups = [row["doc_id"] for row in scored]
    proba = predictor.predict_proba(texts)
    y_pred = [labels[i] for i in proba.argmax(axis=1)]

    lexicon = LexiconBaseline().fit(labels, labels)
    majority = MajorityBaseline().fit([], [y for y in training_labels if y in labels])
    lexicon_proba = lexicon.predict_proba(texts)
    baselines = {
        "majority": {"test": classification_metrics(y_true, majority.predict_proba(texts), labels)},
        "lexicon": {"test": classification_metrics(y_true, lexicon_proba, labels)},
    }
    masked_proba = predictor.predict_proba(mask_terms(texts, params.mask_terms))

    confidence = proba.max(axis=1)
    neutral: dict[str, Any] = {}
    neutral_rows = [row["text"] for row in rows if row["label"] == NEUTRAL]
    if NEUTRAL not in labels and neutral_rows:
        answered = confidence >= params.threshold
        neutral_conf = predictor.predict_proba(neutral_rows).max(axis=1)
        neutral = {
            "threshold": params.threshold,
            "neutral_rows": len(neutral_rows),
            "neutral_abstained_share": float(np.mean(neutral_conf < params.threshold)),
            "stance_abstained_share": float(np.mean(~answered)),
            "stance_accuracy_answered": float(
                np.mean(np.array(y_true)[answered] == np.array(y_pred)[answered])
            )
            if answered.any()
            else 0.0,
        }
    errors = sorted(
        (i for i in range(len(scored)) if y_pred[i] != y_true[i]), key=lambda i: -confidence[i]
    )[:CONFIDENT_ERRORS]
    return EvaluationReport(
        labels=labels,
        data=data,
        test=classification_metrics(y_true, proba, labels),
        test_documents=len(set(groups)),
        intervals=bootstrap_intervals(
            y_true, proba, labels, groups, params.bootstrap_resamples, params.seed
        ),
        baselines=baselines,
        lexicon_gap=paired_bootstrap_gap(
            y_true, proba, lexicon_proba, labels, groups, params.bootstrap_resamples, params.seed
        ),
        masked={"test": classification_metrics(y_true, masked_proba, labels)},
        neutral=neutral,
        curves=curve_points(y_true, proba, labels),
        top_terms=top_terms(predictor.pipeline),
        confident_errors=[
            {
                "doc_id": scored[i]["doc_id"],
                "paragraph_index": scored[i].get("paragraph_index"),
                "actual": y_true[i],
                "predicted": y_pred[i],
                "probability": float(confidence[i]),
                "text": texts[i],
            }
            for i in errors
        ],
        unscored=dict(Counter(row["label"] for row in rows if row["label"] not in labels)),
        predictions=list(zip(y_true, y_pred, strict=True)),
    )


# --- the cross-validation part -------------------------------------------------------------------


def add_cross_validation(
    report: EvaluationReport, rows: Sequence[Row], train: TrainParams, params: EvaluateParams
) -> EvaluationReport:
    """Grouped CV of the method on ``rows`` (the whole corpus), added to ``report``."""
    from stancekit.baselines import LexiconBaseline, MajorityBaseline, mask_terms
    from stancekit.train import fit_pipeline

    def model(x: list[str], y: list[str]) -> Any:
        return fit_pipeline(x, y, train)

    stance_rows = [row for row in rows if row["label"] in train.labels]
    texts = [row["text"] for row in stance_rows]
    labels = [row["label"] for row in stance_rows]
    cv, baselines = {}, report.baselines
    for grouping in params.cv_groupings:
        groups = [str(row[grouping]) for row in stance_rows]
        cv[grouping] = cross_validate(texts, labels, groups, model, params.cv_folds, params.seed)
        for name, factory in (("lexicon", LexiconBaseline), ("majority", MajorityBaseline)):
            baselines[name][f"cv_{grouping}"] = cross_validate(
                texts,
                labels,
                groups,
                lambda x, y, f=factory: f().fit(x, y),
                params.cv_folds,
                params.seed,
            )
    doc_groups = [row["doc_id"] for row in stance_rows]
    masked = dict(report.masked)
    masked["cv_doc_id"] = cross_validate(
        texts,
        labels,
        doc_groups,
        model,
        params.cv_folds,
        params.seed,
        transform=lambda t: mask_terms(t, params.mask_terms),
    )
    curve = [
        (
            share,
            cross_validate(
                texts, labels, doc_groups, model, params.cv_folds, params.seed, train_fraction=share
            ),
        )
        for share in params.learning_curve
    ]
    three_class = None
    if params.three_class:
        three = replace(train, labels=LABELS)
        three_class = cross_validate(
            [row["text"] for row in rows],
            [row["label"] for row in rows],
            [row["doc_id"] for row in rows],
            lambda x, y: fit_pipeline(x, y, three),
            params.cv_folds,
            params.seed,
        )
    return replace(
        report,
        cv=cv,
        baselines=baselines,
        masked=masked,
        learning_curve=curve,
        three_class=three_class,
    )


# --- reading external data, writing outputs ------------------------------------------------------


def read_labelled_table(
    path: str | Path,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
) -> list[Row]:
    """Read a labelled JSONL or CSV/TSV file into rows with ``text``, ``label`` and ``doc_id``.

    The group (bootstrap unit) is ``group_column`` if given, else a ``doc_id`` column if there is
    one, else each row on its own.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown format, missing column (the message lists the columns
        that exist), or a label outside the stancekit labels.
    """
    from stancekit.sources import open_table

    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a labelled .jsonl, .csv or .tsv file.")
    if suffix not in (".jsonl", ".ndjson", ".csv", ".tsv"):
        raise InputError(f"{path}: unknown format {suffix!r}; use .jsonl, .csv or .tsv.")
    records = list(open_table(path))  # one-line InputErrors for unreadable files and bad rows
    if not records:
        raise InputError(f"{path}: no rows.")
    columns = list(records[0])
    for option, column in (
        ("--text-column", text_column),
        ("--label-column", label_column),
        ("--group-column", group_column),
    ):
        if column is not None and column not in columns:
            raise InputError(
                f"{path}: no column {column!r} ({option}); columns are: {', '.join(columns)}."
            )
    group = group_column or ("doc_id" if "doc_id" in columns else None)
    rows = []
    for number, record in enumerate(records, start=1):
        for column in (text_column, label_column, group):
            if column is not None and column not in record:
                raise InputError(f"{path}: row {number} has no {column!r} field.")
        label = str(record[label_column]).strip()
        if label not in LABELS:
            raise InputError(
                f"{path}: row {number} has label {label!r}; labels are {', '.join(LABELS)}."
            )
        text = record[text_column]
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{path}: row {number}: {text_column!r} is empty or not text.")
        rows.append(
            {
                "text": text,
                "label": label,
                "doc_id": str(record[group]) if group else f"row-{number}",
                "paragraph_index": record.get("paragraph_index"),
            }
        )
    return rows


def write_outputs(report: EvaluationReport, out_dir: str | Path) -> Path:
    """metrics.json, plot data under plots/, and report.html, each written atomically."""
    from stancekit.report import write_html_report

    out_dir = Path(out_dir)
    with atomic_write(out_dir / METRICS_FILE) as handle:
        json.dump(report.to_metrics(), handle, indent=2)
        handle.write("\n")
    tables: dict[str, tuple[list[str], list[Sequence[Any]]]] = {
        "confusion.csv": (["actual", "predicted"], report.predictions),
        "roc.csv": (["fpr", "tpr"], [(p["fpr"], p["tpr"]) for p in report.curves["roc"]]),
        "precision_recall.csv": (
            ["recall", "precision"],
            [(p["recall"], p["precision"]) for p in report.curves["precision_recall"]],
        ),
        "calibration.csv": (
            ["mean_predicted", "fraction_positive", "count"],
            [
                (p["mean_predicted"], p["fraction_positive"], p["count"])
                for p in report.curves["calibration"]
            ],
        ),
    }
    if report.learning_curve:
        tables["learning_curve.csv"] = (
            ["train_share", "macro_f1", "std"],
            [(share, s.mean["macro_f1"], s.std["macro_f1"]) for share, s in report.learning_curve],
        )
    for name, (header, body) in tables.items():
        with atomic_write(out_dir / PLOTS_DIR / name) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(
                [round(v, 6) if isinstance(v, float) else v for v in row] for row in body
            )
    report_path = out_dir / REPORT_FILE
    write_html_report(report, report_path)
    return report_path


def evaluate(
    params: Params,
    model_dir: str | Path = DEFAULT_MODEL_DIR,
    split_dir: str | Path = DEFAULT_SPLIT_DIR,
    cross_validation: bool = True,
) -> EvaluationReport:
    """The pipeline stage: the model in ``model_dir`` on the held-out split, plus grouped CV over
    train + test; writes metrics.json, plots/ and report.html into ``model_dir``."""
    from stancekit.predictor import StancePredictor

    predictor = StancePredictor.load(model_dir)
    split_dir = Path(split_dir)
    paths = {name: split_dir / f"{name}.jsonl" for name in ("train", "test")}
    for path in paths.values():
        if not path.is_file():
            raise DataError(f"{path} not found: run `stancekit prepare` first.")
    train_rows, test_rows = read_rows(paths["train"]), read_rows(paths["test"])
    report = evaluate_on_rows(
        predictor,
        test_rows,
        params.evaluate,
        [r["label"] for r in train_rows],
        f"the held-out split ({paths['test']})",
    )
    if cross_validation:
        report = add_cross_validation(report, train_rows + test_rows, params.train, params.evaluate)
    write_outputs(report, model_dir)
    return report


def evaluate_file(
    params: EvaluateParams,
    data: str | Path,
    out_dir: str | Path,
    model_dir: str | Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
) -> EvaluationReport:
    """Evaluate a trained model on a user's labelled file; write the outputs into ``out_dir``."""
    from stancekit.predictor import StancePredictor

    predictor = StancePredictor.load(model_dir)
    rows = read_labelled_table(data, text_column, label_column, group_column)
    shares = predictor.card.training_data.get("rows_per_label", {}) if predictor.card else {}
    training_labels = [label for label, n in shares.items() for _ in range(n)] or [
        row["label"] for row in rows
    ]
    report = evaluate_on_rows(predictor, rows, params, training_labels, str(data))
    write_outputs(report, out_dir)
    return report
