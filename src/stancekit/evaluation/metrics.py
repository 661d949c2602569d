"""Classification metrics on predicted probabilities: scores, calibration, curves, bootstrap.

All functions take true labels, a probability matrix whose columns follow ``labels`` (the model's
``classes_`` order) and return plain Python numbers, so results serialise to JSON as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

CALIBRATION_BINS = 10


def _onehot(y_true: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    import numpy as np

    index = {label: i for i, label in enumerate(labels)}
    out = np.zeros((len(y_true), len(labels)))
    out[np.arange(len(y_true)), [index[y] for y in y_true]] = 1.0
    return out


def positive_label(labels: Sequence[str]) -> str:
    """The label whose probability the binary curves (ROC, PR, calibration) follow: the second
    column, as scikit-learn does for binary classifiers."""
    return labels[1]


def reliability_bins(
    confidence: np.ndarray, correct: np.ndarray, bins: int = CALIBRATION_BINS
) -> list[dict[str, float]]:
    """Equal-width confidence bins: mean confidence, share correct and size of each non-empty bin
    (the points of a reliability diagram)."""
    import numpy as np

    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        members = which == b
        if members.any():
            out.append(
                {
                    "confidence": float(confidence[members].mean()),
                    "accuracy": float(correct[members].mean()),
                    "count": int(members.sum()),
                }
            )
    return out


def top_label_reliability(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], bins: int = CALIBRATION_BINS
) -> list[dict[str, float]]:
    """:func:`reliability_bins` of the highest probability against whether its label is right."""
    import numpy as np

    proba = np.asarray(proba, dtype=float)
    correct = np.asarray(labels)[proba.argmax(axis=1)] == np.asarray(y_true)
    return reliability_bins(proba.max(axis=1), correct, bins)


def expected_calibration_error(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], bins: int = CALIBRATION_BINS
) -> float:
    """ECE: the gap between confidence (highest probability) and accuracy, averaged over equal-width
    confidence bins weighted by their size."""
    points = top_label_reliability(y_true, proba, labels, bins)
    total = sum(p["count"] for p in points)
    return float(sum(p["count"] / total * abs(p["accuracy"] - p["confidence"]) for p in points))


def coverage(
    y_true: Sequence[str],
    proba: np.ndarray,
    labels: Sequence[str],
    thresholds: Sequence[float] = tuple(round(0.3 + 0.05 * i, 2) for i in range(14)),
) -> list[dict[str, float]]:
    """Accuracy against the share of rows answered: a row is answered when its highest
    probability reaches the threshold (``stancekit predict --threshold``)."""
    import numpy as np

    proba = np.asarray(proba, dtype=float)
    confidence = proba.max(axis=1)
    correct = np.asarray(labels)[proba.argmax(axis=1)] == np.asarray(y_true)
    out = []
    for t in thresholds:
        answered = confidence >= t
        out.append(
            {
                "threshold": float(t),
                "coverage": float(answered.mean()),
                "accuracy": float(correct[answered].mean()) if answered.any() else float("nan"),
            }
        )
    return [p for p in out if p["coverage"] > 0]


def classification_metrics(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support, ROC-AUC, average precision, log
    loss, Brier score, expected calibration error, and the confusion matrix.

    ROC-AUC and average precision are one-vs-rest macro averages (for two labels: of the positive
    label, :func:`positive_label`); they are ``None`` when a label is absent from ``y_true``. The
    Brier score is the mean squared error of the probability vector (for two labels, that of the
    positive label's probability, as ``sklearn.metrics.brier_score_loss``).
    """
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        average_precision_score,
        confusion_matrix,
        f1_score,
        log_loss,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    labels = list(labels)
    y_true = list(y_true)
    proba = np.asarray(proba, dtype=float)
    y_pred = [labels[i] for i in proba.argmax(axis=1)]
    onehot = _onehot(y_true, labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    all_present = set(y_true) == set(labels)
    if len(labels) == 2:
        roc_auc = roc_auc_score(onehot[:, 1], proba[:, 1]) if all_present else None
        ap = average_precision_score(onehot[:, 1], proba[:, 1]) if all_present else None
        brier = float(np.mean((proba[:, 1] - onehot[:, 1]) ** 2))
    else:
        roc_auc = (
            roc_auc_score(onehot, proba, average="macro", multi_class="ovr")
            if all_present
            else None
        )
        ap = average_precision_score(onehot, proba, average="macro") if all_present else None
        brier = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    return {
        "rows": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
        "roc_auc": None if roc_auc is None else float(roc_auc),
        "average_precision": None if ap is None else float(ap),
        "log_loss": float(log_loss(y_true, proba, labels=labels)),
        "brier": brier,
        "ece": expected_calibration_error(y_true, proba, labels),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion": {
            actual: {pred: int(matrix[i, j]) for j, pred in enumerate(labels)}
            for i, actual in enumerate(labels)
        },
    }


def macro_f1_from_indexes(true_idx: np.ndarray, pred_idx: np.ndarray, n_labels: int) -> float:
    import numpy as np

    f1s = []
    for k in range(n_labels):
        tp = np.sum((pred_idx == k) & (true_idx == k))
        fp = np.sum((pred_idx == k) & (true_idx != k))
        fn = np.sum((pred_idx != k) & (true_idx == k))
        denominator = 2 * tp + fp + fn
        f1s.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(f1s))


def resample_groups(groups: Sequence[str], n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Yield row indexes of ``n_resamples`` cluster-bootstrap samples: each draws as many groups as
    there are, with replacement, and takes all rows of each drawn group."""
    import numpy as np

    _, group_idx = np.unique(np.asarray(groups), return_inverse=True)
    members = [np.flatnonzero(group_idx == g) for g in range(group_idx.max() + 1)]
    rng = np.random.default_rng(seed)
    for _ in range(n_resamples):
        yield np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])


def bootstrap_intervals(
    y_true: Sequence[str],
    proba: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[str],
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for accuracy and macro-F1, resampling whole groups.

    Paragraphs of one document are not independent, so the resampling unit is the group (the
    document): each resample draws as many groups as there are, with replacement.

    Returns
    -------
    dict
        ``{"accuracy": (low, high), "macro_f1": (low, high)}``.
    """
    import numpy as np

    index = {label: i for i, label in enumerate(labels)}
    true_idx = np.array([index[y] for y in y_true])
    pred_idx = np.asarray(proba).argmax(axis=1)
    accuracy, macro_f1 = [], []
    for rows in resample_groups(groups, n_resamples, seed):
        accuracy.append(float(np.mean(true_idx[rows] == pred_idx[rows])))
        macro_f1.append(macro_f1_from_indexes(true_idx[rows], pred_idx[rows], len(labels)))
    tail = (1 - level) / 2 * 100
    return {
        name: (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))
        for name, values in (("accuracy", accuracy), ("macro_f1", macro_f1))
    }


def curve_points(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str]
) -> dict[str, list[dict[str, float]]]:
    """ROC and precision-recall points for the positive label (plot data).

    Returns ``{"roc": [{fpr, tpr}], "precision_recall": [{recall, precision}]}``; both are empty
    when the positive label or every other label is absent.
    """
    import numpy as np
    from sklearn.metrics import precision_recall_curve, roc_curve

    positive = positive_label(labels)
    column = list(labels).index(positive)
    y = np.array([label == positive for label in y_true], dtype=float)
    p = np.asarray(proba)[:, column]
    out: dict[str, list[dict[str, float]]] = {"roc": [], "precision_recall": []}
    if 0 < y.sum() < len(y):
        fpr, tpr, _ = roc_curve(y, p)
        out["roc"] = [{"fpr": float(a), "tpr": float(b)} for a, b in zip(fpr, tpr, strict=True)]
        precision, recall, _ = precision_recall_curve(y, p)
        out["precision_recall"] = [
            {"recall": float(r), "precision": float(q)}
            for r, q in zip(recall[::-1], precision[::-1], strict=True)
        ]
    return out


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

    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[v] for v in y_true])
    a, b = np.asarray(proba_a).argmax(axis=1), np.asarray(proba_b).argmax(axis=1)
    k = len(labels)
    gaps = [
        macro_f1_from_indexes(y[rows], a[rows], k) - macro_f1_from_indexes(y[rows], b[rows], k)
        for rows in resample_groups(groups, n_resamples, seed)
    ]
    point = macro_f1_from_indexes(y, a, k) - macro_f1_from_indexes(y, b, k)
    return {
        "point": float(point),
        "low": float(np.percentile(gaps, 2.5)),
        "high": float(np.percentile(gaps, 97.5)),
    }


def stance_columns(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], stances: Sequence[str]
) -> tuple[list[int], np.ndarray]:
    """Rows labelled with one of ``stances`` and their probabilities over those labels only,
    renormalised (a three-class model read as a stance-vs-stance classifier)."""
    import numpy as np

    columns = [list(labels).index(s) for s in stances]
    rows = [i for i, y in enumerate(y_true) if y in stances]
    sub = np.asarray(proba, dtype=float)[np.ix_(rows, columns)]
    total = sub.sum(axis=1, keepdims=True)
    return rows, np.divide(sub, total, out=np.full_like(sub, 0.5), where=total > 0)
