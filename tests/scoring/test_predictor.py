from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stancekit import StancePredictor
from stancekit.errors import InputError


@pytest.fixture
def predictor(tiny_model: Path) -> StancePredictor:
    return StancePredictor.load(tiny_model)


def test_labels_follow_classes_order(predictor: StancePredictor) -> None:
    assert predictor.labels == tuple(predictor.pipeline.classes_)
    assert set(predictor.labels) == {"decriminalisation", "abolitionist", "neutral"}


def test_predict_proba_shape_and_rows_sum_to_one(predictor: StancePredictor) -> None:
    proba = predictor.predict_proba(["sex workers rights", "criminalise buyers", "hello"])
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_predict_returns_typed_results_in_label_order(predictor: StancePredictor) -> None:
    results = predictor.predict(["labour rights for sex workers", "exit services for victims"])
    assert [r.label for r in results] == ["decriminalisation", "abolitionist"]
    assert list(results[0].probabilities) == list(predictor.labels)
    assert results[0].probabilities["decriminalisation"] > 0.5


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("a single string", "not a single string"),
        ([], "no texts"),
        (["ok", " "], "text 1 is empty"),
        (["ok", 3], "text 1 is int"),
    ],
)
def test_bad_texts(predictor: StancePredictor, texts: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        predictor.predict(texts)  # type: ignore[arg-type]


def test_score_documents_aggregates_paragraphs(predictor: StancePredictor) -> None:
    text = "date 2020-02-02 Sex workers need labour rights.\n\nCriminalise the buyers and pimps."
    (doc,) = predictor.score_documents([("d1", text)])
    assert doc.doc_id == "d1" and doc.date == "2020-02-02"
    assert [p.paragraph_index for p in doc.paragraphs] == [0, 1]
    assert sum(doc.label_shares.values()) == pytest.approx(1.0)
    means = {
        label: np.mean([p.probabilities[label] for p in doc.paragraphs])
        for label in predictor.labels
    }
    assert doc.mean_probabilities == pytest.approx(means)
    assert doc.label == max(means, key=means.get)


def test_documents_sharing_an_id_stay_apart(predictor: StancePredictor) -> None:
    docs = predictor.score_documents([("same", "One.\n\nTwo."), ("same", "Three.")])
    assert [len(d.paragraphs) for d in docs] == [2, 1]


def test_empty_document_is_an_input_error(predictor: StancePredictor) -> None:
    with pytest.raises(InputError, match="d2: empty document"):
        predictor.score_documents([("d1", "Some text."), ("d2", "\n\n")])


def test_a_bare_pipeline_can_be_wrapped(predictor: StancePredictor) -> None:
    wrapped = StancePredictor(predictor.pipeline)
    assert wrapped.card is None and wrapped.labels == predictor.labels
    with pytest.raises(TypeError):
        StancePredictor(object())


def test_threshold_marks_uncertain_but_keeps_probabilities(predictor: StancePredictor) -> None:
    texts = ["labour rights for sex workers", "the weather"]
    plain = predictor.predict(texts)
    sure = max(plain[0].probabilities.values())
    flagged = predictor.predict(texts, threshold=sure + 1e-9)
    assert flagged[0].label == "uncertain"
    assert flagged[0].probabilities == plain[0].probabilities
    assert predictor.predict(texts, threshold=0.0) == plain
    with pytest.raises(InputError, match="threshold"):
        predictor.predict(texts, threshold=1.5)


def test_document_shares_count_uncertain(predictor: StancePredictor) -> None:
    (doc,) = predictor.score_documents([("d", "Labour rights.\n\nThe weather.")], threshold=1.0)
    assert doc.label_shares["uncertain"] == 1.0
    # Every paragraph is uncertain, so the document takes no side (aggregate.document_label), and
    # the means are those of its paragraphs.
    means = {
        label: sum(p.probabilities[label] for p in doc.paragraphs) / 2 for label in predictor.labels
    }
    assert doc.mean_probabilities == pytest.approx(means)
    assert doc.label == "uncertain"


def test_iter_predict_streams_any_iterable(predictor: StancePredictor) -> None:
    def endless():
        n = 0
        while True:
            n += 1
            yield f"text number {n} about sex workers' rights"

    from itertools import islice

    first = list(islice(predictor.iter_predict(endless(), batch_size=3), 7))
    assert len(first) == 7
    texts = [f"text number {n} about sex workers' rights" for n in range(1, 8)]
    assert first == predictor.predict(texts)


def test_concurrent_threads_get_the_same_answers(predictor: StancePredictor) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"buyers and pimps {i}" if i % 2 else f"labour rights {i}" for i in range(40)]
    expected = predictor.predict(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: predictor.predict([t])[0], texts))
    assert results == expected


def test_unit_document_scores_whole(predictor: StancePredictor) -> None:
    (doc,) = predictor.score_documents([("d", "Labour rights.\n\nPunish buyers.")], unit="document")
    assert len(doc.paragraphs) == 1 and doc.paragraphs[0].paragraph_index is None
