"""The answers of an annotation run, safe on disk after every click.

Labels are rows of the output JSON Lines file (the corpus schema plus the annotation fields),
skips lines of its sidecar ``<out>.skips``. Each answer is appended, flushed and fsynced before
the caller hears it was taken; an undo rewrites the file atomically. Opening a store reads both
files, so a restarted run resumes. Every change holds one lock and names the item it answers: a
second answer for an item already answered (two browser tabs) is refused, not written twice.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stancekit.errors import DataError, OutputError, StancekitWarning
from stancekit.labels import LABELS

SKIPS_SUFFIX = ".skips"


def item_key(doc_id: str, paragraph_index: int) -> str:
    """The id of one paragraph: ``<doc_id>#<paragraph_index>``."""
    return f"{doc_id}#{paragraph_index}"


def utc_now() -> str:
    """The time now, ISO 8601 UTC to the second (``2026-11-30T23:10:05Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Action:
    """One answer: ``kind`` is ``"label"`` or ``"skip"``; ``key`` the item it answered."""

    kind: str
    key: str


class AnswerStore:
    """The labels file and its skips sidecar of one run.

    Parameters
    ----------
    path : path
        The output JSON Lines file (created on the first label).

    Raises
    ------
    DataError
        A line of an existing file that is not a JSON object with ``doc_id`` and
        ``paragraph_index``.
    """

    def __init__(self, path: str | Path, *, exclusive: bool = False) -> None:
        self.path = Path(path)
        self.skips_path = self.path.with_name(self.path.name + SKIPS_SUFFIX)
        if self.path.is_dir():
            raise OutputError(f"--out: {self.path} is a folder; give a .jsonl file name.")
        self._lock = threading.Lock()
        self._file_lock = FileLock(self.path) if exclusive else None
        self.rows: dict[str, dict[str, Any]] = {}
        self.skipped: dict[str, dict[str, Any]] = {}
        self.history: list[Action] = []
        try:
            for kind, target, file in (
                ("label", self.rows, self.path),
                ("skip", self.skipped, self.skips_path),
            ):
                for row in _read_lines(file, kind):
                    key = item_key(row["doc_id"], row["paragraph_index"])
                    if key not in target:
                        target[key] = row
                        self.history.append(Action(kind, key))
        except BaseException:
            self.close()
            raise
        # Resumed answers in the order they were given (labels before skips of the same second).
        stamps = {a: (self._row(a).get("timestamp") or "") for a in self.history}
        self.history.sort(key=lambda a: stamps[a])

    def close(self) -> None:
        """Let another run use the file (release the lock of ``exclusive=True``)."""
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def _row(self, action: Action) -> dict[str, Any]:
        return (self.rows if action.kind == "label" else self.skipped)[action.key]

    def answered(self, key: str) -> bool:
        """Whether ``key`` was labelled or skipped."""
        return key in self.rows or key in self.skipped

    def add_label(self, row: dict[str, Any]) -> bool:
        """Append ``row`` (fsynced) unless its item was already answered.

        Returns
        -------
        bool
            ``True`` if written, ``False`` if the item already had an answer (nothing written).
        """
        if row.get("label") not in LABELS:
            raise DataError(f"label {row.get('label')!r} is not one of {', '.join(LABELS)}.")
        return self._append("label", self.rows, self.path, row)

    def add_skip(self, row: dict[str, Any]) -> bool:
        """Record a skip of ``row``'s item in the sidecar (fsynced); ``False`` if answered."""
        return self._append("skip", self.skipped, self.skips_path, row)

    def _append(self, kind: str, target: dict, path: Path, row: dict[str, Any]) -> bool:
        key = item_key(row["doc_id"], row["paragraph_index"])
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            if self.answered(key):
                return False
            _append_line(path, line)
            target[key] = row
            self.history.append(Action(kind, key))
        return True

    def undo(self, key: str | None = None) -> Action | None:
        """Take back the answer for ``key`` (default: the latest answer); the file is rewritten
        atomically. Returns what was undone, or ``None`` if there was nothing to undo."""
        with self._lock:
            if key is None:
                if not self.history:
                    return None
                action = self.history[-1]
            else:
                found = [a for a in self.history if a.key == key]
                if not found:
                    return None
                action = found[-1]
            target = self.rows if action.kind == "label" else self.skipped
            path = self.path if action.kind == "label" else self.skips_path
            _remove_row(path, target[action.key])
            del target[action.key]
            self.history.remove(action)
        return action

    def labels(self) -> list[dict[str, Any]]:
        """The labelled rows, in the order they were given."""
        with self._lock:
            return [self.rows[a.key] for a in self.history if a.kind == "label"]


def _append_line(path: Path, line: str) -> None:
    """Append ``line`` and fsync it; a write that fails (a full disk) is rolled back: the file
    is cut back to its last whole line and the answer reported as not saved."""
    from stancekit.io.files import os_error_reason

    data = line.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({os_error_reason(exc)}); not saved.") from None
    try:
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, start)
                os.fsync(fd)
            except OSError:
                pass
            raise OutputError(
                f"{path}: cannot write ({os_error_reason(exc)}); this answer was not saved "
                "(the file holds every earlier one): free some space and answer again."
            ) from None
    finally:
        os.close(fd)


def _remove_row(path: Path, row: dict[str, Any]) -> None:
    """Rewrite ``path`` (atomically) without its last line holding ``row``; every other line,
    including ones another writer added since this store read the file, stays as it is."""
    if not path.is_file():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number in range(len(lines) - 1, -1, -1):
        try:
            if json.loads(lines[number]) == row:
                break
        except ValueError:
            continue
    else:
        return
    from stancekit.io.files import atomic_write

    with atomic_write(path) as handle:
        handle.writelines(lines[:number] + lines[number + 1 :])
        handle.flush()
        os.fsync(handle.fileno())


class FileLock:
    """An exclusive lock on a labels file (``<file>.lock``, an ``flock``): a second run on the
    same file is refused with a message naming the first. The lock file goes when released; a
    run that was killed leaves it, unlocked, to the next run."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self._fd: int | None = None
        try:
            import fcntl
        except ImportError:  # no flock (Windows): no lock
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            while True:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "?"
                    os.close(fd)
                    raise OutputError(
                        f"--out: {path} is in use by another stancekit annotate ({holder}); "
                        "stop that one first (Ctrl-C), or give another --out."
                    ) from None
                try:  # its last holder may have removed it between our open and flock
                    if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                        break
                except FileNotFoundError:
                    pass
                os.close(fd)
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}, since {utc_now()}\n".encode())
        except OSError as exc:
            from stancekit.io.files import os_error_reason

            raise OutputError(
                f"--out: cannot write beside {path} ({os_error_reason(exc)}); give an --out "
                "in a folder you can write."
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None


def _rewrite(path: Path, rows: list[dict[str, Any]]) -> None:
    from stancekit.io.files import atomic_write

    with atomic_write(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_lines(path: Path, kind: str = "label") -> list[dict[str, Any]]:
    """The rows of ``path`` (none if it does not exist), each checked (:func:`_parse`). A last
    line cut short by a crash (no line end, not JSON) is dropped with a warning and the file
    rewritten without it."""
    if not path.is_file():
        return []
    lines = path.read_bytes().split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a line end
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            rows.append(_parse(line, path, number, kind))
    if tail.strip():
        try:
            rows.append(_parse(tail, path, len(lines) + 1, kind))
        except DataError:
            warnings.warn(
                f"{path}: the last line was cut short (an interrupted write); dropped it.",
                StancekitWarning,
                stacklevel=3,
            )
        _rewrite(path, rows)
    return rows


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _problem(row: Any, kind: str) -> str | None:
    """What is wrong with an annotation row, or ``None``."""
    if not isinstance(row, dict):
        return "not a JSON object"
    if not isinstance(row.get("doc_id"), str):
        return "doc_id is not a string"
    if not _is_int(row.get("paragraph_index")) or not 0 <= row["paragraph_index"] < 2**53:
        return "paragraph_index is not a whole number >= 0"
    if not isinstance(row.get("timestamp", ""), str | None):
        return "timestamp is not a string"
    if kind != "label":
        return None
    if row.get("label") not in LABELS:
        return f"label {row.get('label')!r} is not one of {', '.join(LABELS)}"
    shown = row.get("model_probabilities")
    if shown is not None and not (
        isinstance(shown, dict)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in shown.values())
    ):
        return "model_probabilities is not an object of numbers"
    return None


def _parse(line: bytes, path: Path, number: int, kind: str = "label") -> dict[str, Any]:
    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        row, problem = None, "not UTF-8 text"
    except (ValueError, RecursionError):
        row, problem = None, "not JSON"
    else:
        problem = _problem(row, kind)
    if problem is not None:
        raise DataError(
            f"{path}, line {number}: not an annotation row ({problem}); give another --out "
            "file or repair this line."
        )
    return row
