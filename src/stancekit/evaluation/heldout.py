"""How good is this model? A trained model scored on labelled rows it never saw.

The same function serves the pipeline's held-out split and a user's labelled file
(``stancekit evaluate --data``): scores with 95% bootstrap intervals over documents, the
stance-only reading of a three-class model, hard cases, baselines on the same rows, the
masked-vocabulary score, calibration before and after, and the coverage curve.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stancekit.data.corpus import Row
from stancekit.errors import DataError
from stancekit.evaluation.results import HeldOutResult
from stancekit.labels import NEUTRAL, STANCES
from stancekit.params import EvaluateParams

if TYPE_CHECKING:
    import numpy as np

    from stancekit.scoring.predictor import StancePredictor

CONFIDENT_ERRORS = 20


def _stance_reading(
    y_true: Sequence[str],
    probas: dict[str, np.ndarray],
    labels: Sequence[str],
    groups: Sequence[str],
    params: EvaluateParams,
) -> tuple[dict[str, dict[str, Any]] | None, tuple[float, float] | None]:
    """Stance-vs-stance metrics of each probability matrix, and the model's interval."""
    from stancekit.evaluation.metrics import (
        bootstrap_intervals,
        classification_metrics,
        stance_columns,
    )

    if not set(STANCES) <= set(labels):
        return None, None
    stances = sorted(STANCES)
    out, interval = {}, None
    for name, proba in probas.items():
        rows, sub = stance_columns(y_true, proba, labels, stances)
        if not rows:
            return None, None
        y = [y_true[i] for i in rows]
        out[name] = classification_metrics(y, sub, stances)
        if name == "model":
            interval = bootstrap_intervals(
                y, sub, stances, [groups[i] for i in rows], params.bootstrap_resamples, params.seed
            )["macro_f1"]
    return out, interval


def _neutral_abstention(
    predictor: StancePredictor,
    rows: Sequence[Row],
    confidence: np.ndarray,
    correct: np.ndarray,
    threshold: float,
) -> dict[str, Any]:
    """For a model that cannot say neutral: how many neutral rows fall below the threshold."""
    import numpy as np

    neutral_texts = [row["text"] for row in rows if row["label"] == NEUTRAL]
    if NEUTRAL in predictor.labels or not neutral_texts:
        return {}
    answered = confidence >= threshold
    neutral_conf = predictor.predict_proba(neutral_texts).max(axis=1)
    return {
        "threshold": threshold,
        "neutral_rows": len(neutral_texts),
        "neutral_abstained_share": float(np.mean(neutral_conf < threshold)),
        "stance_abstained_share": float(np.mean(~answered)),
        "stance_accuracy_answered": float(np.mean(correct[answered])) if answered.any() else 0.0,
    }


#: Row fields the held-out scores are broken down by.
BREAKDOWN_FIELDS = ("genre", "region")


def breakdown(
    rows: Sequence[Row], y_true: Sequence[str], y_pred: Sequence[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Accuracy and macro-F1 (over the labels present) of the scored ``rows`` per value of each
    of :data:`BREAKDOWN_FIELDS` they carry; rows without a value count as ``unknown``."""
    from sklearn.metrics import f1_score

    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name in BREAKDOWN_FIELDS:
        if not any(row.get(name) for row in rows):
            continue
        values = [str(row.get(name) or "unknown") for row in rows]
        found[name] = {}
        for value in sorted(set(values)):
            picked = [i for i, v in enumerate(values) if v == value]
            actual = [y_true[i] for i in picked]
            predicted = [y_pred[i] for i in picked]
            found[name][value] = {
                "rows": len(picked),
                "documents": len({rows[i]["doc_id"] for i in picked}),
                "accuracy": sum(a == b for a, b in zip(actual, predicted, strict=True))
                / len(picked),
                "macro_f1": float(
                    f1_score(
                        actual,
                        predicted,
                        labels=sorted(set(actual)),
                        average="macro",
                        zero_division=0,
                    )
                ),
            }
    return found


def score_held_out(
    predictor: StancePredictor,
    rows: Sequence[Row],
    params: EvaluateParams,
    training_labels: Sequence[str],
    data: str,
    unit: str = "documents",
) -> HeldOutResult:
    """Score a trained model on labelled rows.

    Parameters
    ----------
    predictor : StancePredictor
        The trained model.
    rows : sequence of dict
        Labelled rows with ``text``, ``label``, ``doc_id`` (the bootstrap group) and optionally
        ``hard``.
    params : EvaluateParams
        Threshold, masked terms, bootstrap resamples, seed.
    training_labels : sequence of str
        The labels of the training rows (fits the majority baseline; empty: the rows' own).
    data : str
        A name for the rows, shown in the summary.
    unit : str
        What the ``doc_id`` groups are, plural (``documents``; ``'org' groups`` when the user
        named a group column), shown wherever they are counted.

    Raises
    ------
    DataError
        If no row carries a label the model predicts.
    """
    import numpy as np

    from stancekit.evaluation.baselines import LexiconBaseline, MajorityBaseline
    from stancekit.evaluation.boundary import neutral_line
    from stancekit.evaluation.metrics import (
        bootstrap_intervals,
        classification_metrics,
        coverage,
        curve_points,
        paired_bootstrap_gap,
        top_label_reliability,
    )
    from stancekit.model.explain import top_terms
    from stancekit.model.pipeline import uncalibrated

    labels = list(predictor.labels)
    scored = [row for row in rows if row["label"] in labels]
    if not scored:
        raise DataError(f"{data} has no rows labelled {' or '.join(labels)}.")
    texts = [row["text"] for row in scored]
    y_true = [row["label"] for row in scored]
    groups = [row["doc_id"] for row in scored]
    proba = predictor.predict_proba(texts)
    paragraph_only = None
    if predictor.document_prior:  # scored as predict scores them: with their document's prior
        from stancekit.scoring.batch import document_prior

        paragraph_only = classification_metrics(y_true, proba, labels)
        proba = document_prior(proba, groups, predictor.document_prior)
    y_pred = [labels[i] for i in proba.argmax(axis=1)]
    correct = np.array(y_true) == np.array(y_pred)

    lexicon = LexiconBaseline(language=params.language).fit(labels, labels)
    lexicon_proba = lexicon.predict_proba(texts)
    # The majority baseline learns the training label shares (the evaluated rows' if unknown).
    majority = MajorityBaseline().fit([], [y for y in training_labels if y in labels] or y_true)
    lexicon = classification_metrics(y_true, lexicon_proba, labels)
    baselines = {
        "majority": classification_metrics(y_true, majority.predict_proba(texts), labels),
        "lexicon": lexicon,
    }
    stance, stance_interval = _stance_reading(
        y_true, {"model": proba, "lexicon": lexicon_proba}, labels, groups, params
    )
    hard_rows = [i for i, row in enumerate(scored) if row.get("hard")]
    hard = None
    if hard_rows:
        lexicon_pred = np.array(labels)[lexicon_proba.argmax(axis=1)]
        hard = {
            "rows": len(hard_rows),
            "model": float(correct[hard_rows].mean()),
            "lexicon": float((lexicon_pred[hard_rows] == np.array(y_true)[hard_rows]).mean()),
        }
    raw_pipeline = uncalibrated(predictor.pipeline)
    raw = None if raw_pipeline is predictor.pipeline else raw_pipeline.predict_proba(texts)
    reliability = {"calibrated": top_label_reliability(y_true, proba, labels)}
    if raw is not None:
        reliability["uncalibrated"] = top_label_reliability(y_true, raw, labels)
    intervals = bootstrap_intervals(
        y_true, proba, labels, groups, params.bootstrap_resamples, params.seed
    )
    if stance_interval is not None:
        intervals["stance_macro_f1"] = stance_interval
    confidence = proba.max(axis=1)
    errors = sorted(np.flatnonzero(~correct), key=lambda i: -confidence[i])[:CONFIDENT_ERRORS]
    return HeldOutResult(
        labels=labels,
        data=data,
        test=classification_metrics(y_true, proba, labels),
        test_documents=len(set(groups)),
        intervals=intervals,
        stance=stance,
        hard=hard,
        baselines=baselines,
        lexicon_gap=paired_bootstrap_gap(
            y_true, proba, lexicon_proba, labels, groups, params.bootstrap_resamples, params.seed
        ),
        masked=classification_metrics(
            y_true, _masked_proba(predictor, texts, groups, params), labels
        ),
        uncalibrated=None if raw is None else classification_metrics(y_true, raw, labels),
        reliability=reliability,
        coverage=coverage(y_true, proba, labels),
        neutral=_neutral_abstention(predictor, rows, confidence, correct, params.threshold),
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
        breakdown=breakdown(scored, y_true, y_pred),
        neutral_line=neutral_line(scored, y_true, y_pred),
        paragraph_only=paragraph_only,
        unit=unit,
    )


def _masked_proba(
    predictor: StancePredictor, texts: list[str], groups: list[str], params: EvaluateParams
) -> np.ndarray:
    """The model's probabilities with the side-revealing terms masked (document prior too)."""
    from stancekit.evaluation.baselines import mask_terms
    from stancekit.scoring.batch import document_prior

    proba = predictor.predict_proba(mask_terms(texts, params.mask_terms))
    return document_prior(proba, groups, predictor.document_prior)
