"""The ``evaluate`` stage, and evaluation of a trained model on a user's labelled file.

Two questions, kept apart:

* **How good is this model?** A model scored on data it never saw
  (:func:`stancekit.evaluation.heldout.score_held_out`): the held-out split, scored with the model
  fitted on the training split only (pipeline stage), or a user's labelled file
  (``stancekit evaluate --data``).
* **How good is the method?** Grouped cross-validation over the whole corpus
  (:func:`stancekit.evaluation.crossval.cross_validate_method`), pipeline stage only.

Outputs: ``metrics.json`` (headline), ``evaluation.json`` (every figure), ``plots/`` (CSV for
``dvc plots show``) and ``report.html``.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stancekit.data.corpus import Row, read_split
from stancekit.errors import DataError
from stancekit.evaluation.results import Evaluation
from stancekit.io.files import atomic_write, sha256_file
from stancekit.model.locate import DEFAULT_MODEL_DIR, METRICS_FILE
from stancekit.params import EvaluateParams, Params

DEFAULT_SPLIT_DIR = Path("data/prepared")
DEFAULT_HELDOUT_MODEL_DIR = Path("models/heldout")
DETAILS_FILE = "evaluation.json"
PLOTS_DIR = "plots"
REPORT_FILE = "report.html"
#: ``evaluate --data``: one row per scored paragraph, with the model's prediction.
PREDICTIONS_FILE = "predictions.csv"


def _plot_tables(evaluation: Evaluation) -> dict[str, tuple[list[str], list[Sequence[Any]]]]:
    h = evaluation.held_out
    tables: dict[str, tuple[list[str], list[Sequence[Any]]]] = {
        "confusion.csv": (["actual", "predicted"], h.predictions),
        "roc.csv": (["fpr", "tpr"], [(p["fpr"], p["tpr"]) for p in h.curves["roc"]]),
        "precision_recall.csv": (
            ["recall", "precision"],
            [(p["recall"], p["precision"]) for p in h.curves["precision_recall"]],
        ),
        "calibration.csv": (
            ["model", "confidence", "accuracy", "count"],
            [
                (model, p["confidence"], p["accuracy"], p["count"])
                for model, points in sorted(h.reliability.items())
                for p in points
            ],
        ),
        "coverage.csv": (
            ["threshold", "coverage", "accuracy"],
            [(p["threshold"], p["coverage"], p["accuracy"]) for p in h.coverage],
        ),
    }
    if evaluation.cv is not None and evaluation.cv.learning_curve:
        tables["learning_curve.csv"] = (
            ["train_share", "macro_f1", "std"],
            [
                (share, s.mean["macro_f1"], s.std["macro_f1"])
                for share, s in evaluation.cv.learning_curve
            ],
        )
    return tables


def write_outputs(
    evaluation: Evaluation,
    out_dir: str | Path,
    predictions: tuple[list[str], list[list[Any]]] | None = None,
) -> Path:
    """metrics.json, evaluation.json, plot data under plots/, report.html and, given
    ``predictions`` (header, rows), predictions.csv, all or nothing:
    every file is written into a hidden folder inside ``out_dir`` first, then renamed into
    place; a failed write (a full disk) leaves ``out_dir`` as it was. Returns the report's path.

    Raises
    ------
    OutputError
        ``out_dir`` cannot be created or written (says why: no permission, disk full).
    """
    import shutil

    from stancekit.io.files import staging_folder

    out_dir = Path(out_dir)
    with staging_folder(out_dir, ".evaluate") as stage:
        _write_output_files(evaluation, stage)
        if predictions is not None:
            with atomic_write(stage / PREDICTIONS_FILE) as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(predictions[0])
                writer.writerows(predictions[1])
        for staged in sorted(stage.rglob("*")):
            if staged.is_file():
                target = out_dir / staged.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
        shutil.rmtree(stage, ignore_errors=True)
    return out_dir / REPORT_FILE


def _write_output_files(evaluation: Evaluation, out_dir: Path) -> None:
    from stancekit.evaluation.metrics_file import details, headline
    from stancekit.evaluation.report import write_html_report

    for name, content in ((METRICS_FILE, headline), (DETAILS_FILE, details)):
        with atomic_write(out_dir / name) as handle:
            json.dump(content(evaluation), handle, indent=2)
            handle.write("\n")
    for name, (header, body) in _plot_tables(evaluation).items():
        with atomic_write(out_dir / PLOTS_DIR / name) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(
                [round(v, 6) if isinstance(v, float) else v for v in row] for row in body
            )
    write_html_report(evaluation, out_dir / REPORT_FILE)


def _check_trained_on(predictor: Any, train_path: Path, test_path: Path) -> None:
    """Refuse to score the held-out split with a model that saw it."""
    files = (predictor.card.training_data.get("files") or {}) if predictor.card else {}
    test_hash = sha256_file(test_path)
    if test_hash in files.values():
        raise DataError(
            f"the model was trained on {test_path}: evaluate the model fitted on the training "
            f"split only (`stancekit train --data {train_path} --model "
            f"{DEFAULT_HELDOUT_MODEL_DIR}`), or use `evaluate --data FILE` for other data."
        )


def evaluate(
    params: Params,
    model_dir: str | Path = DEFAULT_HELDOUT_MODEL_DIR,
    split_dir: str | Path = DEFAULT_SPLIT_DIR,
    out_dir: str | Path = DEFAULT_MODEL_DIR,
    cross_validation: bool = True,
    *,
    trust_pickle: bool = False,
    real_text: str | Path | None = None,
) -> Evaluation:
    """The pipeline stage: the model in ``model_dir`` (fitted on the training split) on the
    held-out split, plus grouped CV of the method over train + test; writes the outputs into
    ``out_dir``. ``real_text``: the ``metrics.json`` of the real-text check (``make
    realworld``), shown beside the held-out figures in the report when the file exists.

    Raises
    ------
    DataError
        If the split is missing, or the model was trained on the held-out split.
    """
    from stancekit.evaluation.crossval import cross_validate_method
    from stancekit.evaluation.heldout import score_held_out
    from stancekit.scoring.predictor import StancePredictor

    predictor = StancePredictor.load(model_dir, trust_pickle=trust_pickle)
    # The split is in the model's language: measure the model, not language identification.
    predictor.router = predictor.router.forced(predictor.router.main_language)
    split_dir = Path(split_dir)
    paths = {name: split_dir / f"{name}.jsonl" for name in ("train", "test")}
    train_rows, test_rows = read_split(paths["train"]), read_split(paths["test"])
    _check_trained_on(predictor, paths["train"], paths["test"])
    held_out = score_held_out(
        predictor,
        test_rows,
        params.evaluate,
        [r["label"] for r in train_rows],
        f"the held-out split ({paths['test']})",
    )
    cv = (
        cross_validate_method(train_rows + test_rows, params.train, params.evaluate)
        if cross_validation
        else None
    )
    provenance = {
        "model": str(model_dir),
        "model_sha256": predictor.card.model_sha256 if predictor.card else "",
        "training data": ", ".join(
            f"{p} ({h[:12]})" for p, h in (predictor.card.training_data.get("files") or {}).items()
        )
        if predictor.card
        else "",
        "held-out data": f"{paths['test']} ({sha256_file(paths['test'])[:12]})",
        "params": ", ".join(f"{k}={v}" for k, v in predictor.card.params.items())
        if predictor.card
        else "",
        "libraries": ", ".join(f"{k} {v}" for k, v in predictor.card.libraries.items())
        if predictor.card
        else "",
    }
    evaluation = Evaluation(
        held_out=held_out,
        cv=cv,
        provenance=provenance,
        measured_on=measured_on(test_rows),
        real_text=read_real_text(real_text),
    )
    write_outputs(evaluation, out_dir)
    return evaluation


ORIGIN_WORDS = {
    "authored": "written for this project",
    "seed": "from the project's two seed documents",
    "external": "labelled data of a user (data/labels)",
    "annotated": "labelled with stancekit annotate (data/labels)",
}


def measured_on(rows: Sequence[Row]) -> str:
    """What the held-out rows are, by origin, in plain words."""
    from collections import Counter

    counts = Counter(str(row.get("origin", "unknown")) for row in rows)
    parts = [
        f"{n / len(rows):.0%} {ORIGIN_WORDS.get(origin, f'of origin {origin}')}"
        for origin, n in counts.most_common()
    ]
    return (
        f"The held-out split is {len(rows)} paragraphs of the project's corpus: "
        + ", ".join(parts)
        + ". Text written for the project is not published advocacy text: these figures say how "
        "well the model reads text like its corpus; the real-text check (`make realworld`, "
        "published paragraphs nobody here wrote) says how it reads the real thing."
    )


def read_real_text(path: str | Path | None) -> dict[str, Any] | None:
    """The headline of a real-text check's ``metrics.json`` (and the model it measured, from the
    ``evaluation.json`` beside it), or ``None`` if it has not been run."""
    if path is None or not Path(path).is_file():
        return None
    path = Path(path)
    try:
        test = json.loads(path.read_text(encoding="utf-8"))["test"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    model = ""
    try:
        details = json.loads((path.parent / DETAILS_FILE).read_text(encoding="utf-8"))
        model = str(details.get("provenance", {}).get("model_sha256", ""))
    except (OSError, ValueError, AttributeError):
        pass
    keys = ("rows", "documents", "macro_f1", "macro_f1_low", "macro_f1_high", "accuracy")
    return {
        "path": str(path),
        "sha256": sha256_file(path),
        "model_sha256": model,
        **{key: test.get(key) for key in keys},
    }


def evaluate_file(
    params: EvaluateParams,
    data: str | Path,
    out_dir: str | Path,
    model_dir: str | Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
    *,
    doc_column: str | None = None,
    label_map: Mapping[str, str] | None = None,
    trust_pickle: bool = False,
    language: str | None = None,
    sheet: str | None = None,
) -> Evaluation:
    """Evaluate a trained model on a user's labelled file; write the outputs into ``out_dir``,
    with every scored row's prediction in ``predictions.csv`` (:data:`PREDICTIONS_FILE`).

    Each row is scored as ``stancekit predict`` scores it: by the model of its identified
    language, or of ``language`` when given. A row in a language the model does not read gets
    equal probabilities (so it counts as an error, never as a side), and the provenance says how
    many. The lexicon baseline is that of ``language``, else of the rows' most common language.
    """
    from collections import Counter
    from dataclasses import replace

    from stancekit.data.labelled import read_labelled_table
    from stancekit.evaluation.heldout import score_held_out
    from stancekit.scoring.predictor import StancePredictor

    loaded = StancePredictor.load(model_dir, trust_pickle=trust_pickle, language=language)
    rows = read_labelled_table(
        data,
        text_column,
        label_column,
        group_column,
        doc_column=doc_column,
        label_map=label_map,
        sheet=sheet,
    )
    identified = loaded.identify([row["text"] for row in rows])
    if language is None and identified:
        language = Counter(identified).most_common(1)[0][0]
    params = replace(params, language=language or params.language)
    unsupported = sum(code not in loaded.languages for code in identified)
    predictor = _Unsupported(loaded)
    shares = predictor.card.training_data.get("rows_per_label", {}) if predictor.card else {}
    training_labels = [label for label, n in shares.items() for _ in range(n)] or [
        row["label"] for row in rows
    ]
    unit = f"'{group_column}' groups" if group_column else "documents"
    held_out = score_held_out(predictor, rows, params, training_labels, str(data), unit)
    provenance = {
        "model": str(model_dir or "default"),
        "data": f"{data} ({sha256_file(data)[:12]})",
    }
    if label_map:
        provenance["label map"] = ", ".join(f"{k}={v}" for k, v in label_map.items())
    languages = Counter(identified)
    provenance["languages"] = ", ".join(f"{code} {n}" for code, n in languages.most_common())
    if unsupported:
        provenance["unsupported"] = (
            f"{unsupported} row(s) in a language the model does not read, scored as equal "
            "probabilities (counted as errors)"
        )
    evaluation = Evaluation(held_out=held_out, provenance=provenance)
    write_outputs(evaluation, out_dir, row_predictions(predictor, rows))
    return evaluation


class _Unsupported:
    """A predictor whose rows in a language it does not read get equal probabilities, not NaN
    (for metrics: an error, never a side)."""

    def __init__(self, predictor: Any) -> None:
        self._predictor = predictor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._predictor, name)

    def predict_proba(self, texts: Sequence[str]) -> Any:
        import numpy as np

        proba = self._predictor.predict_proba(texts)
        missing = np.isnan(proba).any(axis=1)
        proba[missing] = 1.0 / proba.shape[1]
        return proba


def row_predictions(predictor: Any, rows: Sequence[Row]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of ``predictions.csv``: ``doc_id, paragraph_index, text, label,
    predicted, p_<label>..., correct`` for every row whose label the model predicts, then the
    input's other columns as they were (its id and group columns among them; renamed
    ``input_<name>`` where a name is taken)."""
    labels = list(predictor.labels)
    scored = [row for row in rows if row["label"] in labels]
    proba = predictor.predict_proba([row["text"] for row in scored])
    header = ["doc_id", "paragraph_index", "text", "label", "predicted"]
    header += [f"p_{label}" for label in labels] + ["correct"]
    extra = list(dict.fromkeys(k for row in scored for k in row.get("input", {})))
    header += [f"input_{k}" if k in header else k for k in extra]
    body = []
    for row, p in zip(scored, proba, strict=True):
        predicted = labels[int(p.argmax())]
        body.append(
            [row.get("document", row["doc_id"]), row.get("paragraph_index"), row["text"]]
            + [row["label"], predicted]
            + [round(float(v), 6) for v in p]
            + [predicted == row["label"]]
            + [row.get("input", {}).get(k, "") for k in extra]
        )
    return header, body
