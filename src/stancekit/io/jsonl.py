"""The one JSON Lines reader: a labelled corpus, a prepared split, a table to score.

Strict, and every error names the file and line: a line that is not JSON, a line that is not an
object, bytes that do not decode. Blank lines are skipped; a UTF-8 byte-order mark is accepted.
Lines are read one at a time (a file of millions of rows is never held in memory), split at
``\\n`` only, so a JSON string holding U+2028 or a form feed stays one row.

``on_error`` lets a checker collect every bad line instead of stopping at the first
(``stancekit data check``); without it the first error is raised.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from stancekit.errors import InputError, StancekitError

#: What to do about bytes that do not decode, when the caller has nothing better to say.
CONVERT_TO_UTF8 = "save the file as UTF-8"

ErrorHandler = Callable[[StancekitError], None]


def iter_jsonl(
    lines: Iterable[bytes | str],
    path: str | Path,
    *,
    encoding: str = "utf-8",
    error: type[StancekitError] = InputError,
    on_error: ErrorHandler | None = None,
    fix_encoding: str = CONVERT_TO_UTF8,
    unique_keys: bool = False,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("<path>:<line>", object)`` for every non-blank line of ``lines``.

    Parameters
    ----------
    lines : iterable of bytes or str
        The file's lines (an open binary file is best: decoding errors then name the line).
    path : path
        The file's name, for messages.
    encoding : str
        How to decode bytes.
    error : StancekitError subclass
        The error raised (or passed to ``on_error``) for a bad line.
    on_error : callable, optional
        Called with each error instead of raising it; the bad line is skipped.
    fix_encoding : str
        What the message about undecodable bytes tells the user to do.
    unique_keys : bool
        Refuse an object that holds a key twice (JSON parsers keep one silently); labelled data
        is read so. Slower: the line is parsed a second time.

    Raises
    ------
    StancekitError
        ``error``, naming the line: not JSON, not an object, undecodable bytes, a repeated key.
    """
    import orjson

    if "\n".encode(encoding) != b"\n":  # UTF-16/32: lines cannot be split at b"\n"
        problem = error(
            f"{path}: JSON Lines are read as UTF-8 or an encoding that keeps ASCII (latin-1, "
            f"cp1252), not {encoding}; save the file as UTF-8."
        )
        if on_error is None:
            raise problem
        on_error(problem)
        return
    bom = codecs.lookup(encoding).name == "utf-8"
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        try:
            text = line.decode(encoding) if isinstance(line, bytes) else line
            if number == 1 and bom:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            try:
                row = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise error(f"{where}: not valid JSON ({exc.msg}).") from None
            if not isinstance(row, dict):
                raise error(f"{where}: expected a JSON object, got {type(row).__name__}.")
            if unique_keys and (repeated := _repeated_key(text)) is not None:
                raise error(f"{where}: key {repeated!r} appears twice in the object; keep one.")
        except UnicodeDecodeError as exc:
            problem = error(
                f"{where}: cannot decode byte {exc.start} of the line as {encoding}; "
                f"{fix_encoding}."
            )
        except StancekitError as exc:
            problem = exc
        else:
            yield where, row
            continue
        if on_error is None:
            raise problem
        on_error(problem)


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    row = dict(pairs)
    if len(row) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return row


def _repeated_key(text: str) -> str | None:
    """The first key an object of ``text`` (valid JSON) holds twice, at any depth, or None."""
    import json

    try:
        json.loads(text, object_pairs_hook=_unique_pairs)
    except _RepeatedKey as exc:
        return exc.key
    return None


def read_jsonl(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    error: type[StancekitError] = InputError,
    on_error: ErrorHandler | None = None,
    fix_encoding: str = CONVERT_TO_UTF8,
    fix_missing: str = "",
    unique_keys: bool = False,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Open ``path`` and yield ``("<path>:<line>", object)`` for every row (see
    :func:`iter_jsonl`, whose parameters these are).

    ``fix_missing`` is appended to the message for a missing file (``"check prepare.data in
    params.yaml"``, say).

    Raises
    ------
    StancekitError
        ``error``: the file is missing or unreadable (says why), or a line is bad.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        problem = error(read_error_message(path, exc, fix_missing))
        if on_error is None:
            raise problem from None
        on_error(problem)
        return
    with handle:
        try:
            yield from iter_jsonl(
                handle,
                path,
                encoding=encoding,
                error=error,
                on_error=on_error,
                fix_encoding=fix_encoding,
                unique_keys=unique_keys,
            )
        except OSError as exc:
            raise error(read_error_message(path, exc)) from None


def read_error_message(path: Path, exc: OSError, fix_missing: str = "") -> str:
    """``<path>: no such file.`` (and ``fix_missing``), ``permission denied``, or why not."""
    if isinstance(exc, FileNotFoundError):
        return f"{path}: no such file" + (f"; {fix_missing}." if fix_missing else ".")
    if isinstance(exc, PermissionError):
        return f"{path}: permission denied; check the file's permissions."
    if isinstance(exc, IsADirectoryError):
        return f"{path}: is a folder, not a file."
    return f"{path}: cannot read ({exc.strerror})."
