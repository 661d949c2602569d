"""The pure helpers of benchmarks/_bench_util.py: corpus-like inputs, aims, the table."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "_bench_util", REPO / "benchmarks" / "_bench_util.py"
)
bench_util = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("_bench_util", bench_util)  # dataclasses look their module up
_spec.loader.exec_module(bench_util)

DOCUMENTS = [["a1", "a2", "a3"], ["b1"], ["c1", "c2"]]


def test_sample_rows_is_seeded_whole_documents_in_order():
    rows = bench_util.sample_rows(DOCUMENTS, 50, seed=3)
    assert rows == bench_util.sample_rows(DOCUMENTS, 50, seed=3)
    assert rows != bench_util.sample_rows(DOCUMENTS, 50, seed=4)
    assert len(rows) == 50
    by_draw: dict[str, list[str]] = {}
    for doc_id, text in rows:
        by_draw.setdefault(doc_id, []).append(text)
    *whole, last = by_draw.values()
    assert all(texts in DOCUMENTS for texts in whole)
    assert any(document[: len(last)] == last for document in DOCUMENTS)


def test_writers_keep_ids_and_texts(tmp_path):
    rows = [("d0", 'quote " and, comma'), ("d0", "second\nline"), ("d1", "third")]
    jsonl = bench_util.write_jsonl(rows, tmp_path / "x.jsonl")
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert records[1] == {"id": "p1", "doc_id": "d0", "text": "second\nline"}
    import csv

    with bench_util.write_csv(rows, tmp_path / "x.csv").open(encoding="utf-8", newline="") as f:
        assert next(csv.DictReader(f)) == {"id": "p0", "doc_id": "d0", "text": rows[0][1]}
    import pyarrow.parquet as pq

    shards = bench_util.write_parquet(rows, tmp_path / "shards", shard=2)
    parts = sorted(shards.glob("*.parquet"))
    assert [pq.read_table(p).column("id").to_pylist() for p in parts] == [["p0", "p1"], ["p2"]]


def test_figure_marks_and_table():
    met = bench_util.Figure("a | b", "10/s", "1.60x", "", ">= 1.5x reference", True)
    missed = bench_util.Figure("c", "5/s", "0.80x", "", ">= 1.5x reference", False)
    plain = bench_util.Figure("d", "9 MiB")
    assert (met.mark, missed.mark, plain.mark) == ("met", "MISSED", "")
    assert "(aim >= 1.5x reference) MISSED" in missed.line()
    table = bench_util.markdown_table([met, missed, plain]).splitlines()
    assert table[2] == "| a \\| b | 10/s | 1.60x |  | >= 1.5x reference | met |"
    assert table[3].endswith("| MISSED |") and len(table) == 5
    assert bench_util.aimed(1.5, 1.5) and not bench_util.aimed(1.2, 1.1, at_least=False)
