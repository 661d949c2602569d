"""`stancekit predict` against hostile inputs and outputs (issue 23, predict lows): a FIFO or a
device as input, an output inside the folder it reads, a full disk under an xlsx, a signal
during a Dask run. Each ends with one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_one_error_line, run_cli


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_as_input_is_named_as_such(
    tmp_path: Path, tiny_model: Path, kind: str
) -> None:
    if kind == "fifo":
        source = tmp_path / "pipe"
        os.mkfifo(source)  # never opened: no writer, so a read would hang
    else:
        source = Path("/dev/zero")  # never read: it has no end
    result = run_cli("predict", source, "--model", tiny_model)
    assert_one_error_line(result, f"{source}: not a regular file (a FIFO, a device or a socket)")


def test_an_output_inside_the_input_folder_is_never_read(tmp_path: Path, tiny_model: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Sex work is work.", encoding="utf-8")
    (folder / "b.txt").write_text("Buying sex should be a crime.", encoding="utf-8")
    out = folder / "out.jsonl"
    for _ in range(2):  # the second run finds the first run's output in the folder
        result = run_cli(
            "predict", folder, "--glob", "**/*", "-o", out, "--model", tiny_model
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "skipped" not in result.stderr  # not its own (empty) temporary either
        ids = [line.split('"')[3] for line in out.read_text(encoding="utf-8").splitlines()]
        assert ids == [str(folder / "a.txt"), str(folder / "b.txt")]


def test_is_output_knows_each_output_its_folder_and_its_temporaries(tmp_path: Path) -> None:
    from stancekit.io.folders import is_output

    outputs = [tmp_path / "a.csv", tmp_path / "parts"]
    assert is_output(tmp_path / "a.csv", outputs)
    assert is_output(tmp_path / ".a.csv.x1y2.tmp", outputs)
    assert is_output(tmp_path / "parts" / "part.0.parquet", outputs)
    assert is_output(tmp_path / ".parts.abc.tmp", outputs)
    assert not is_output(tmp_path / ".a.csv.notes", outputs)
    assert not is_output(tmp_path / "b.csv", outputs)
    assert not is_output(tmp_path / "a.csv", [])


def test_an_xlsx_on_a_full_disk_is_one_line(tmp_path: Path, tiny_model: Path, small_disk) -> None:
    texts = tmp_path / "many.txt"
    words = [
        "sex",
        "work",
        "is",
        "work",
        "buying",
        "sex",
        "crime",
        "law",
        "nordic",
        "model",
        "rights",
        "police",
    ]
    texts.write_text(
        "\n\n".join(
            " ".join(words[(i * 7 + j) % len(words)] for j in range(30)) for i in range(3000)
        ),
        encoding="utf-8",
    )
    small_disk.fill()
    os.truncate(small_disk.filler, max(0, small_disk.filler.stat().st_size - 16384))
    out = small_disk.root / "out.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "stancekit", "predict", texts, "-o", out, "--model", tiny_model],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no "Exception ignored in ... ZipFile.__del__"
    line = lines[0]
    assert line.startswith("error: ") and "the disk is full" in line
    assert not out.exists()
    assert [p.name for p in small_disk.root.iterdir()] == [small_disk.filler.name]
    small_disk.free()


@pytest.mark.e2e
@pytest.mark.parametrize("moment", ["starting", "gathering"])
def test_a_dask_run_stopped_by_a_signal_ends_with_one_line(
    tmp_path: Path, tiny_model: Path, moment: str
) -> None:
    import json
    import signal
    import time

    pytest.importorskip("distributed")
    from test_signals import _alive, _children

    folder = tmp_path / "in"
    folder.mkdir()
    for part in range(4):
        with (folder / f"p{part}.jsonl").open("w", encoding="utf-8") as handle:
            for i in range(300_000):
                handle.write(json.dumps({"text": f"Sex work is work ({part}-{i})."}) + "\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "stancekit", "predict", str(folder), "--engine", "dask"]
    proc = subprocess.Popen(
        [*command, "-o", str(out), "-m", str(tiny_model), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 3:  # the resource tracker and two workers
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.1)
        if moment == "gathering":  # the first part is written, the others are being scored
            while not any(tmp_path.glob(".out.tmp-*/part.*")):
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "no part was ever written"
                time.sleep(0.02)
        seen = _children(proc.pid)
        assert proc.poll() is None, "the run ended before the signal: make the input larger"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in seen | _children(proc.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 143, stderr
    assert stderr.strip().splitlines() == ["terminated"], stderr  # no AllExit tracebacks
    assert not out.exists()
