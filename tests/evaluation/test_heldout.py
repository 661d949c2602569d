"""stancekit.evaluation.heldout.score_held_out on a small three-class problem whose answers are
known."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

from conftest import tiny_rows
from stancekit.errors import DataError
from stancekit.evaluation.baselines import LexiconBaseline
from stancekit.evaluation.heldout import score_held_out
from stancekit.evaluation.metrics import top_label_reliability
from stancekit.model.pipeline import fit_pipeline, uncalibrated
from stancekit.params import EvaluateParams, TrainParams
from stancekit.scoring.predictor import StancePredictor

TRAIN = tiny_rows()
TRAIN_LABELS = [r["label"] for r in TRAIN]
PARAMS = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1), C=10.0)
EVALUATE = EvaluateParams(bootstrap_resamples=100, seed=0, threshold=0.9)

# (document, text, label, hard). The model trained on the tiny corpus gets rows 6, 7 and 9
# wrong; row 7 ("Police said ...", labelled abolitionist) is predicted neutral, but its
# abolitionist probability is above its decriminalisation one, so the stance-only reading gets
# it right.
HELD_OUT = [
    ("h0", "Sex workers need rights and safety, not raids.", "decriminalisation", True),
    ("h0", "Buyers must be criminalised to end demand for women.", "abolitionist", False),
    ("h1", "The committee adjourned until March.", "neutral", False),
    ("h1", "Survivors need exit services and housing.", "abolitionist", False),
    ("h2", "Decriminalisation protects sex workers from violence.", "decriminalisation", False),
    ("h2", "The report was published on Tuesday.", "neutral", True),
    ("h3", "Pimps and buyers exploit women.", "decriminalisation", True),
    ("h4", "Police said the hearing was in April.", "abolitionist", True),
    ("h4", "xyzzy", "neutral", False),
    ("h5", "Workers and clients deserve safety, said the police.", "abolitionist", False),
    ("h5", "The law on prostitution came into force in April.", "neutral", False),
    ("h5", "Sex workers and survivors spoke to the committee.", "decriminalisation", False),
    ("h6", "Press contact: telephone number on request.", "neutral", False),
]
STANCE_ROWS = [i for i, row in enumerate(HELD_OUT) if row[2] != "neutral"]
HARD_ROWS = [i for i, row in enumerate(HELD_OUT) if row[3]]


def held_out_rows(keep=lambda row: True) -> list[dict]:
    return [
        {"doc_id": d, "paragraph_index": i, "text": t, "label": y, "hard": h}
        for i, (d, t, y, h) in enumerate(HELD_OUT)
        if keep({"label": y})
    ]


def fitted(params: TrainParams) -> StancePredictor:
    return StancePredictor(
        fit_pipeline([r["text"] for r in TRAIN], TRAIN_LABELS, params, [r["doc_id"] for r in TRAIN])
    )


@pytest.fixture(scope="module")
def predictor() -> StancePredictor:
    return fitted(PARAMS)


@pytest.fixture(scope="module")
def result(predictor: StancePredictor):
    return score_held_out(predictor, held_out_rows(), EVALUATE, TRAIN_LABELS, "held-out rows")


@pytest.fixture(scope="module")
def proba(predictor: StancePredictor) -> np.ndarray:
    return predictor.predict_proba([t for _, t, _, _ in HELD_OUT])


def test_the_example_is_what_the_comments_say(predictor, proba) -> None:
    labels = list(predictor.labels)
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    wrong = [i for i, row in enumerate(HELD_OUT) if predicted[i] != row[2]]
    assert wrong == [6, 7, 9]
    assert predicted[7] == "neutral"
    assert proba[7, labels.index("abolitionist")] > proba[7, labels.index("decriminalisation")]


def test_three_class_scores_count_every_row(result) -> None:
    assert result.labels == ["abolitionist", "decriminalisation", "neutral"]
    assert result.data == "held-out rows"
    assert result.test["rows"] == len(HELD_OUT) == 13
    assert result.test_documents == 7
    assert result.test["accuracy"] == pytest.approx(10 / 13)
    assert result.unscored == {}
    assert [actual for actual, _ in result.predictions] == [row[2] for row in HELD_OUT]
    low, high = result.intervals["macro_f1"]
    assert low <= high


def test_stance_only_metrics_use_stance_rows_and_the_higher_stance(result, predictor, proba):
    labels = list(predictor.labels)
    decrim, abol = labels.index("decriminalisation"), labels.index("abolitionist")
    expected = [
        "decriminalisation" if proba[i, decrim] > proba[i, abol] else "abolitionist"
        for i in STANCE_ROWS
    ]
    actual = [HELD_OUT[i][2] for i in STANCE_ROWS]
    right = sum(e == a for e, a in zip(expected, actual, strict=True))
    model = result.stance["model"]
    assert model["rows"] == len(STANCE_ROWS) == 8
    assert model["accuracy"] == pytest.approx(right / 8) == pytest.approx(6 / 8)
    # Three-class accuracy on the same rows is lower: row 7 counts as right only here.
    assert model["accuracy"] > np.mean(
        [labels[proba[i].argmax()] == HELD_OUT[i][2] for i in STANCE_ROWS]
    )
    assert set(model["confusion"]) == {"abolitionist", "decriminalisation"}
    assert sum(sum(row.values()) for row in model["confusion"].values()) == 8
    assert result.stance["lexicon"]["rows"] == 8
    assert "stance_macro_f1" in result.intervals


def test_stance_only_reading_ignores_the_neutral_rows(result, predictor) -> None:
    without_neutral = score_held_out(
        predictor,
        held_out_rows(lambda row: row["label"] != "neutral"),
        EVALUATE,
        TRAIN_LABELS,
        "stance rows",
    )
    assert without_neutral.stance == result.stance
    assert without_neutral.intervals["stance_macro_f1"] == result.intervals["stance_macro_f1"]
    assert without_neutral.test["rows"] == 8


def test_hard_accuracy_counts_only_the_rows_flagged_hard(result) -> None:
    assert HARD_ROWS == [0, 5, 6, 7]
    right = [result.predictions[i][0] == result.predictions[i][1] for i in HARD_ROWS]
    assert result.hard["rows"] == 4
    assert result.hard["model"] == pytest.approx(np.mean(right)) == pytest.approx(0.5)
    assert result.hard["model"] != pytest.approx(result.test["accuracy"])
    texts = [HELD_OUT[i][1] for i in HARD_ROWS]
    lexicon = LexiconBaseline().fit(texts, result.labels)
    predicted = lexicon.classes_[lexicon.predict_proba(texts).argmax(axis=1)]
    expected = np.mean(predicted == np.array([HELD_OUT[i][2] for i in HARD_ROWS]))
    assert result.hard["lexicon"] == pytest.approx(expected)


def test_no_hard_flag_means_no_hard_score(predictor) -> None:
    rows = [{**row, "hard": False} for row in held_out_rows()]
    assert score_held_out(predictor, rows, EVALUATE, TRAIN_LABELS, "x").hard is None
    rows = [{k: v for k, v in row.items() if k != "hard"} for row in held_out_rows()]
    assert score_held_out(predictor, rows, EVALUATE, TRAIN_LABELS, "x").hard is None


def test_reliability_before_and_after_calibration(result, predictor, proba) -> None:
    assert set(result.reliability) == {"calibrated", "uncalibrated"}
    y = [row[2] for row in HELD_OUT]
    assert result.reliability["calibrated"] == top_label_reliability(y, proba, result.labels)
    texts = [row[1] for row in HELD_OUT]
    raw = uncalibrated(predictor.pipeline).predict_proba(texts)
    assert result.reliability["uncalibrated"] == top_label_reliability(y, raw, result.labels)
    assert result.reliability["uncalibrated"] != result.reliability["calibrated"]
    for points in result.reliability.values():
        assert sum(p["count"] for p in points) == 13
    assert result.uncalibrated is not None
    assert result.uncalibrated["ece"] != pytest.approx(result.test["ece"])


def test_a_model_without_calibration_has_one_reliability_curve() -> None:
    plain = fitted(replace(PARAMS, calibration=None))
    scored = score_held_out(plain, held_out_rows(), EVALUATE, TRAIN_LABELS, "x")
    assert set(scored.reliability) == {"calibrated"}
    assert scored.uncalibrated is None


def test_coverage_falls_as_the_threshold_rises(result, proba) -> None:
    points = result.coverage
    thresholds = [p["threshold"] for p in points]
    assert thresholds == sorted(thresholds) and len(set(thresholds)) == len(thresholds)
    shares = [p["coverage"] for p in points]
    assert all(a >= b for a, b in pairwise(shares))
    assert shares[0] == 1.0 and shares[-1] < 1.0
    confidence = proba.max(axis=1)
    correct = np.array([a == p for a, p in result.predictions])
    for p in points:
        answered = confidence >= p["threshold"]
        assert p["coverage"] == pytest.approx(answered.mean())
        assert p["accuracy"] == pytest.approx(correct[answered].mean())
    assert all(p["coverage"] > 0 for p in points)


def test_masking_changes_the_texts_scored(result, predictor) -> None:
    assert result.masked["rows"] == 13
    assert result.masked["log_loss"] != pytest.approx(result.test["log_loss"])
    unmasked = score_held_out(
        predictor, held_out_rows(), replace(EVALUATE, mask_terms=()), TRAIN_LABELS, "x"
    )
    assert unmasked.masked == unmasked.test


def test_lexicon_gap_and_baselines(result) -> None:
    assert set(result.baselines) == {"majority", "lexicon"}
    assert result.lexicon_gap["point"] == pytest.approx(
        result.test["macro_f1"] - result.baselines["lexicon"]["macro_f1"]
    )
    assert result.lexicon_gap["low"] <= result.lexicon_gap["high"]
    # The training labels are balanced: the majority baseline's probabilities are uniform.
    assert result.baselines["majority"]["log_loss"] == pytest.approx(np.log(3))


def test_confident_errors_are_the_wrong_rows_most_confident_first(result) -> None:
    errors = result.confident_errors
    assert {(e["doc_id"], e["paragraph_index"]) for e in errors} == {
        ("h3", 6),
        ("h4", 7),
        ("h5", 9),
    }
    assert all(e["actual"] != e["predicted"] for e in errors)
    probabilities = [e["probability"] for e in errors]
    assert probabilities == sorted(probabilities, reverse=True)
    assert errors[0]["text"] == HELD_OUT[errors[0]["paragraph_index"]][1]


def test_a_three_class_model_needs_no_abstention_figures(result) -> None:
    assert result.neutral == {}


@pytest.fixture(scope="module")
def binary() -> StancePredictor:
    return fitted(replace(PARAMS, labels=("decriminalisation", "abolitionist")))


def test_binary_model_reports_how_many_neutral_rows_it_abstains_on(binary) -> None:
    scored = score_held_out(binary, held_out_rows(), EVALUATE, TRAIN_LABELS, "x")
    neutral_texts = [t for _, t, y, _ in HELD_OUT if y == "neutral"]
    neutral_confidence = binary.predict_proba(neutral_texts).max(axis=1)
    stance_confidence = binary.predict_proba([HELD_OUT[i][1] for i in STANCE_ROWS]).max(axis=1)
    n = scored.neutral
    assert set(n) == {
        "threshold",
        "neutral_rows",
        "neutral_abstained_share",
        "stance_abstained_share",
        "stance_accuracy_answered",
    }
    assert n["threshold"] == 0.9 and n["neutral_rows"] == 5
    assert n["neutral_abstained_share"] == pytest.approx(np.mean(neutral_confidence < 0.9))
    assert n["stance_abstained_share"] == pytest.approx(np.mean(stance_confidence < 0.9))
    assert 0 < n["stance_abstained_share"] < 1  # the threshold splits the stance rows
    assert scored.unscored == {"neutral": 5}
    assert scored.test["rows"] == 8
    # A neutral row flagged hard is not scored, so it does not count among the hard rows.
    assert scored.hard["rows"] == 3
    # Two stances: the stance-only reading is the model's own.
    assert scored.stance["model"]["macro_f1"] == pytest.approx(scored.test["macro_f1"])


def test_no_stance_reading_when_the_model_lacks_a_stance() -> None:
    model = fitted(replace(PARAMS, labels=("decriminalisation", "neutral")))
    scored = score_held_out(model, held_out_rows(), EVALUATE, TRAIN_LABELS, "x")
    assert scored.stance is None
    assert "stance_macro_f1" not in scored.intervals
    assert scored.unscored == {"abolitionist": 4}
    assert scored.neutral == {}


def test_no_stance_reading_without_stance_rows(predictor) -> None:
    rows = held_out_rows(lambda row: row["label"] == "neutral")
    scored = score_held_out(predictor, rows, EVALUATE, TRAIN_LABELS, "x")
    assert scored.stance is None and scored.test["rows"] == 5


def test_rows_the_model_cannot_label_are_refused(binary) -> None:
    rows = held_out_rows(lambda row: row["label"] == "neutral")
    with pytest.raises(DataError, match="neutral rows only"):
        score_held_out(binary, rows, EVALUATE, TRAIN_LABELS, "neutral rows only")


def test_breakdown_by_genre_and_region(predictor) -> None:
    rows = held_out_rows()
    for row in rows:
        row["genre"] = "news" if row["doc_id"] in ("h0", "h1", "h2") else "blog"
    result = score_held_out(predictor, rows, EVALUATE, TRAIN_LABELS, "x")
    assert set(result.breakdown) == {"genre"}  # no row has a region
    news, blog = result.breakdown["genre"]["news"], result.breakdown["genre"]["blog"]
    assert (news["rows"], news["documents"], news["accuracy"]) == (6, 3, 1.0)
    assert (blog["rows"], blog["documents"]) == (7, 4)
    assert blog["accuracy"] == pytest.approx(4 / 7)  # rows 6, 7 and 9 are wrong
    assert score_held_out(predictor, held_out_rows(), EVALUATE, TRAIN_LABELS, "x").breakdown == {}
