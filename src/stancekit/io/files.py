"""Small file helpers: atomic writes and content hashes."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from stancekit.errors import OutputError


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it onto ``path`` only if the block succeeds.

    An exception inside the block (or an interrupted process) leaves ``path`` as it was: never
    half-written. A device or pipe (``/dev/null``, a FIFO) is written in place.

    Raises
    ------
    OutputError
        ``path`` is a folder, or its folder cannot be created or written (no permission, disk
        full).
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name to write.")
    if path.exists() and not path.is_file():
        # A device or pipe (/dev/null, /dev/stdout, a FIFO): write to it; renaming a file over
        # it would replace the device.
        yield from _write_in_place(path, mode)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
        raise OutputError(
            f"{path.parent}: cannot create this folder ({reason}); choose another path."
        ) from None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    # mkstemp makes the file private (0600); give it the mode a plain open() would: the mode
    # of the file it replaces, else 0666 less the umask.
    try:
        permissions = path.stat().st_mode & 0o777
    except FileNotFoundError:
        permissions = 0o666 & ~_umask()
    os.chmod(tmp_name, permissions)
    try:
        with os.fdopen(fd, mode, **_text_args(mode)) as handle:
            yield handle
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _cannot_write(path, exc) from None
        raise


@contextlib.contextmanager
def staging_folder(out_dir: str | Path, prefix: str) -> Iterator[Path]:
    """A new hidden folder inside ``out_dir`` (created if need be) to write a set of files into
    before they are renamed into place; removed, with ``out_dir`` if this made it and it is left
    empty, when the block fails.

    Raises
    ------
    OutputError
        ``out_dir`` cannot be created, or the block failed to write (says why).
    """
    import shutil

    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=out_dir, prefix=f"{prefix}.", suffix=".tmp"))
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else None
        raise OutputError(
            f"{out_dir}: cannot write this folder ({reason or os_error_reason(exc)}); "
            "choose another path."
        ) from None
    try:
        yield stage
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _cannot_write(out_dir, exc) from None
        if isinstance(exc, OutputError) and str(stage) in str(exc):
            # A file that could not be written in the stage: name where it was going.
            raise OutputError(str(exc).replace(str(stage), str(out_dir))) from None
        raise


def _text_args(mode: str) -> dict[str, str | None]:
    """UTF-8 with ``\\n`` line ends for text modes; nothing for binary ones."""
    return {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}


def _write_in_place(path: Path, mode: str) -> Iterator[IO]:
    try:
        handle = open(path, mode, **_text_args(mode))  # noqa: SIM115
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with handle:
            yield handle
    except BrokenPipeError:
        raise
    except OSError as exc:  # /dev/full, a device that went away
        raise _cannot_write(path, exc) from None


def os_error_reason(exc: OSError) -> str:
    """Why a write failed, in words: ``No space left on device: the disk is full``, say."""
    reason = str(exc.strerror or exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", None)):
        return f"{reason}: the disk is full"
    return reason


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write ({os_error_reason(exc)}); choose another path.")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileRefused(Exception):
    """A file not read: not a regular file (a FIFO, a device), or larger than allowed. The
    message says which, in words."""


def open_regular(path: str | Path, limit: int) -> IO[bytes]:
    """Open ``path`` for binary reading only if it is a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a FIFO does not hang the open) and checked through the
    open descriptor (no race with a swap after a check): a FIFO, a device (``/dev/zero``) or a
    folder is refused without a read.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    FileRefused
        Not a regular file, or larger than ``limit``.
    OSError
        It cannot be opened (no permission).
    """
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "a FIFO"
                if stat.S_ISFIFO(info.st_mode)
                else "a folder"
                if stat.S_ISDIR(info.st_mode)
                else "a device or socket"
            )
            raise FileRefused(f"not a regular file ({kind})")
        if info.st_size > limit:
            raise FileRefused(f"{info.st_size:,} bytes, more than the {limit:,} allowed")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path`` (see :func:`open_regular`); a file that grew past ``limit`` while
    being read is refused too."""
    with open_regular(path, limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(f"more than the {limit:,} bytes allowed")
    return data


def swap_in(stage: Path, folder: Path, names: tuple[str, ...]) -> None:
    """Move the files ``names`` of ``stage`` into ``folder`` as one step: each staged file is
    fsynced, then all are renamed over ``folder``'s (one that is not staged is removed there),
    in order, with SIGINT and SIGTERM held back until the last is in place (renames need no
    new disk space, so a full disk cannot stop it half-way either)."""
    import signal
    import threading

    for name in names:
        if (stage / name).exists():
            with open(stage / name, "rb") as handle:
                os.fsync(handle.fileno())
    held = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if main else None
    try:
        for name in names:
            if (stage / name).exists():
                os.replace(stage / name, folder / name)
            else:
                (folder / name).unlink(missing_ok=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
