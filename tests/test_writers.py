from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.scoring import ScoredParagraph
from stancekit.writers import paragraph_record, render, write_results

LABELS = ("abolitionist", "decriminalisation")


def scored(doc: str, i: int, predicted: str, p: float, **extra: object) -> ScoredParagraph:
    return ScoredParagraph(
        doc,
        i,
        f"text {doc} {i}",
        None,
        predicted,
        {"abolitionist": 1 - p, "decriminalisation": p},
        abs(2 * p - 1),
        extra,
        {"abolitionist": [["buyers", 0.5]], "decriminalisation": []},
    )


ROWS = [
    scored("a", 0, "decriminalisation", 0.8, label="gold", year=2020),
    scored("a", 1, "abolitionist", 0.3),
    scored("b", 0, "abolitionist", 0.1),
]


def test_paragraph_record_renames_clashing_pass_through_columns() -> None:
    record = paragraph_record(ROWS[0])
    assert list(record)[:6] == [
        "doc_id",
        "paragraph_index",
        "label",
        "p_abolitionist",
        "p_decriminalisation",
        "margin",
    ]
    assert record["label"] == "decriminalisation" and record["input_label"] == "gold"
    assert record["year"] == 2020 and record["explain_abolitionist"] == [["buyers", 0.5]]


def test_jsonl_and_csv() -> None:
    lines = render(ROWS, "jsonl", LABELS).splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["a", "a", "b"]
    table = list(csv.DictReader(io.StringIO(render(ROWS, "csv", LABELS))))
    assert table[0]["explain_abolitionist"] == '[["buyers", 0.5]]'
    assert float(table[1]["p_decriminalisation"]) == pytest.approx(0.3)


def test_aggregate_rows() -> None:
    docs = [json.loads(line) for line in render(ROWS, "jsonl", LABELS, aggregate=True).splitlines()]
    assert [(d["doc_id"], d["paragraphs"], d["label"]) for d in docs] == [
        ("a", 2, "decriminalisation"),
        ("b", 1, "abolitionist"),
    ]
    assert docs[0]["mean_p_decriminalisation"] == pytest.approx(0.55)
    assert docs[0]["share_abolitionist"] == 0.5


def test_table_shows_paragraphs_and_documents() -> None:
    text = render(ROWS, "table", LABELS)
    assert text.count("── ") == 2 and text.count("=> ") == 2
    assert "toward abolitionist: buyers +0.50" in text


def test_parquet_round_trip(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    with path.open("wb") as handle:
        assert write_results(ROWS, handle, "parquet", LABELS) == 3
    table = pq.read_table(path).to_pylist()
    assert [r["paragraph_index"] for r in table] == [0, 1, 0]
    assert table[0]["year"] == "2020" and table[1]["year"] is None
    with pytest.raises(InputError, match="binary"):
        render(ROWS, "parquet", LABELS)
    with pytest.raises(InputError, match="format"):
        render(ROWS, "xml", LABELS)
