"""Turn what a user names (texts, files, folders, stdin) into ``(doc_id, text)`` documents."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from stancekit.errors import InputError

#: File endings read as documents when a folder is given.
TEXT_SUFFIXES = (".txt", ".md")
STDIN = "-"


def _looks_like_path(arg: str) -> bool:
    """A single token with a path separator or a known file ending is meant as a file."""
    if any(ch.isspace() for ch in arg):
        return False
    return (
        "/" in arg
        or "\\" in arg
        or Path(arg).suffix.lower() in (*TEXT_SUFFIXES, ".jsonl", ".csv", ".json")
    )


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file, refusing binary files with a clear error."""
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}).") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file, not text; pass .txt or .md files.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 first."
        ) from None


def _files_in(folder: Path) -> list[Path]:
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
    )
    if not files:
        raise InputError(f"{folder}: no {'/'.join(TEXT_SUFFIXES)} files in this folder.")
    return files


def iter_documents(args: Sequence[str], stdin: TextIO | None = None) -> Iterator[tuple[str, str]]:
    """Yield ``(doc_id, text)`` for each argument.

    An argument is read as a file if it names one, as every ``.txt``/``.md`` file below it if it
    names a folder, as standard input if it is ``-``, and otherwise as the text itself. A single
    token that looks like a path (has a ``/`` or a file ending) but does not exist is an error,
    not a text. File documents are identified by their path, text arguments as ``text-1``,
    ``text-2``, …

    Raises
    ------
    InputError
        Missing, unreadable or binary file; empty folder; no arguments.
    """
    if not args:
        raise InputError("nothing to score: give texts, files, folders, or - for stdin.")
    text_number = 0
    for arg in args:
        path = Path(arg)
        if arg == STDIN:
            if stdin is None:
                raise InputError("'-' reads standard input, but none is available.")
            yield "stdin", stdin.read()
        elif path.is_dir():
            for file in _files_in(path):
                yield str(file), read_text_file(file)
        elif path.is_file():
            yield str(path), read_text_file(path)
        elif _looks_like_path(arg):
            raise InputError(f"{arg}: no such file or folder.")
        else:
            text_number += 1
            yield f"text-{text_number}", arg
