"""Whole scored batches (:class:`ScoredRows`): the stream's batches give the rows it gave one at a
time, :func:`paragraph_records` gives what :func:`paragraph_record` gives row by row, and every
writer writes a batch as it wrote its rows."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from stancekit.scoring.columns import paragraph_record, paragraph_records
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.predictor import StancePredictor
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoredRows, ScoringStats
from stancekit.scoring.stream import score_record_batches, score_records
from stancekit.scoring.write import write_results

NAMES = ("abolitionist", "decriminalisation", "neutral")
NAN = float("nan")


def batch(n: int = 6, explain: bool = True, languages: bool = True, start: int = 0) -> ScoredRows:
    """A batch with NaN probabilities (an unsupported language), a value numpy rounds otherwise
    than Python (0.0010065), pass-through names that clash with output columns, and rows with
    no pass-through values."""
    proba = np.array(
        [
            [0.0010065, 0.2, 0.7989935],
            [NAN, NAN, NAN],
            [0.123456789, 0.5, 0.376543211],
            [1 / 3, 1 / 3, 1 / 3],
            [0.0, 1.0, 0.0],
            [0.25, 0.25, 0.5],
        ]
    )
    extras = [
        {"label": "gold", "year": 2020, "text": "x", "p_neutral": 1, "input_x": "y", "n": None},
        {},
        {"doc_id": "inner", "explain_abolitionist": [1, 2], "paragraphs": 3},
        {"k": 1.5},
        {},
        {"label": "gold", "year": 2021},
    ]
    tops = [
        {"abolitionist": [("buyers", 0.5)], "decriminalisation": [], "neutral": [("a", -0.1)]},
        None,
        {"abolitionist": [], "decriminalisation": [("rights", 0.25)], "neutral": []},
        {},
        None,
        {"abolitionist": [("exit", 0.125)], "decriminalisation": [], "neutral": []},
    ]
    rows = [i % 6 for i in range(start, start + n)]
    return ScoredRows(
        NAMES,
        [f"d{(start + i) // 2}" for i in range(n)],
        [None if r == 4 else (start + i) % 2 for i, r in enumerate(rows)],
        [f"text {start + i}\n\"q\", 'x'" for i in range(n)],
        [None if r % 2 else "2020-01-01" for r in rows],
        ["unsupported" if r == 1 else "neutral" for r in rows],
        proba[rows],
        [NAN if r == 1 else float(proba[r].max() - 0.1) for r in rows],
        [tops[r] for r in rows] if explain else None,
        [None if r == 1 else "en" for r in rows] if languages else None,
        [extras[r] for r in rows],
    )


@pytest.mark.parametrize("explain", [True, False])
@pytest.mark.parametrize("languages", [True, False])
def test_paragraph_records_are_the_rows_records(explain: bool, languages: bool) -> None:
    rows = batch(explain=explain, languages=languages)
    records = paragraph_records(rows)
    expected = [paragraph_record(p) for p in rows.paragraphs()]
    assert [list(r.items()) for r in records] == [list(r.items()) for r in expected]
    assert records[0]["p_abolitionist"] == 0.001007  # Python's round, not numpy's 0.001006
    assert records[1]["p_neutral"] is None and records[1]["margin"] is None
    assert records[0]["input_label"] == "gold" and records[2]["input_doc_id"] == "inner"


def test_paragraph_records_of_an_empty_batch() -> None:
    assert paragraph_records(batch(0)) == []


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "csv-excel", "table", "parquet", "xlsx"])
@pytest.mark.parametrize("aggregate", [False, True])
def test_writers_write_a_batch_as_its_rows(fmt: str, aggregate: bool) -> None:
    if fmt == "parquet":  # batches of 3,000 and 4,000 rows: row groups still of 5,000 each
        batches = [batch(3000, start=0), batch(4000, start=3000), batch(11, start=7000)]
    else:
        batches = [batch(7, start=0), batch(5, start=7), batch(20, start=12)]
    binary = fmt in ("parquet", "xlsx")
    outputs = []
    for scored in (batches, [p for b in batches for p in b.paragraphs()]):
        handle = io.BytesIO() if binary else io.StringIO()
        rows = write_results(scored, handle, fmt, NAMES, aggregate, abstains=True)
        outputs.append((rows, handle.getvalue()))
    if fmt == "xlsx":  # the workbook's save time differs: compare the cells
        from openpyxl import load_workbook

        outputs = [
            (rows, [list(r) for r in load_workbook(io.BytesIO(data)).active.values])
            for rows, data in outputs
        ]
    assert outputs[0] == outputs[1]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(io.BytesIO(outputs[0][1])).metadata
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        if not aggregate:
            assert sizes == [5000, 2011]


@pytest.fixture
def pipeline(tiny_model: Path):
    return StancePredictor.load(tiny_model).pipeline


def test_score_records_is_the_batches_one_row_at_a_time(pipeline) -> None:
    records = [
        SourceRecord(f"d{i}", "Sex workers need rights.\n\nEnd demand.\n\nZzyzx.", {"i": i})
        for i in range(7)
    ] + [SourceRecord("empty", " "), SourceRecord("last", "Criminalise the buyers.")]
    options = ScoreOptions(batch_size=4, explain=2)
    stats, seen = ScoringStats(), []
    batches = list(
        score_record_batches(pipeline, records, options, stats=stats, on_progress=seen.append)
    )
    assert len(batches) > 1 and all(b.doc_ids for b in batches)
    flat = [p for b in batches for p in b.paragraphs()]
    alone = ScoringStats()
    assert flat == list(score_records(pipeline, records, options, stats=alone))
    assert stats == alone and seen[-1] == len(flat) == stats.units
    assert flat[0].extra == {"i": 0} and flat[-1].doc_id == "last"
