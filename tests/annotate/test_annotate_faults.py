"""Faults around the labels file of `stancekit annotate` (issue 23): two servers on one --out, an
undo beside another writer, a full disk. Real processes, a real full file system."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from stancekit.annotate.store import AnswerStore
from stancekit.errors import OutputError


def row(doc: str, index: int = 0, label: str = "neutral", text: str = "t") -> dict:
    return {"doc_id": doc, "paragraph_index": index, "text": text, "label": label}


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _start(out: Path, model: Path, cwd: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "stancekit", "annotate", "Sex work is work.\n\nEnd demand."]
    command += ["--out", str(out), "--model", str(model), "--no-browser"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline()))
    reader.start()
    reader.join(60)
    if not got or "token=" not in got[0]:
        proc.kill()
        proc.wait()
        pytest.fail(f"the server did not start: {got}")
    return proc, got[0].split(": ", 1)[1].strip()


@pytest.mark.e2e
def test_a_second_server_on_the_same_out_is_refused_naming_the_first(
    tmp_path: Path, tiny_model: Path
) -> None:
    out = tmp_path / "labels" / "o.jsonl"
    first, _ = _start(out, tiny_model, tmp_path)
    try:
        command = [sys.executable, "-m", "stancekit", "annotate", "Other text."]
        command += ["--out", str(out), "--model", str(tiny_model), "--no-browser"]
        second = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert second.returncode == 1, second.stderr
        (line,) = second.stderr.strip().splitlines()
        assert "in use by another stancekit annotate" in line and f"pid {first.pid}" in line
        assert first.poll() is None  # the first one runs on
        first.send_signal(signal.SIGINT)
        _, stderr = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, stderr
    assert sorted(p.name for p in out.parent.iterdir()) == []  # no lock file left
    # Once the first has stopped, the file is free again.
    third, url = _start(out, tiny_model, tmp_path)
    with urllib.request.urlopen(url, timeout=30) as reply:  # serving (its signal handlers set)
        assert reply.status == 200
    third.send_signal(signal.SIGINT)
    third.communicate(timeout=60)
    assert third.returncode == 0


def test_an_undo_removes_only_its_own_row_from_the_file(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    mine, theirs = AnswerStore(out), AnswerStore(out)
    assert mine.add_label(row("a", label="abolitionist"))
    assert theirs.add_label(row("b", label="neutral"))
    assert mine.add_label(row("c", label="neutral"))
    assert mine.undo() is not None  # takes back c, not b (which it never saw)
    assert lines(out) == [row("a", label="abolitionist"), row("b", label="neutral")]
    assert mine.undo("a#0") is not None
    assert lines(out) == [row("b", label="neutral")]


def test_an_exclusive_store_refuses_a_second_one_and_frees_the_file(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    first = AnswerStore(out, exclusive=True)
    with pytest.raises(OutputError, match="in use by another stancekit annotate"):
        AnswerStore(out, exclusive=True)
    first.close()
    assert not (tmp_path / "o.jsonl.lock").exists()
    AnswerStore(out, exclusive=True).close()


def test_a_full_disk_rolls_the_answer_back_and_says_not_saved(small_disk) -> None:
    out = small_disk.root / "o.jsonl"
    store = AnswerStore(out)
    assert store.add_label(row("a"))
    small_disk.fill()
    with pytest.raises(OutputError, match="not saved"):
        store.add_label(row("b", text="x" * 20_000))
    with pytest.raises(OutputError, match="not saved"):
        store.add_skip({"doc_id": "c", "paragraph_index": 0})
    assert lines(out) == [row("a")]  # no half line
    assert not store.answered("b#0") and not store.answered("c#0")
    small_disk.free()
    assert store.add_label(row("b", text="x" * 20_000))
    assert lines(out) == [row("a"), row("b", text="x" * 20_000)]
    resumed = AnswerStore(out)  # the restart reads every row
    assert [r["doc_id"] for r in resumed.labels()] == ["a", "b"]


def test_the_server_reports_a_full_disk_as_not_saved(small_disk, tiny_model: Path) -> None:
    from starlette.testclient import TestClient

    from stancekit.annotate.items import read_items
    from stancekit.annotate.server import TOKEN_HEADER, create_app
    from stancekit.annotate.session import AnnotationSession
    from stancekit.scoring.predictor import StancePredictor

    out = small_disk.root / "o.jsonl"
    items = read_items(["Sex work is work.\n\nEnd demand."], None, 20_000)
    session = AnnotationSession(
        items, AnswerStore(out), StancePredictor.load(tiny_model), annotator="t", retrain_every=0
    )
    client = TestClient(create_app(session, "tok"), headers={TOKEN_HEADER: "tok"})
    small_disk.fill()
    key = client.get("/api/state").json()["item"]["key"]
    reply = client.post("/api/answer", json={"key": key, "label": "neutral"})
    assert reply.status_code == 400 and "not saved" in reply.json()["error"]
    assert not out.exists() or out.read_text(encoding="utf-8") == ""
    small_disk.free()
    reply = client.post("/api/answer", json={"key": key, "label": "neutral"})
    assert reply.json()["status"] == "saved"
    assert [r["label"] for r in lines(out)] == ["neutral"]
