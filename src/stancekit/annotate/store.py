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

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.skips_path = self.path.with_name(self.path.name + SKIPS_SUFFIX)
        if self.path.is_dir():
            raise OutputError(f"--out: {self.path} is a folder; give a .jsonl file name.")
        self._lock = threading.Lock()
        self.rows: dict[str, dict[str, Any]] = {}
        self.skipped: dict[str, dict[str, Any]] = {}
        self.history: list[Action] = []
        for kind, target, file in (
            ("label", self.rows, self.path),
            ("skip", self.skipped, self.skips_path),
        ):
            for row in _read_lines(file):
                key = item_key(row["doc_id"], row["paragraph_index"])
                if key not in target:
                    target[key] = row
                    self.history.append(Action(kind, key))
        # Resumed answers in the order they were given (labels before skips of the same second).
        stamps = {a: (self._row(a).get("timestamp") or "") for a in self.history}
        self.history.sort(key=lambda a: stamps[a])

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
            kept = [row for k, row in target.items() if k != action.key]
            _rewrite(path, kept)
            del target[action.key]
            self.history.remove(action)
        return action

    def labels(self) -> list[dict[str, Any]]:
        """The labelled rows, in the order they were given."""
        with self._lock:
            return [self.rows[a.key] for a in self.history if a.kind == "label"]


def _append_line(path: Path, line: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        from stancekit.files import os_error_reason

        raise OutputError(f"{path}: cannot write ({os_error_reason(exc)}).") from None


def _rewrite(path: Path, rows: list[dict[str, Any]]) -> None:
    from stancekit.files import atomic_write

    with atomic_write(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """The rows of ``path`` (none if it does not exist). A last line cut short by a crash (no
    line end, not JSON) is dropped with a warning and the file rewritten without it."""
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    tail = lines.pop()  # "" when the file ends with a line end
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            rows.append(_parse(line, path, number))
    if tail.strip():
        try:
            rows.append(_parse(tail, path, len(lines) + 1))
        except DataError:
            warnings.warn(
                f"{path}: the last line was cut short (an interrupted write); dropped it.",
                StancekitWarning,
                stacklevel=3,
            )
        _rewrite(path, rows)
    return rows


def _parse(line: str, path: Path, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        row = None
    if (
        not isinstance(row, dict)
        or not isinstance(row.get("doc_id"), str)
        or not isinstance(row.get("paragraph_index"), int)
    ):
        raise DataError(
            f"{path}, line {number}: not an annotation row (a JSON object with doc_id and "
            "paragraph_index); give another --out file or repair this one."
        )
    return row
