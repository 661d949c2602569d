from __future__ import annotations

from pathlib import Path

import pytest

from conftest import tiny_rows
from stancekit.corpus import read_rows
from stancekit.errors import DataError
from stancekit.params import PrepareParams
from stancekit.prepare import prepare, split_by_document


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
