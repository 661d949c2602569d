"""stancekit.scoring.core: the one scoring core of every route, on batches of whole documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.scoring.batch import document_prior
from stancekit.scoring.core import batch_ends, score_documents
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.predictor import StancePredictor
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoringStats
from stancekit.scoring.stream import score_records

LONG = "\n\n".join(
    [
        "Sex work is work, and sex workers deserve labour rights.",
        "The bill was read a second time on Tuesday.",
        "Criminalising clients pushes sex workers into danger.",
        "End demand: the buyers must be criminalised.",
        "Zzyzx qwv.",
    ]
)


def test_a_batch_never_ends_inside_a_document() -> None:
    assert batch_ends(["a", "a", "a", "b", "c", "c"], 2) == [3, 6]
    assert batch_ends(["a", "b", "a", "c"], 1) == [3, 4]  # "a" reaches row 2
    assert batch_ends([], 5) == [0]


def test_the_core_takes_each_documents_prior_within_itself(tiny_model: Path) -> None:
    predictor = StancePredictor.load(tiny_model)
    labels = predictor.labels
    ids, texts = ["d", "e", "d"], [LONG, "", LONG]  # an id given twice: two documents
    alone = score_documents(predictor.router, labels, ids, texts, None, ScoreOptions())
    moved = score_documents(predictor.router, labels, ids, texts, None, ScoreOptions(), 0.5)
    assert alone.rows == [0] * 5 + [2] * 5 and alone.indices == [0, 1, 2, 3, 4] * 2
    assert alone.doc_ids == ["d"] * 10 and alone.stats.empty.examples == ["e"]
    assert alone.stats.documents == 3 and alone.stats.units == 10
    assert alone.stats.unknown.examples == ["d#4", "d#4"]
    expected = document_prior(alone.scored.proba[:5], ["d"] * 5, 0.5)
    assert moved.scored.proba[:5] == pytest.approx(expected)
    assert moved.scored.proba[5:] == pytest.approx(expected)  # not one document of ten
    whole = ScoreOptions(unit="document")
    document = score_documents(predictor.router, labels, ids, texts, None, whole, 0.5)
    assert document.indices == [None, None] and document.texts == [LONG, LONG]


def test_a_document_longer_than_a_batch_stays_whole(tiny_model: Path) -> None:
    predictor = StancePredictor.load(tiny_model)
    records = [
        SourceRecord("d", LONG, {"n": 2}),
        SourceRecord("s", "Rights now."),
        SourceRecord("d", LONG),
    ]
    alpha = predictor.document_prior
    stats = ScoringStats()
    small = list(
        score_records(
            predictor.router, records, ScoreOptions(batch_size=2), alpha=alpha, stats=stats
        )
    )
    big = list(score_records(predictor.router, records, ScoreOptions(batch_size=100), alpha=alpha))
    assert small == big and len(small) == 11
    assert small[0].extra == {"n": 2} and small[5].extra == {}
    assert stats.documents == 3 and stats.units == 11 and stats.unknown.count == 2
    one = score_documents(
        predictor.router, predictor.labels, ["d"], [LONG], None, ScoreOptions(), alpha
    )
    assert [
        p.probabilities[label] for p in small[:5] for label in predictor.labels
    ] == pytest.approx(one.scored.proba.ravel().tolist())
