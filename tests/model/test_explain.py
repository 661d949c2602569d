from __future__ import annotations

import html
from pathlib import Path

import pytest

from conftest import ABOL, DECRIM, NEUTRAL
from stancekit.model.explain import explain_texts, render_explanation_html, token_weights
from stancekit.model.pipeline import fit_pipeline, uncalibrated
from stancekit.params import TrainParams
from stancekit.scoring.predictor import StancePredictor

PROBE = ["Sex workers need labour rights, not raids.", "End demand: punish pimps and buyers."]


def test_contributions_sum_to_the_decision_function(tiny_train_params: TrainParams) -> None:
    from dataclasses import replace

    binary = replace(tiny_train_params, labels=("decriminalisation", "abolitionist"))
    predictor = StancePredictor(
        fit_pipeline(DECRIM + ABOL, ["decriminalisation"] * 8 + ["abolitionist"] * 8, binary)
    )
    decision = uncalibrated(predictor.pipeline).decision_function(PROBE)
    for explanation, score in zip(predictor.explain(PROBE), decision, strict=True):
        positive, negative = predictor.labels[1], predictor.labels[0]
        assert explanation.score(positive) == pytest.approx(score)
        assert explanation.score(negative) == pytest.approx(-score)


def test_three_class_contributions(tiny_train_params: TrainParams) -> None:
    from dataclasses import replace

    params = replace(tiny_train_params, labels=("decriminalisation", "abolitionist", "neutral"))
    labels = ["decriminalisation"] * 8 + ["abolitionist"] * 8 + ["neutral"] * 8
    pipeline = fit_pipeline(DECRIM + ABOL + NEUTRAL, labels, params)
    decision = uncalibrated(pipeline).decision_function(PROBE)
    for row, explanation in enumerate(explain_texts(pipeline, PROBE)):
        for k, label in enumerate(pipeline.classes_):
            assert explanation.score(label) == pytest.approx(decision[row, k])


def test_top_terms_and_token_weights(tiny_model: Path) -> None:
    predictor = StancePredictor.load(tiny_model)
    (explanation,) = predictor.explain(PROBE[:1])
    top = explanation.top("decriminalisation", 3)
    assert len(top) <= 3 and all(v > 0 for _, v in top)
    assert [v for _, v in top] == sorted((v for _, v in top), reverse=True)
    chunks = token_weights(predictor.pipeline, explanation, "decriminalisation")
    assert "".join(c for c, _ in chunks) == PROBE[0]
    assert sum(w for _, w in chunks) == pytest.approx(
        sum(explanation.contributions["decriminalisation"].values())
    )


def test_html_page(tiny_model: Path) -> None:
    predictor = StancePredictor.load(tiny_model)
    page = render_explanation_html(predictor.pipeline, predictor.explain(PROBE), predictor.labels)
    assert page.count("<section>") == 2 and "<span title=" in page
    # Each section lists the strongest terms with their exact contributions, escaped.
    for explanation in predictor.explain(PROBE):
        term, value = explanation.top("decriminalisation", 1)[0]
        assert f"{html.escape(term)} {value:+.3f}" in page
    assert "<script" not in page.lower()


def test_top_terms_are_the_largest_weights_of_the_linear_model(
    tiny_train_params: TrainParams,
) -> None:
    import numpy as np

    from stancekit.model.explain import top_terms
    from stancekit.model.pipeline import linear_step

    pipeline = fit_pipeline(
        DECRIM + ABOL + NEUTRAL,
        ["decriminalisation"] * 8 + ["abolitionist"] * 8 + ["neutral"] * 8,
        tiny_train_params,
        [f"doc-{i % 8}" for i in range(24)],
    )
    terms = pipeline.named_steps["tfidf"].get_feature_names_out()
    coef = linear_step(pipeline).coef_
    top = top_terms(pipeline, n=4)
    for k, label in enumerate(linear_step(pipeline).classes_):
        expected = [str(terms[j]) for j in np.argsort(-coef[k])[:4]]
        assert [t for t, _ in top[label]] == expected
        assert [w for _, w in top[label]] == pytest.approx(sorted(coef[k], reverse=True)[:4])


def test_html_shades_each_word_toward_the_predicted_label_of_a_three_class_model(
    tiny_model: Path,
) -> None:
    """Issue 22: the shading followed the last label (neutral), so a decriminalisation
    paragraph's decriminalisation words were shaded as pushing away."""
    import re

    predictor = StancePredictor.load(tiny_model)
    assert len(predictor.labels) == 3
    text = DECRIM[0]
    (explanation,) = predictor.explain([text])
    (proba,) = predictor.predict_proba([text])
    guess = predictor.labels[int(proba.argmax())]
    assert guess == "decriminalisation"
    page = render_explanation_html(predictor.pipeline, [explanation], predictor.labels)
    spans = re.findall(
        r'<span title="([-+][0-9.]+) toward ([a-z]+)" style="background:'
        r"(rgba\(\d+,\d+,\d+,)",
        page,
    )
    assert spans and {label for _, label, _ in spans} == {guess}
    colours = {float(w) > 0: colour for w, _, colour in spans}
    assert colours[True] != colours.get(False)
    weights = [w for _, w in token_weights(predictor.pipeline, explanation, guess) if w]
    assert [float(w) for w, _, _ in spans] == pytest.approx(weights, abs=5e-4)
    top_word = explanation.top(guess, 1)[0][0]
    assert re.search(
        rf'title="\+[0-9.]+ toward {guess}"[^>]*>{re.escape(top_word)}<', page, flags=re.I
    )
    assert f"predicted <b>{guess}</b>" in page and "toward the paragraph's <b>predicted</b>" in page
