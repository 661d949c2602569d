from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.errors import UsageError
from stancekit.scoring.aggregate import DocumentAggregator, group_documents
from stancekit.scoring.engines import JoblibEngine
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.predictor import StancePredictor
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoringStats, Tally
from stancekit.scoring.stream import iter_units, score_records

DOCS = [
    SourceRecord(
        "a", "date 2020-01-01 Sex workers need rights.\n\nCriminalise the buyers.", {"k": 1}
    ),
    SourceRecord("empty", "  \n\n "),
    SourceRecord("b", "End demand and help women exit."),
]


@pytest.fixture
def pipeline(tiny_model: Path):
    return StancePredictor.load(tiny_model).pipeline


def test_units_by_paragraph_and_document() -> None:
    stats = ScoringStats()
    units = list(iter_units(DOCS, "paragraph", stats))
    assert [(u.doc_id, u.paragraph_index) for u in units] == [("a", 0), ("a", 1), ("b", 0)]
    assert units[0].date == "2020-01-01" and units[0].extra == {"k": 1}
    assert stats.documents == 3 and stats.units == 3 and stats.empty.examples == ["empty"]
    whole = list(iter_units(DOCS, "document", ScoringStats()))
    assert [(u.doc_id, u.paragraph_index) for u in whole] == [("a", None), ("b", None)]
    assert "\n\n" in whole[0].text
    with pytest.raises(UsageError, match="--unit"):
        list(iter_units(DOCS, "sentence", ScoringStats()))


def test_scores_margin_threshold_and_batches_agree(pipeline) -> None:
    one = list(score_records(pipeline, DOCS, ScoreOptions(batch_size=1)))
    big = list(score_records(pipeline, DOCS, ScoreOptions(batch_size=100)))
    assert one == big
    for p in one:
        top, second = sorted(p.probabilities.values(), reverse=True)[:2]
        assert p.margin == pytest.approx(top - second)
    sure = max(one[0].probabilities.values())
    flagged = list(score_records(pipeline, DOCS, ScoreOptions(threshold=sure + 1e-9)))
    assert flagged[0].label == "uncertain"


def test_explanations_are_attached(pipeline) -> None:
    (first, _) = score_records(pipeline, DOCS[:1], ScoreOptions(explain=2))
    assert set(first.explanation) == {"abolitionist", "decriminalisation", "neutral"}
    assert all(len(terms) <= 2 for terms in first.explanation.values())


def test_parallel_gives_the_same_rows_in_the_same_order(pipeline) -> None:
    docs = [SourceRecord(f"d{i}", f"Text {i} about sex workers and buyers.") for i in range(30)]
    progress: list[int] = []
    workers = JoblibEngine(jobs=2, min_units=4)
    options = ScoreOptions(batch_size=7)
    parallel = list(
        score_records(pipeline, docs, options, engine=workers, on_progress=progress.append)
    )
    assert parallel == list(score_records(pipeline, docs, options))
    assert progress == [7, 14, 21, 28, 30]


def test_small_inputs_stay_in_process(pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    import joblib

    def no_workers(*args, **kwargs):
        raise AssertionError("joblib started below min_units")

    monkeypatch.setattr(joblib, "Parallel", no_workers)
    units = list(iter_units(DOCS, "paragraph", ScoringStats()))
    assert len(list(score_records(pipeline, DOCS, jobs=2))) == len(units)


def test_progress_and_bad_arguments(pipeline) -> None:
    seen: list[int] = []
    list(score_records(pipeline, DOCS, ScoreOptions(batch_size=2), on_progress=seen.append))
    assert seen == [2, 3]
    with pytest.raises(UsageError, match="--batch-size"):
        list(score_records(pipeline, DOCS, ScoreOptions(batch_size=0)))
    with pytest.raises(UsageError, match="--threshold"):
        list(score_records(pipeline, DOCS, ScoreOptions(threshold=2.0)))


def test_document_summaries(pipeline) -> None:
    scored = list(score_records(pipeline, DOCS, ScoreOptions(threshold=0.99)))
    labels = tuple(pipeline.classes_)
    aggregator = DocumentAggregator(labels, abstains=True)
    summaries = [s for p in scored if (s := aggregator.add(p)) is not None]
    summaries.append(aggregator.finish())
    assert [(s.doc_id, s.paragraphs) for s in summaries] == [("a", 2), ("b", 1)]
    assert summaries[0].date == "2020-01-01"
    assert sum(summaries[0].label_shares.values()) == pytest.approx(1.0)
    assert "uncertain" in summaries[0].label_shares
    assert DocumentAggregator(labels, False).finish() is None


def test_records_sharing_an_id_are_summarised_apart(pipeline) -> None:
    records = [
        SourceRecord("dup", "Sex work is work.\n\nRights now."),
        SourceRecord("dup", "Criminalise the buyers."),
    ]
    scored = list(score_records(pipeline, records))
    assert [len(group) for group in group_documents(scored)] == [2, 1]
    whole = list(score_records(pipeline, records, ScoreOptions(unit="document")))
    assert [len(group) for group in group_documents(whole)] == [1, 1]


def test_zero_jobs_is_refused(pipeline) -> None:
    with pytest.raises(UsageError, match="--jobs"):
        list(score_records(pipeline, DOCS, jobs=0))


def test_units_with_no_known_word_are_tallied(pipeline) -> None:
    records = [SourceRecord("a", "Sex workers need rights.\n\nZzyzx qwv."), SourceRecord("b", "!!")]
    stats = ScoringStats()
    scored = list(score_records(pipeline, records, stats=stats))
    assert len(scored) == 3
    assert stats.unknown.count == 2 and stats.unknown.examples == ["a#1", "b#0"]


def test_tally_keeps_a_bounded_number_of_examples() -> None:
    tally = Tally()
    for i in range(1000):
        tally.add(f"x{i}")
    assert tally.count == 1000 and len(tally.examples) == 5
    assert tally.describe() == "x0, x1, x2, x3, x4 ..."
