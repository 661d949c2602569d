"""Hostile requests and files against `stancekit annotate` (issue 23): unknown actions, bad
rows on resume, odd dates, Host/Origin, request size and depth, the token off the command line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import run_cli
from stancekit.annotate.items import read_items
from stancekit.annotate.server import MAX_BODY, TOKEN_HEADER, create_app, serve
from stancekit.annotate.session import AnnotationSession
from stancekit.annotate.store import AnswerStore
from stancekit.errors import DataError
from stancekit.scoring.predictor import StancePredictor

TOKEN = "tok-tok"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _session(tmp_path: Path, model: Path, texts: list[str] | None = None) -> AnnotationSession:
    texts = texts or ["Sex work is work.\n\nBuyers must be punished.", "The court met."]
    return AnnotationSession(
        read_items(texts),
        AnswerStore(tmp_path / "out.jsonl"),
        StancePredictor.load(model),
        annotator="me",
        retrain_every=0,
    )


def _client(session: AnnotationSession, hosts: tuple[str, ...] | None = None, **kwargs):
    from starlette.testclient import TestClient

    return TestClient(create_app(session, TOKEN, hosts), headers={TOKEN_HEADER: TOKEN}, **kwargs)


@pytest.mark.parametrize("action", ["state", "undo-all", "Undo", "x"])
def test_an_unknown_action_is_404_and_undoes_nothing(
    tmp_path: Path, tiny_model: Path, action: str
) -> None:
    session = _session(tmp_path, tiny_model)
    client = _client(session)
    key = session.current()["key"]
    assert client.post("/api/answer", json={"key": key, "label": "neutral"}).status_code == 200
    reply = client.post(f"/api/{action}", json={})
    assert reply.status_code == 404
    assert session.store.answered(key)


def test_a_deeply_nested_body_is_400(tmp_path: Path, tiny_model: Path) -> None:
    client = _client(_session(tmp_path, tiny_model))
    body = "[" * 30_000 + "]" * 30_000
    reply = client.post("/api/answer", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400


def test_a_body_over_the_limit_is_413_unread(tmp_path: Path, tiny_model: Path) -> None:
    session = _session(tmp_path, tiny_model)
    client = _client(session)
    big = json.dumps({"key": "x", "label": "neutral", "pad": "x" * MAX_BODY})
    assert client.post("/api/answer", content=big).status_code == 413

    def chunks():  # no Content-Length: the stream itself is cut off
        for _ in range(100):
            yield b"x" * 4096

    assert client.post("/api/answer", content=chunks()).status_code == 413
    assert not session.store.path.exists()


@pytest.mark.parametrize("date", ["12/03/2019", "May 2019", "2019", "sometime", "03.12.19"])
def test_answers_on_paragraphs_with_any_date_are_saved(
    tmp_path: Path, tiny_model: Path, date: str
) -> None:
    table = tmp_path / "t.csv"
    table.write_text(f'text,date\n"Sex work is work.","{date}"\n', encoding="utf-8")
    session = _session(tmp_path, tiny_model, [str(table)])
    client = _client(session)
    key = session.current()["key"]
    reply = client.post("/api/answer", json={"key": key, "label": "neutral"})
    assert reply.status_code == 200 and reply.json()["status"] == "saved"
    (saved,) = session.store.labels()
    assert saved["year"] == (2019 if "2019" in date else None)


def test_a_foreign_host_or_origin_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    session = _session(tmp_path, tiny_model)
    client = _client(session, LOOPBACK, base_url="http://127.0.0.1:8123")
    assert client.get("/api/state").status_code == 200
    rebound = {"Host": "evil.example:8123"}
    assert client.get("/api/state", headers=rebound).status_code == 403
    key = session.current()["key"]
    body = {"key": key, "label": "neutral"}
    foreign = {"Origin": "http://evil.example"}
    assert client.post("/api/answer", json=body, headers=foreign).status_code == 403
    assert client.post("/api/answer", json=body, headers=rebound).status_code == 403
    assert not session.store.path.exists()
    own = {"Origin": "http://127.0.0.1:8123"}
    assert client.post("/api/answer", json=body, headers=own).json()["status"] == "saved"


def test_the_real_server_checks_the_host(tmp_path: Path, tiny_model: Path) -> None:
    session = _session(tmp_path, tiny_model)
    urls: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(session,),
        kwargs={"token": TOKEN, "on_ready": urls.append, "stop": stop},
    )
    thread.start()
    try:
        while not urls:
            thread.join(0.05)
        request = urllib.request.Request(urls[0], headers={"Host": "attacker.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        with urllib.request.urlopen(urls[0], timeout=10) as page:
            assert page.status == 200
    finally:
        stop.set()
        thread.join(30)


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ({"doc_id": "a", "paragraph_index": 0}, "label None is not one of"),
        ({"doc_id": "a", "paragraph_index": 0, "label": "foo"}, "label 'foo' is not one of"),
        ({"doc_id": "a", "paragraph_index": True, "label": "neutral"}, "paragraph_index"),
        ({"doc_id": "a", "paragraph_index": -1, "label": "neutral"}, "paragraph_index"),
        (
            {"doc_id": "a", "paragraph_index": 0, "label": "neutral", "timestamp": 5},
            "timestamp",
        ),
        (
            {"doc_id": "a", "paragraph_index": 0, "label": "neutral", "model_probabilities": "x"},
            "model_probabilities",
        ),
        (b'{"doc_id": "\xff", "paragraph_index": 0, "label": "neutral"}', "not UTF-8"),
    ],
)
def test_a_bad_row_on_resume_is_refused_naming_its_line(
    tmp_path: Path, line: dict | bytes, named: str
) -> None:
    out = tmp_path / "out.jsonl"
    good = json.dumps({"doc_id": "z", "paragraph_index": 0, "label": "neutral"}).encode()
    bad = line if isinstance(line, bytes) else json.dumps(line).encode()
    out.write_bytes(good + b"\n" + bad + b"\n")
    with pytest.raises(DataError, match=f"line 2: not an annotation row .*{named}"):
        AnswerStore(out)


def test_a_bad_row_on_resume_is_one_line_from_the_cli(tmp_path: Path, tiny_model: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "a", "paragraph_index": 0, "timestamp": 5}\n', encoding="utf-8")
    command = [sys.executable, "-m", "stancekit", "annotate", "Text.", "--no-browser"]
    command += ["--out", str(out), "--model", str(tiny_model)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)  # served before
    assert result.returncode == 1, result.stderr
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith("error: ") and "line 1" in message
    assert not (tmp_path / "out.jsonl.lock").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_out_is_refused_before_serving(tmp_path: Path, tiny_model: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run_cli(
            "annotate", "Text.", "--out", folder / "o.jsonl", "--model", tiny_model, "--no-browser"
        )
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1 and "cannot write" in result.stderr


def test_a_read_only_out_on_a_read_only_mount_is_refused(small_disk, tiny_model: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk.root)], check=True)
    command = [sys.executable, "-m", "stancekit", "annotate", "Text.", "--no-browser"]
    command += ["--out", str(small_disk.root / "o.jsonl"), "--model", str(tiny_model)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)  # served before
    assert result.returncode == 1, result.stderr
    (message,) = result.stderr.strip().splitlines()
    assert "cannot write" in message and "Read-only file system" in message


def test_the_browser_gets_a_private_file_not_the_token(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    from stancekit.annotate import run as run_module

    opened: list[str] = []
    seen: dict[str, object] = {}

    def fake_open(target: str) -> bool:
        opened.append(target)
        path = Path(target.removeprefix("file://"))
        seen["mode"] = stat.S_IMODE(path.stat().st_mode)
        seen["html"] = path.read_text(encoding="utf-8")
        return True

    def fake_serve(session, *, host, port, on_ready, **kwargs) -> None:
        on_ready(f"http://127.0.0.1:1/?token={TOKEN}")

    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr("stancekit.annotate.server.serve", fake_serve)
    run_module.annotate(["Text."], tmp_path / "o.jsonl", model=tiny_model, retrain_every=0)
    (target,) = opened
    assert target.startswith("file://") and TOKEN not in target
    assert seen["mode"] == 0o600 and f"token={TOKEN}" in str(seen["html"])
    assert not Path(target.removeprefix("file://")).exists()  # removed when the run ended
