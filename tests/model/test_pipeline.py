"""stancekit.model.pipeline: the pipeline, its document-grouped calibration, and deterministic
fits."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import ABOL, DECRIM, NEUTRAL, tiny_rows
from stancekit.errors import DataError
from stancekit.model.pipeline import (
    build_pipeline,
    calibration_folds,
    fit_pipeline,
    linear_step,
    stop_word_list,
    uncalibrated,
)
from stancekit.model.vectorize import fast_features, predict_proba
from stancekit.params import TrainParams

ROWS = tiny_rows()
TEXTS = [r["text"] for r in ROWS]
LABELS = [r["label"] for r in ROWS]
DOCS = [r["doc_id"] for r in ROWS]

#: Calibrated (sigmoid, the default), word unigrams and bigrams, function words dropped.
CALIBRATED = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 2), C=10.0, stop_words="function")
PLAIN = replace(CALIBRATED, calibration=None)

#: Texts nobody trained on: unicode, accents, case, repeats, unknown words, punctuation only.
VARIED = [
    "The weather was mild on Tuesday.",
    "Donate now to support our work.",
    "SEX WORKERS deserve rights; sex workers deserve SAFETY!",
    "Café naïve résumé: the Nordic model criminalises buyers, not sellers.",
    "pimps pimps pimps and buyers buyers",
    "xyzzy plugh quux",
    "!!! ???",
    "Nothing about us without us — decriminalisation now, not against workers.",
    "The court adjourned the hearing until March; press contact on request.",
    "a b c d e f g h i j k l m n o p",
    "Prostitution is violence against women.\n\nSex work is work.",
]


@pytest.fixture(scope="module")
def calibrated():
    return fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS)


@pytest.fixture(scope="module")
def plain():
    return fit_pipeline(TEXTS, LABELS, PLAIN, DOCS)


def test_calibrated_fit_wraps_the_regression_in_document_grouped_calibration(calibrated) -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    clf = calibrated.named_steps["clf"]
    assert isinstance(clf, CalibratedClassifierCV)
    assert clf.method == "sigmoid" and clf.ensemble is False
    assert len(clf.calibrated_classifiers_) == 1  # ensemble=False: one regression on all rows
    assert isinstance(clf.calibrated_classifiers_[0].estimator, LogisticRegression)
    assert list(calibrated.classes_) == ["abolitionist", "decriminalisation", "neutral"]
    # The fitted model keeps the number of folds, not the index arrays of the training rows.
    assert clf.cv == CALIBRATED.calibration_folds


def test_fast_path_gives_the_calibrated_probabilities(calibrated) -> None:
    features = fast_features(calibrated)
    assert features is not None  # otherwise the comparison below would test nothing
    fast = predict_proba(calibrated, VARIED, features)
    slow = calibrated.predict_proba(VARIED)
    assert fast.shape == (len(VARIED), 3)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # The texts really are scored differently (not all the prior).
    assert len({tuple(np.round(row, 6)) for row in fast}) >= 6


def test_calibration_uses_the_document_grouped_folds() -> None:
    by_document = fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS)
    by_hand = build_pipeline(CALIBRATED, calibration_folds(LABELS, DOCS, CALIBRATED))
    by_hand.fit(TEXTS, LABELS)
    np.testing.assert_allclose(
        by_document.predict_proba(VARIED), by_hand.predict_proba(VARIED), rtol=0, atol=1e-12
    )
    # Each row its own document gives other folds, so other calibrated probabilities.
    by_row = fit_pipeline(TEXTS, LABELS, CALIBRATED)
    assert not np.allclose(by_row.predict_proba(VARIED), by_document.predict_proba(VARIED))
    default = fit_pipeline(TEXTS, LABELS, CALIBRATED, [str(i) for i in range(len(TEXTS))])
    np.testing.assert_array_equal(by_row.predict_proba(VARIED), default.predict_proba(VARIED))


def _uneven_documents() -> tuple[list[str], list[str], list[str]]:
    """Eleven documents of one to four paragraphs, labels mixed within documents."""
    texts, labels, docs = [], [], []
    pool = [(t, "decriminalisation") for t in DECRIM] + [(t, "abolitionist") for t in ABOL]
    pool += [(t, "neutral") for t in NEUTRAL]
    sizes = [1, 4, 2, 3, 1, 2, 4, 1, 3, 2, 1]
    position = 0
    for d, size in enumerate(sizes):
        for text, label in pool[position : position + size]:
            texts.append(text)
            labels.append(label)
            docs.append(f"doc-{d}")
        position += size
    return texts, labels, docs


@pytest.mark.parametrize("folds", [2, 3, 5])
def test_calibration_folds_keep_each_document_on_one_side(folds: int) -> None:
    _, labels, docs = _uneven_documents()
    params = replace(CALIBRATED, calibration_folds=folds)
    split = calibration_folds(labels, docs, params)
    fewest = min(
        len({d for d, y in zip(docs, labels, strict=True) if y == label}) for label in set(labels)
    )
    assert len(split) == min(folds, fewest)  # every label stays in every training fold
    tested = []
    for train, test in split:
        assert train.dtype == np.int64 and test.dtype == np.int64
        train_docs = {docs[i] for i in train}
        test_docs = {docs[i] for i in test}
        assert train_docs and test_docs
        assert not train_docs & test_docs
        # Every row of a test document is in the test side, none is dropped.
        assert sorted(set(train) | set(test)) == list(range(len(docs)))
        tested.extend(test.tolist())
    assert sorted(tested) == list(range(len(docs)))  # each row tested exactly once


def test_calibration_folds_shrink_to_the_number_of_documents() -> None:
    labels = ["decriminalisation", "abolitionist", "neutral"] * 3
    docs = ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    split = calibration_folds(labels, docs, replace(CALIBRATED, calibration_folds=5))
    assert len(split) == 3
    assert sorted(tuple(sorted({docs[i] for i in test})) for _, test in split) == [
        ("a",),
        ("b",),
        ("c",),
    ]


def test_linear_step_is_the_logistic_regression_with_or_without_calibration(
    calibrated, plain
) -> None:
    from sklearn.linear_model import LogisticRegression

    inner, bare = linear_step(calibrated), linear_step(plain)
    assert type(inner) is LogisticRegression and type(bare) is LogisticRegression
    assert bare is plain.named_steps["clf"]
    assert inner is not calibrated.named_steps["clf"]
    # ensemble=False: the regression inside the calibration is fitted on every row, so it is
    # the same regression as the uncalibrated model's.
    np.testing.assert_allclose(inner.coef_, bare.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(inner.intercept_, bare.intercept_, rtol=0, atol=1e-10)
    assert inner.coef_.shape == (3, len(calibrated.named_steps["tfidf"].vocabulary_))


def test_uncalibrated_gives_the_inner_regressions_probabilities(calibrated, plain) -> None:
    raw = uncalibrated(calibrated)
    assert raw is not calibrated
    assert raw.named_steps["tfidf"] is calibrated.named_steps["tfidf"]
    matrix = calibrated.named_steps["tfidf"].transform(VARIED)
    expected = linear_step(calibrated).predict_proba(matrix)
    np.testing.assert_allclose(raw.predict_proba(VARIED), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(raw.predict_proba(VARIED), plain.predict_proba(VARIED), atol=1e-9)
    # Calibration moves the probabilities.
    assert np.abs(raw.predict_proba(VARIED) - calibrated.predict_proba(VARIED)).max() > 0.05
    # A model without calibration is its own uncalibrated model.
    assert uncalibrated(plain) is plain


def test_function_stop_words_keep_stance_words() -> None:
    words = stop_word_list("function")
    assert words == sorted(words)
    assert "was" in words and "the" in words and "us" in words
    for kept in ("not", "against", "without", "no", "never", "nor"):
        assert kept not in words
    english = stop_word_list("english")
    assert "not" in english and "against" in english and "was" in english
    assert set(words) < set(english)
    assert stop_word_list(None) is None


def test_function_stop_words_reach_the_fitted_vocabulary(calibrated) -> None:
    vocabulary = calibrated.named_steps["tfidf"].vocabulary_
    assert "was" not in vocabulary and "the" not in vocabulary
    assert "not" in vocabulary and "against" in vocabulary and "without" in vocabulary
    unfiltered = fit_pipeline(TEXTS, LABELS, replace(PLAIN, stop_words=None), DOCS)
    assert "was" in unfiltered.named_steps["tfidf"].vocabulary_


def test_character_ngrams_ignore_the_stop_word_setting() -> None:
    pipeline = build_pipeline(replace(PLAIN, analyzer="char_wb", ngram_range=(2, 4)))
    vectorizer = pipeline.named_steps["tfidf"]
    assert vectorizer.analyzer == "char_wb" and vectorizer.stop_words is None


def test_fewer_than_two_wanted_labels_is_a_data_error() -> None:
    with pytest.raises(DataError, match="decriminalisation"):
        fit_pipeline(DECRIM, ["decriminalisation"] * len(DECRIM), PLAIN)
    # Rows of labels the model does not learn do not count toward the two.
    binary = replace(PLAIN, labels=("decriminalisation", "abolitionist"))
    texts = DECRIM + NEUTRAL
    labels = ["decriminalisation"] * len(DECRIM) + ["neutral"] * len(NEUTRAL)
    with pytest.raises(DataError, match="add labelled paragraphs"):
        fit_pipeline(texts, labels, binary)


def test_rows_of_other_labels_are_left_out_of_a_binary_model() -> None:
    binary = replace(CALIBRATED, labels=("decriminalisation", "abolitionist"))
    model = fit_pipeline(TEXTS, LABELS, binary, DOCS)
    assert list(model.classes_) == ["abolitionist", "decriminalisation"]
    stance_only = [i for i, y in enumerate(LABELS) if y != "neutral"]
    same = fit_pipeline(
        [TEXTS[i] for i in stance_only],
        [LABELS[i] for i in stance_only],
        binary,
        [DOCS[i] for i in stance_only],
    )
    assert pickle.dumps(model) == pickle.dumps(same)


def test_a_vectoriser_that_keeps_no_term_is_a_data_error() -> None:
    with pytest.raises(DataError, match="min_df"):
        fit_pipeline(TEXTS, LABELS, replace(PLAIN, min_df=1000), DOCS)


def test_identical_inputs_give_byte_identical_models(tmp_path: Path) -> None:
    import joblib

    first = fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS)
    second = fit_pipeline(list(TEXTS), list(LABELS), CALIBRATED, list(DOCS))
    assert pickle.dumps(first) == pickle.dumps(second)
    joblib.dump(first, tmp_path / "a.joblib")
    joblib.dump(second, tmp_path / "b.joblib")
    assert (tmp_path / "a.joblib").read_bytes() == (tmp_path / "b.joblib").read_bytes()
    # A different seed is a different model file (the comparison above can fail).
    other = fit_pipeline(TEXTS, LABELS, replace(CALIBRATED, seed=7), DOCS)
    assert pickle.dumps(other) != pickle.dumps(first)


_FIT_AND_HASH = """
import hashlib, pickle, sys
sys.path.insert(0, {tests!r})
from conftest import tiny_rows
from stancekit.model.pipeline import fit_pipeline
from stancekit.params import TrainParams
rows = tiny_rows()
params = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 2), C=10.0, stop_words="function")
model = fit_pipeline(
    [r["text"] for r in rows], [r["label"] for r in rows], params, [r["doc_id"] for r in rows]
)
print(hashlib.sha256(pickle.dumps(model)).hexdigest())
"""


def test_model_bytes_do_not_depend_on_the_process() -> None:
    """Another interpreter with another hash seed pickles the same bytes (set and dict order, ids
    of objects must not leak into the model file)."""
    here = hashlib.sha256(pickle.dumps(fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS))).hexdigest()
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    code = _FIT_AND_HASH.format(tests=str(Path(__file__).parents[1]))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == here


def test_a_label_in_one_document_cannot_be_calibrated() -> None:
    labels = ["decriminalisation"] * 4 + ["abolitionist"] * 4 + ["neutral"] * 2
    docs = ["d1", "d2", "d3", "d4", "a1", "a2", "a3", "a4", "n1", "n1"]
    with pytest.raises(DataError, match="'neutral' occurs in one document only"):
        calibration_folds(labels, docs, CALIBRATED)


def test_sample_weights_reach_the_regression_and_the_calibration(monkeypatch) -> None:
    """Weights of one give the unweighted model; other weights change it; the calibration's
    fit receives them (its out-of-fold fits and the calibrator)."""
    from sklearn.calibration import CalibratedClassifierCV

    plain = fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS).predict_proba(VARIED)
    ones = fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS, [1.0] * len(TEXTS))
    np.testing.assert_allclose(ones.predict_proba(VARIED), plain, atol=1e-9)
    weights = [5.0 if label == "abolitionist" else 1.0 for label in LABELS]
    heavy = fit_pipeline(TEXTS, LABELS, CALIBRATED, DOCS, weights).predict_proba(VARIED)
    assert np.abs(heavy - plain).max() > 0.01

    seen = {}
    fit = CalibratedClassifierCV.fit

    def spy(self, X, y, sample_weight=None, **kwargs):
        seen["weights"] = None if sample_weight is None else list(sample_weight)
        return fit(self, X, y, sample_weight=sample_weight, **kwargs)

    monkeypatch.setattr(CalibratedClassifierCV, "fit", spy)
    fit_pipeline(
        [*TEXTS, "Other text."], [*LABELS, "unknown"], CALIBRATED, [*DOCS, "x"], [*weights, 9.0]
    )
    assert seen["weights"] == weights  # the row of a label the model does not learn is left out
