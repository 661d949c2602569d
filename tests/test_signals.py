"""Real signals (issue 12): ``stancekit predict -o`` killed by SIGINT or SIGTERM mid-run, in one
process and with joblib workers, exits 130/143 and leaves the target untouched, no temporary file,
no worker process and no loky semaphore or joblib folder in /dev/shm behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ABOL, DECRIM, NEUTRAL

pytestmark = pytest.mark.e2e

ROWS = 800_000  # -j 2 needs 20,000 paragraphs before it starts workers; this runs for seconds


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def _shared_memory_of(pid: int) -> list[str]:
    """loky's semaphores and joblib's memmapping folders that process ``pid`` made (their
    names hold its pid; other runs on the machine have their own)."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return []
    patterns = (f"sem.loky-{pid}-*", f"joblib_memmapping_folder_{pid}_*")
    return sorted(p.name for pattern in patterns for p in shm.glob(pattern))


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "big.jsonl"
    texts = DECRIM + ABOL + NEUTRAL
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            handle.write(json.dumps({"text": f"{texts[i % len(texts)]} ({i})"}) + "\n")
    return path


def _wait_for(condition, timeout: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"stancekit ended (rc {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("jobs", [1, 2], ids=["j1", "j2"])
@pytest.mark.parametrize(
    ("sig", "code", "previous"),
    [(signal.SIGINT, 130, None), (signal.SIGTERM, 143, "previous content\n")],
    ids=["SIGINT-new-target", "SIGTERM-existing-target"],
)
def test_a_signal_mid_run_leaves_nothing_behind(
    tmp_path: Path,
    tiny_model: Path,
    big_input: Path,
    jobs: int,
    sig: signal.Signals,
    code: int,
    previous: str | None,
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "scores.csv"
    if previous is not None:
        target.write_text(previous, encoding="utf-8")
    command = [sys.executable, "-m", "stancekit", "predict", str(big_input), "-m", str(tiny_model)]
    command += ["-o", str(target), "-j", str(jobs), "--quiet"]
    # A shell that starts a job in the background (as CI may) ignores SIGINT for it and all its
    # children; a Ctrl-C reaches foreground commands, so give the child the default handler.
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen: set[int] = set()
    try:
        # Writing has begun (the temporary file exists); with -j 2 the workers run too.
        _wait_for(lambda: any(out_dir.glob(".scores.csv.*.tmp")), 60, "the temporary file", proc)
        if jobs > 1:
            _wait_for(lambda: len(_children(proc.pid)) >= 2, 60, "the workers", proc)
        time.sleep(0.3)
        seen = _children(proc.pid)
        assert proc.poll() is None, "the run ended before the signal: make the input larger"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        seen |= _children(proc.pid)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in seen | _children(proc.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    assert stderr.strip().splitlines()[-1] in ("interrupted", "terminated")
    assert sorted(p.name for p in out_dir.iterdir()) == ([] if previous is None else [target.name])
    if previous is not None:
        assert target.read_text(encoding="utf-8") == previous
    # A killed worker's parent may take a moment to reap it, longer on a loaded machine.
    deadline = time.monotonic() + 15
    while [pid for pid in seen if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in seen if _alive(pid)], "worker processes outlived the run"
    if jobs > 1:
        assert seen, "no worker was seen: the test did not exercise -j 2"
    assert not _shared_memory_of(proc.pid)
