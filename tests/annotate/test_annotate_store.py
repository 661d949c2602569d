"""The answers store: fsynced appends, undo, resume, one answer per item under concurrency."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from stancekit.annotate.store import AnswerStore, item_key
from stancekit.errors import DataError, StancekitWarning


def row(doc: str = "d", index: int = 0, label: str = "neutral", stamp: str = "T1") -> dict:
    return {
        "doc_id": doc,
        "paragraph_index": index,
        "text": "t",
        "label": label,
        "timestamp": stamp,
    }


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_label_is_fsynced_to_the_file_before_add_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "labels" / "mine.jsonl"
    store = AnswerStore(out)
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(Path(f"/proc/self/fd/{fd}").resolve().name)

    monkeypatch.setattr(os, "fsync", fsync)
    assert store.add_label(row("a", 0, "abolitionist"))
    assert synced == ["mine.jsonl"]
    assert lines(out) == [row("a", 0, "abolitionist")]
    assert store.add_label(row("a", 1, "neutral"))
    assert [r["paragraph_index"] for r in lines(out)] == [0, 1]
    assert len(synced) == 2


def test_a_label_outside_the_labels_is_refused(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "out.jsonl")
    with pytest.raises(DataError, match="not one of"):
        store.add_label(row(label="Decriminalization"))
    assert not (tmp_path / "out.jsonl").exists()


def test_a_second_answer_for_an_item_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    store = AnswerStore(out)
    assert store.add_label(row("a", 0, "neutral"))
    assert not store.add_label(row("a", 0, "abolitionist"))
    assert not store.add_skip({"doc_id": "a", "paragraph_index": 0})
    assert lines(out) == [row("a", 0, "neutral")]
    assert not store.skips_path.exists()


def test_two_concurrent_answers_for_one_item_give_one_row(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    store = AnswerStore(out)
    start = threading.Barrier(8)
    results: list[bool] = []

    def answer(label: str) -> None:
        start.wait()
        results.append(store.add_label(row("a", 3, label)))

    threads = [
        threading.Thread(target=answer, args=(("neutral", "abolitionist")[i % 2],))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    (written,) = lines(out)
    assert written["paragraph_index"] == 3
    assert store.rows[item_key("a", 3)] == written


def test_undo_takes_back_the_latest_answer_and_rewrites_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    store = AnswerStore(out)
    store.add_label(row("a", 0))
    store.add_label(row("a", 1))
    store.add_skip({"doc_id": "a", "paragraph_index": 2, "timestamp": "T3"})
    undone = store.undo()
    assert undone is not None and (undone.kind, undone.key) == ("skip", "a#2")
    assert store.skips_path.read_text() == ""
    undone = store.undo()
    assert undone is not None and undone.key == "a#1"
    assert lines(out) == [row("a", 0)]
    assert not store.answered("a#1")
    assert store.add_label(row("a", 1, "abolitionist"))  # may be answered again
    assert [r["label"] for r in lines(out)] == ["neutral", "abolitionist"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.skips"]


def test_undo_by_key_and_with_nothing_to_undo(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "out.jsonl")
    assert store.undo() is None
    store.add_label(row("a", 0))
    store.add_label(row("b", 0))
    assert store.undo("a#0").key == "a#0"
    assert store.undo("a#0") is None
    assert [r["doc_id"] for r in lines(store.path)] == ["b"]


def test_a_new_store_resumes_labels_and_skips(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = AnswerStore(out)
    first.add_label(row("a", 0, stamp="2026-01-01T00:00:01Z"))
    first.add_skip({"doc_id": "a", "paragraph_index": 1, "timestamp": "2026-01-01T00:00:02Z"})
    first.add_label(row("a", 2, "abolitionist", stamp="2026-01-01T00:00:03Z"))
    again = AnswerStore(out)
    assert again.answered("a#0") and again.answered("a#1") and again.answered("a#2")
    assert not again.answered("a#3")
    assert [r["paragraph_index"] for r in again.labels()] == [0, 2]
    assert [a.key for a in again.history] == ["a#0", "a#1", "a#2"]
    assert again.undo().key == "a#2"  # the latest answer of the earlier run
    assert [r["paragraph_index"] for r in lines(out)] == [0]


def test_a_line_cut_short_by_a_crash_is_dropped_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps(row("a", 0)) + "\n" + '{"doc_id": "a", "paragr', encoding="utf-8")
    with pytest.warns(StancekitWarning, match="cut short"):
        store = AnswerStore(out)
    assert list(store.rows) == ["a#0"]
    assert lines(out) == [row("a", 0)]


def test_a_file_that_is_not_annotations_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"text": "no ids"}\n', encoding="utf-8")
    with pytest.raises(DataError, match="line 1: not an annotation row"):
        AnswerStore(out)
