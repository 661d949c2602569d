from __future__ import annotations

import numpy as np

from stancekit.evaluation.baselines import LexiconBaseline, MajorityBaseline, mask_terms

STANCES = ["abolitionist", "decriminalisation"]


def test_majority_predicts_the_training_shares() -> None:
    model = MajorityBaseline().fit(["a", "b", "c"], ["decriminalisation"] * 2 + ["abolitionist"])
    assert list(model.classes_) == STANCES
    np.testing.assert_allclose(model.predict_proba(["x", "y"]), [[1 / 3, 2 / 3]] * 2)


def test_lexicon_counts_each_sides_terms() -> None:
    model = LexiconBaseline().fit(["", ""], STANCES)
    scores = model.decision_scores(
        [
            "Sex workers need labour rights and an end to raids.",
            "The Nordic model punishes pimps and sex buyers.",
            "The meeting starts at ten.",
        ]
    )
    assert scores[0].tolist() == [0, 3] and scores[1].tolist() == [3, 0]
    proba = model.predict_proba(["Sex work is work.", "Prostitution is exploitation."])
    assert proba[0, 1] > 0.5 > proba[1, 1]
    np.testing.assert_allclose(model.predict_proba(["nothing here"]), [[0.5, 0.5]])


def test_lexicon_with_neutral_prefers_neutral_without_terms() -> None:
    model = LexiconBaseline().fit(["", "", ""], [*STANCES, "neutral"])
    assert model.classes_[model.predict_proba(["The court sat on Monday."]).argmax()] == "neutral"


def test_mask_terms_whole_words_any_case() -> None:
    masked = mask_terms(
        ["Prostitution, SEX WORK and sex workers; sexwork; prostitutions."],
        ["sex work", "sex workers", "prostitution"],
    )
    assert masked == ["___, ___ and ___; sexwork; prostitutions."]
    assert mask_terms(["keep"], []) == ["keep"]
