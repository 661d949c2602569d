"""The ``evaluate`` stage: score the trained model on the held-out split."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.corpus import read_rows
from stancekit.errors import DataError
from stancekit.files import atomic_write
from stancekit.persist import DEFAULT_MODEL_DIR, METRICS_FILE

if TYPE_CHECKING:
    import numpy as np

DEFAULT_TEST_PATH = Path("data/prepared/test.jsonl")
CONFUSION_PLOT = Path("plots") / "confusion.csv"
SPLIT = "test"


@dataclass(frozen=True)
class EvaluationReport:
    """Metrics of a model on labelled paragraphs.

    Attributes
    ----------
    labels : list of str
        The model's labels, in ``classes_`` order.
    n_rows, n_documents : int
        Paragraphs (and their documents) scored: those whose label the model knows.
    accuracy, macro_f1 : float
    roc_auc : float or None
        Binary: AUC of the second label's probability; multi-class: one-vs-rest macro AUC.
        ``None`` when a label is missing from the data.
    per_class : dict
        ``label -> {precision, recall, f1, support}``.
    confusion : dict
        ``actual label -> predicted label -> count``.
    unscored : dict
        Rows left out because the model does not predict their label, counted by label.
    """

    labels: list[str]
    n_rows: int
    n_documents: int
    accuracy: float
    macro_f1: float
    roc_auc: float | None
    per_class: dict[str, dict[str, float]]
    confusion: dict[str, dict[str, int]]
    unscored: dict[str, int] = field(default_factory=dict)

    def to_metrics(self, split: str = SPLIT) -> dict[str, Any]:
        """Nested ``metric -> split`` mapping, as written to metrics.json for ``dvc metrics``."""
        return {
            "rows": {split: self.n_rows},
            "documents": {split: self.n_documents},
            "accuracy": {split: round(self.accuracy, 6)},
            "macro_f1": {split: round(self.macro_f1, 6)},
            "roc_auc": {split: None if self.roc_auc is None else round(self.roc_auc, 6)},
            "per_class": {
                label: {name: {split: round(value, 6)} for name, value in scores.items()}
                for label, scores in self.per_class.items()
            },
            "confusion": {split: self.confusion},
            "unscored_rows": {split: self.unscored},
        }

    def summary(self) -> str:
        """A short readable summary: headline metrics, per-class table, confusion matrix."""
        auc = "n/a" if self.roc_auc is None else f"{self.roc_auc:.3f}"
        lines = [
            f"{self.n_rows} paragraphs from {self.n_documents} documents "
            f"({' vs '.join(self.labels)})",
            f"accuracy {self.accuracy:.3f}   macro-F1 {self.macro_f1:.3f}   ROC-AUC {auc}",
            "",
            f"{'':<20}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}",
        ]
        for label, s in self.per_class.items():
            lines.append(
                f"{label:<20}{s['precision']:>10.3f}{s['recall']:>9.3f}{s['f1']:>8.3f}"
                f"{int(s['support']):>9}"
            )
        width = max(len(label) for label in self.labels) + 2
        lines += [
            "",
            "confusion (rows: actual, columns: predicted)",
            " " * width + "".join(f"{label[:12]:>14}" for label in self.labels),
        ]
        for actual in self.labels:
            counts = "".join(f"{self.confusion[actual][p]:>14}" for p in self.labels)
            lines.append(f"{actual:<{width}}{counts}")
        if self.unscored:
            left_out = ", ".join(f"{n} {label}" for label, n in sorted(self.unscored.items()))
            lines += ["", f"not scored (labels the model does not predict): {left_out}"]
        return "\n".join(lines)


def evaluate_predictions(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], n_documents: int
) -> EvaluationReport:
    """Compute an :class:`EvaluationReport` from true labels and predicted probabilities.

    Parameters
    ----------
    y_true : sequence of str
        True labels, each one of ``labels``.
    proba : array, shape (n, len(labels))
        Predicted probabilities, columns in ``labels`` order.
    labels : sequence of str
        The model's labels (``classes_`` order).
    n_documents : int
        Number of documents the rows come from (reported, not used in the metrics).
    """
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    labels = list(labels)
    y_pred = [labels[i] for i in np.asarray(proba).argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    roc_auc = None
    if set(y_true) == set(labels):
        if len(labels) == 2:
            roc_auc = float(roc_auc_score([y == labels[1] for y in y_true], proba[:, 1]))
        else:
            roc_auc = float(
                roc_auc_score(y_true, proba, labels=labels, multi_class="ovr", average="macro")
            )
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return EvaluationReport(
        labels=labels,
        n_rows=len(y_true),
        n_documents=n_documents,
        accuracy=float(accuracy_score(y_true, y_pred)),
        macro_f1=float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        roc_auc=roc_auc,
        per_class={
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        confusion={
            actual: {pred: int(matrix[i, j]) for j, pred in enumerate(labels)}
            for i, actual in enumerate(labels)
        },
    )


def evaluate(
    model_dir: str | Path = DEFAULT_MODEL_DIR,
    test_path: str | Path = DEFAULT_TEST_PATH,
    write: bool = True,
) -> EvaluationReport:
    """Score the model in ``model_dir`` on ``test_path``.

    With ``write`` (the pipeline stage), metrics go to ``<model_dir>/metrics.json`` and the
    (actual, predicted) pairs to ``<model_dir>/plots/confusion.csv`` for ``dvc plots``.
    """
    from stancekit.predictor import StancePredictor

    predictor = StancePredictor.load(model_dir)
    test_path = Path(test_path)
    if not test_path.is_file():
        raise DataError(f"{test_path} not found: run `stancekit prepare` first.")
    rows = read_rows(test_path)
    labels = predictor.labels
    scored = [row for row in rows if row["label"] in labels]
    if not scored:
        raise DataError(f"{test_path} has no rows labelled {' or '.join(labels)}.")
    proba = predictor.predict_proba([row["text"] for row in scored])
    y_true = [row["label"] for row in scored]
    report = evaluate_predictions(y_true, proba, labels, len({row["doc_id"] for row in scored}))
    report = replace(
        report, unscored=dict(Counter(r["label"] for r in rows if r["label"] not in labels))
    )
    if write:
        model_dir = Path(model_dir)
        with atomic_write(model_dir / METRICS_FILE) as handle:
            json.dump(report.to_metrics(), handle, indent=2)
            handle.write("\n")
        with atomic_write(model_dir / CONFUSION_PLOT) as handle:
            handle.write("actual,predicted\n")
            for actual, row in zip(y_true, proba, strict=True):
                handle.write(f"{actual},{labels[int(row.argmax())]}\n")
    return report
