from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tiny_rows
from stancekit.data.corpus import read_rows
from stancekit.data.prepare import prepare, split_by_document
from stancekit.errors import DataError
from stancekit.params import PrepareParams


def test_no_document_is_on_both_sides() -> None:
    train, test = split_by_document(tiny_rows(), 0.25, seed=0)
    assert {r["doc_id"] for r in train}.isdisjoint({r["doc_id"] for r in test})
    assert len(train) + len(test) == len(tiny_rows())
    assert len({r["doc_id"] for r in test}) == 2  # 8 documents, 4 folds


def test_split_is_deterministic_for_a_seed_and_changes_with_it() -> None:
    def test_docs(seed: int) -> set[str]:
        return {r["doc_id"] for r in split_by_document(tiny_rows(), 0.25, seed)[1]}

    assert test_docs(1) == test_docs(1)
    assert len({frozenset(test_docs(seed)) for seed in range(6)}) > 1


def test_a_single_document_cannot_be_split() -> None:
    with pytest.raises(DataError, match="at least two"):
        split_by_document(tiny_rows()[:3], 0.2, seed=0)


def test_prepare_writes_both_splits(tmp_path: Path, tiny_prepare_params: PrepareParams) -> None:
    summary = prepare(tiny_prepare_params, tmp_path / "prepared")
    train, test = read_rows(summary.train_path), read_rows(summary.test_path)
    assert len(train) + len(test) == 24
    assert summary.test_documents == 2 and summary.train_documents == 6
    assert "train: 6 documents" in summary.describe()


def test_prepare_reports_bad_data_and_writes_nothing(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[0]["label"] = "maybe"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(__import__("json").dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "prepared"
    with pytest.raises(DataError, match="unknown label"):
        prepare(PrepareParams(data=(str(bad),)), out)
    assert not out.exists()


def test_a_label_file_in_the_labels_folder_changes_what_prepare_writes(tmp_path: Path) -> None:
    """prepare.data names the corpus and a labels folder (as params.yaml does): an empty folder
    changes nothing; a label file dropped into it is split by document with the corpus."""
    import json

    from conftest import write_jsonl

    corpus = write_jsonl(tmp_path / "corpus" / "c.jsonl", tiny_rows())
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "README.md").write_text("# your labels\n", encoding="utf-8")
    params = PrepareParams(data=(str(corpus.parent), str(labels)), test_fraction=0.25, seed=0)
    before = prepare(params, tmp_path / "before")
    assert sum(before.train_labels.values()) + sum(before.test_labels.values()) == 24

    sentences = [
        ("Zebra permits would let night workers hire a driver.", "decriminalisation"),
        ("The hearing on the permit scheme was adjourned again.", "neutral"),
        ("Licensed flats let colleagues share rent and stay safe.", "decriminalisation"),
        ("Minutes of the transport board are filed each quarter.", "neutral"),
        ("Outreach vans should not be stopped by officers hunting clients.", "decriminalisation"),
        ("The library opens at nine on weekdays and ten on Saturdays.", "neutral"),
        ("Workers who report a robbery must not fear losing their homes.", "decriminalisation"),
        ("Tickets for the concert went on sale last Friday morning.", "neutral"),
    ]
    annotated = [
        {
            "doc_id": f"mine-{n // 2}",
            "paragraph_index": 3 + 2 * (n % 2),  # a sample of the document's paragraphs
            "text": text,
            "label": label,
            "source": "mine.txt",
            "origin": "annotated",
            "annotator": "ana",
            "timestamp": "2026-11-30T23:10:05Z",
            "picked_by": "uncertainty",
            "model_round": 1,
        }
        for n, (text, label) in enumerate(sentences)
    ]
    write_jsonl(labels / "ana.jsonl", annotated)
    after = prepare(params, tmp_path / "after")
    train, test = read_rows(after.train_path), read_rows(after.test_path)
    assert len(train) + len(test) == 24 + 8
    mine = [row for row in train + test if row["origin"] == "annotated"]
    assert len(mine) == 8 and {row["annotator"] for row in mine} == {"ana"}
    for doc in {row["doc_id"] for row in mine}:  # split by document: never on both sides
        in_train = any(row["doc_id"] == doc for row in train)
        assert in_train != any(row["doc_id"] == doc for row in test)
    outputs = [(tmp_path / d / "train.jsonl").read_text("utf-8") for d in ("before", "after")]
    assert outputs[0] != outputs[1] or any(row["origin"] == "annotated" for row in test)
    lines = [json.loads(line) for line in (tmp_path / "after" / "train.jsonl").open()]
    lines += [json.loads(line) for line in (tmp_path / "after" / "test.jsonl").open()]
    assert sum(line.get("picked_by") == "uncertainty" for line in lines) == 8  # fields kept
