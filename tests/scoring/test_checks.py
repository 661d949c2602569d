"""Library misuse (issue 12): wrong argument types raise InputError, a dict is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.scoring.checks import checked_documents, checked_texts

# --- library misuse ------------------------------------------------------------------------


@pytest.fixture
def predictor(tiny_model: Path):
    from stancekit.scoring.predictor import StancePredictor

    return StancePredictor.load(tiny_model)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.score_documents([("d", 5)]), "document 0.*int"),
        (lambda p: p.score_documents([("d",)]), r"document 0.*\(doc_id, text\)"),
        (lambda p: p.score_documents("Sex work is work."), "not a single string"),
        (lambda p: p.score_documents({"d": "Sex work is work."}), "dict"),
        (lambda p: p.explain([]), "no texts"),
        (lambda p: p.explain({"a": 1}), "dict"),
        (lambda p: p.predict_proba({"a": 1}), "dict"),
        (lambda p: p.predict({"Sex work is work.": 1}), "dict"),
        (lambda p: list(p.iter_predict({"Sex work is work."}, batch_size=2)), "set"),
    ],
)
def test_library_misuse_raises_input_error(predictor, call, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call(predictor)


def test_good_input_passes_through() -> None:
    assert list(checked_texts(("a", "b"))) == ["a", "b"]
    assert list(checked_documents([["d", "x"], ("e", "y")])) == [("d", "x"), ("e", "y")]


def test_a_generator_is_accepted_lazily() -> None:
    texts = checked_texts(t for t in ["a", 5])
    assert next(texts) == "a"
    with pytest.raises(InputError, match="text 1 is int"):
        next(texts)
