"""`stancekit annotate` on the command line: help, one-line errors, a clean stop on a signal."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import assert_one_error_line
from conftest import run_cli as run


def test_help_has_an_example_and_the_keys() -> None:
    result = run("annotate", "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "stancekit annotate texts/" in result.stdout
    for option in ("--out", "--port", "--no-browser", "--random", "--retrain-every", "--host"):
        assert option in result.stdout
    assert "annotate" in run("--help").stdout


def test_without_the_extra_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("starlette", "uvicorn") else real(name, *a),
    )
    result = run("annotate", "Some text.", "--out", tmp_path / "o.jsonl", "--no-browser")
    assert_one_error_line(result, "pip install 'stancekit[annotate]'")


def test_bad_out_and_missing_out_are_one_line(tmp_path: Path, tiny_model: Path) -> None:
    result = run("annotate", "Text.", "--out", tmp_path / "o.csv", "--model", tiny_model)
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1 and "jsonl" in result.stderr
    result = run("annotate", "Text.")
    assert result.exit_code == 2 and "--out" in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_server_cleanly(
    tmp_path: Path, tiny_model: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "labels" / "o.jsonl"
    command = [sys.executable, "-m", "stancekit", "annotate", "Sex work is work.\n\nEnd demand."]
    command += ["--out", str(out), "--model", str(tiny_model), "--no-browser", "--host", "0.0.0.0"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()))
        reader.start()
        reader.join(60)
        assert lines and "token=" in lines[0], lines
        url = lines[0].split(": ", 1)[1].strip().replace("0.0.0.0", "127.0.0.1")
        import urllib.request

        request = urllib.request.Request(
            url.replace("/?", "/api/answer?"),
            data=json.dumps({"key": "text-1#0", "label": "decriminalisation"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert json.loads(reply.read())["status"] == "saved"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "warning: --host 0.0.0.0: the page is reachable from other machines" in stderr
    assert stderr.strip().splitlines()[-1].startswith("stopped: 1 label, 0 skips")
    assert "Traceback" not in stderr
    assert [json.loads(line)["label"] for line in out.read_text().splitlines()] == [
        "decriminalisation"
    ]
    assert [p.name for p in out.parent.iterdir()] == ["o.jsonl"]
