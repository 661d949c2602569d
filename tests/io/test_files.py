from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from stancekit.errors import OutputError
from stancekit.io.files import atomic_write, sha256_file


def test_atomic_write_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "new.txt") as handle:
            handle.write("x")
        assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("x", encoding="utf-8")
        kept.chmod(0o640)
        with atomic_write(kept) as handle:
            handle.write("y")
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_sha256(tmp_path: Path) -> None:
    path = tmp_path / "a"
    path.write_bytes(b"abc")
    assert sha256_file(path).startswith("ba7816bf")


def test_unwritable_targets_raise_output_error_and_leave_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder"), atomic_write(folder):
        pass
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot create this folder"), atomic_write(blocker / "x"):
        pass
    target = tmp_path / "full.txt"
    disk_full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(OutputError, match=r"full\.txt: cannot write \(No space left"):  # noqa: SIM117
        with atomic_write(target):
            raise disk_full
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]


def test_a_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    with atomic_write(fifo) as handle:
        handle.write("through the pipe")
    reader.join(timeout=10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a regular file
