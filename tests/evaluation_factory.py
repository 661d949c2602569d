"""Hand-made evaluation results with odd numbers (more than six digits), for the tests of the
metrics files, the summary and the report: every figure is known, so outputs can be checked
exactly."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from stancekit.evaluation.results import (
    CrossValidationResult,
    Evaluation,
    FoldSummary,
    HeldOutResult,
)

THREE = ["abolitionist", "decriminalisation", "neutral"]
TWO = ["abolitionist", "decriminalisation"]
FOLD_METRICS = ("accuracy", "macro_f1", "roc_auc", "average_precision", "log_loss", "brier", "ece")

#: Per-class F1 of the hand-made model.
F1 = {"abolitionist": 0.8571428571, "decriminalisation": 0.7777777777, "neutral": 0.4567891234}


def metrics(
    labels: list[str],
    *,
    macro_f1: float,
    accuracy: float,
    ece: float,
    rows: int = 30,
    f1: dict[str, float] | None = None,
    support: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A dict shaped like :func:`stancekit.evaluation.metrics.classification_metrics`."""
    f1 = f1 or {label: macro_f1 for label in labels}
    support = support or {label: rows // len(labels) for label in labels}
    return {
        "rows": rows,
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "roc_auc": 0.9123456789,
        "average_precision": 0.8912345678,
        "log_loss": 0.4123456789,
        "brier": 0.2345678912,
        "ece": ece,
        "per_class": {
            label: {
                "precision": 0.8111111111,
                "recall": 0.7222222222,
                "f1": f1[label],
                "support": support[label],
            }
            for label in labels
        },
        "confusion": {a: {p: (7 if a == p else 1) for p in labels} for a in labels},
    }


def held_out(labels: list[str] | None = None) -> HeldOutResult:
    """A three-class result with every optional part filled in."""
    labels = labels or THREE
    return HeldOutResult(
        labels=labels,
        data="the held-out split",
        test=metrics(
            labels,
            macro_f1=0.6972365861,
            accuracy=0.7333333333,
            ece=0.0412345678,
            f1={k: F1[k] for k in labels},
        ),
        test_documents=11,
        intervals={
            "accuracy": (0.6123456789, 0.8234567891),
            "macro_f1": (0.5876543219, 0.7987654321),
            "stance_macro_f1": (0.8501234567, 0.9604321987),
        },
        stance={
            "model": metrics(TWO, macro_f1=0.9134567891, accuracy=0.92, ece=0.03, rows=20),
            "lexicon": metrics(TWO, macro_f1=0.7001234567, accuracy=0.7, ece=0.2, rows=20),
        },
        hard={"rows": 9, "model": 0.8888888889, "lexicon": 0.3333333333},
        baselines={
            "majority": metrics(labels, macro_f1=0.1666666667, accuracy=0.3333333333, ece=0.0),
            "lexicon": metrics(labels, macro_f1=0.5432198765, accuracy=0.6, ece=0.25),
        },
        lexicon_gap={"point": 0.1540167096, "low": 0.0212345678, "high": 0.2912345678},
        masked=metrics(labels, macro_f1=0.6212345678, accuracy=0.65, ece=0.07),
        uncalibrated=metrics(
            labels, macro_f1=0.6972365861, accuracy=0.7333333333, ece=0.1598765432
        ),
        reliability={
            "calibrated": [
                {"confidence": 0.45, "accuracy": 0.4, "count": 10},
                {"confidence": 0.85, "accuracy": 0.9, "count": 20},
            ],
            "uncalibrated": [
                {"confidence": 0.55, "accuracy": 0.6, "count": 30},
            ],
        },
        coverage=[
            {"threshold": 0.5, "coverage": 1.0, "accuracy": 0.7333333333},
            {"threshold": 0.6, "coverage": 0.8, "accuracy": 0.7916666667},
            {"threshold": 0.7, "coverage": 0.6, "accuracy": 0.8888888889},
        ],
        neutral={},
        curves={
            "roc": [{"fpr": 0.0, "tpr": 0.0}, {"fpr": 0.2, "tpr": 0.8}, {"fpr": 1.0, "tpr": 1.0}],
            "precision_recall": [
                {"recall": 0.0, "precision": 1.0},
                {"recall": 1.0, "precision": 0.5},
            ],
        },
        top_terms={label: [(f"{label}-term", 1.5), ("shared <term>", 0.25)] for label in labels},
        confident_errors=[
            {
                "doc_id": "doc-7",
                "paragraph_index": 2,
                "actual": labels[0],
                "predicted": labels[1],
                "probability": 0.93,
                "text": "A <b>confident</b> mistake & more.",
            }
        ],
        unscored={},
        predictions=[(labels[0], labels[0]), (labels[0], labels[1])],
    )


def binary_held_out() -> HeldOutResult:
    """A binary result: no neutral class, no stance-only reading, no hard rows, no calibration;
    neutral rows only counted for abstention."""
    h = held_out(TWO)
    intervals = {k: v for k, v in h.intervals.items() if k != "stance_macro_f1"}
    return replace(
        h,
        stance=None,
        hard=None,
        uncalibrated=None,
        intervals=intervals,
        reliability={"calibrated": h.reliability["calibrated"]},
        neutral={
            "threshold": 0.6,
            "neutral_rows": 12,
            "neutral_abstained_share": 0.4166666667,
            "stance_abstained_share": 0.1,
            "stance_accuracy_answered": 0.9512345678,
        },
        unscored={"neutral": 12},
    )


def fold(macro_f1: float, **others: float) -> FoldSummary:
    """A fold summary with every metric (``macro_f1`` as given, the rest fixed odd values)."""
    mean: dict[str, float | None] = {m: 0.5123456789 for m in FOLD_METRICS}
    mean.update(macro_f1=macro_f1, **others)
    std: dict[str, float | None] = {m: 0.0312345678 for m in FOLD_METRICS}
    return FoldSummary(folds=4, mean=mean, std=std, per_fold=[{"macro_f1": macro_f1}] * 4)


CV_MODEL = {"doc_id": 0.8412345678, "voice": 0.7612345678, "genre": 0.7212345678}
CV_LEXICON = {"doc_id": 0.6012345678, "voice": 0.5912345678, "genre": 0.5812345678}


def cross_validation(comparison: bool = True) -> CrossValidationResult:
    settings = {"current": {}, "chars": {"analyzer": "char_wb", "ngram_range": (2, 5)}}
    return CrossValidationResult(
        labels=THREE,
        model={g: fold(v) for g, v in CV_MODEL.items()},
        baselines={
            "lexicon": {g: fold(v) for g, v in CV_LEXICON.items()},
            "majority": {g: fold(0.1666666667) for g in CV_MODEL},
        },
        masked=fold(0.7012345678),
        learning_curve=[(0.5, fold(0.7512345678)), (1.0, fold(0.8412345678))],
        comparison={
            "current": {"voice": fold(0.7612345678), "genre": fold(0.7212345678)},
            "chars": {"voice": fold(0.7798765432), "genre": fold(0.7001234567)},
        }
        if comparison
        else {},
        settings=settings if comparison else {},
    )


PROVENANCE = {
    "model": "models/default",
    "data_hash": "sha256:0123abcd",
    "evaluated_on": "data/prepared/test.jsonl <held-out>",
}


def evaluation(cv: bool = True, comparison: bool = True) -> Evaluation:
    """The full hand-made evaluation: held-out result, cross-validation, provenance."""
    return Evaluation(
        held_out=held_out(),
        cv=cross_validation(comparison) if cv else None,
        provenance=dict(PROVENANCE),
    )
