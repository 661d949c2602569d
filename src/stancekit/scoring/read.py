"""Read what a user wants scored, lazily, as :class:`SourceRecord` s.

* an argument that is ``-``: standard input, one document (or one per line with ``lines``);
* a folder: every file below it matching ``glob`` (default ``**/*.txt`` and ``**/*.md``), each read
  as the file below would be;
* a ``.csv``/``.tsv``/``.jsonl``/``.parquet`` file: one record per row, text from ``text_column``,
  id from ``id_column`` (default ``<path>:<row>``), every other column passed through;
* a ``.json`` file: refused (one JSON document is not a table; use JSON Lines);
* any other file: one document;
* anything else, the empty string included: the text itself (``text-1``, ``text-2`` ...). A single
  token that looks like a path (a ``/`` or a file ending) but does not exist is an error, not a
  text.

Records are produced one at a time, so a file of millions of rows is never held in memory.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, TextIO

from stancekit.errors import InputError
from stancekit.io.cells import cell_date, cell_id, cell_text
from stancekit.io.folders import files_in
from stancekit.io.tables import (
    check_columns,
    check_encoding,
    decode_error,
    file_encoding,
    open_table,
    read_text_file,
)

STDIN = "-"
TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".xlsx")
DEFAULT_GLOBS = ("**/*.txt", "**/*.md")


class SourceRecord(NamedTuple):
    """One document to score: its id, its text, columns to pass through to the output, and its
    date (a table's date column; else the text's ``date YYYY-MM-DD`` line gives it)."""

    doc_id: str
    text: str
    extra: Mapping[str, Any] = MappingProxyType({})
    date: str | None = None


@dataclass(frozen=True)
class SourceOptions:
    """How to read inputs (the CLI's input options)."""

    text_column: str = "text"
    id_column: str | None = None
    encoding: str = "utf-8"
    lines: bool = False
    glob: str | None = None
    #: Tables: the column holding each row's date (``None``: a column named ``date``, if any).
    date_column: str | None = None
    #: Tables: a :func:`datetime.datetime.strptime` format read before the other date forms
    #: (``%m/%d/%Y``; see :mod:`stancekit.io.dates`).
    date_format: str | None = None
    #: ``.xlsx`` tables: the sheet to read (``None``: the first).
    sheet: str | None = None
    #: The run's own outputs: never read from a folder (see :func:`stancekit.io.folders.is_output`).
    skip: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_encoding(self.encoding)


def _looks_like_path(arg: str) -> bool:
    if any(ch.isspace() for ch in arg):
        return False
    suffix = Path(arg).suffix.lower()
    return "/" in arg or "\\" in arg or suffix in (*TEXT_SUFFIXES, *TABLE_SUFFIXES, ".json")


def _check_columns(path: Path, columns: Sequence[str], options: SourceOptions) -> None:
    check_columns(
        path,
        columns,
        {
            "--text-column": options.text_column,
            "--id-column": options.id_column,
            "--date-column": options.date_column,
        },
    )


def _table_rows(path: Path, options: SourceOptions) -> Iterator[dict[str, Any]]:
    if path.suffix.lower() == ".parquet":
        from stancekit.io.tables import parquet_rows

        yield from parquet_rows(path, lambda names: _check_columns(path, names, options))
        return
    if path.suffix.lower() == ".xlsx":
        from stancekit.io.spreadsheet import read_xlsx_rows

        rows = read_xlsx_rows(path, options.sheet)
    else:
        rows = open_table(path, options.encoding)
    first = next(rows, None)
    if first is None:
        return
    _check_columns(path, list(first), options)
    yield first
    yield from rows


def iter_table(path: Path, options: SourceOptions) -> Iterator[SourceRecord]:
    """One record per row of a CSV/TSV/JSONL/Parquet file; the id is ``id_column``'s value, or
    ``<path as given>:<row>`` (unique across folders)."""
    name = str(path)
    id_column, text_column = options.id_column, options.text_column
    date_column = options.date_column or "date"
    for number, row in enumerate(_table_rows(path, options), start=1):
        if id_column is None:
            doc_id = f"{name}:{number}"
        else:
            doc_id = cell_id(row.get(id_column), path, number, id_column)
        if text_column not in row:
            raise InputError(f"{path}: row {number} has no {text_column!r} field.")
        text = cell_text(row.pop(text_column), path, number, text_column)
        date = cell_date(row.pop(date_column), options.date_format) if date_column in row else None
        yield SourceRecord(doc_id, text, row, date)


def _iter_file(path: Path, options: SourceOptions) -> Iterator[SourceRecord]:
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        yield from iter_table(path, options)
    elif suffix == ".json":
        raise InputError(f"{path}: a .json file is not read; save one object per line as .jsonl.")
    else:
        yield SourceRecord(str(path), read_text_file(path, options.encoding))


def _iter_stdin(stream: TextIO, options: SourceOptions) -> Iterator[SourceRecord]:
    wrapper = None
    if hasattr(stream, "buffer"):
        # Decode the bytes ourselves, strictly, in the requested encoding: the terminal's locale
        # (LC_ALL=C, say) must not decide, nor smuggle in surrogates.
        wrapper = io.TextIOWrapper(stream.buffer, encoding=file_encoding(options.encoding))
    try:
        lines = wrapper if wrapper is not None else stream
        if options.lines:
            for number, line in enumerate(lines, start=1):
                yield SourceRecord(f"stdin:{number}", line.rstrip("\r\n"))
        else:
            yield SourceRecord("stdin", lines.read())
    except UnicodeError as exc:
        raise decode_error("standard input", exc, options.encoding) from None
    finally:
        if wrapper is not None:
            wrapper.detach()  # leave the caller's stdin open


def _path_kind(path: Path) -> str | None:
    """``"dir"``, ``"file"``, ``"other"`` (a FIFO, a device, a socket) or ``None`` (nothing
    there, or a text too long to be a path)."""
    import stat

    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # a name too long, a NUL byte: a text, not a path
        return None
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def iter_records(
    args: Sequence[str], options: SourceOptions | None = None, stdin: TextIO | None = None
) -> Iterator[SourceRecord]:
    """Yield a :class:`SourceRecord` for every document named by ``args`` (see module docstring).

    Raises
    ------
    InputError
        No arguments; missing, unreadable or binary file; undecodable bytes (suggests
        ``--encoding``); missing column (lists the columns that exist); empty folder.
    """
    options = options or SourceOptions()
    if not args:
        raise InputError("nothing to score: give texts, files, folders, or - for stdin.")
    text_number = 0
    for arg in args:
        path = Path(arg)
        kind = _path_kind(path)
        if not arg.strip():  # Path("") is ".": an empty argument is an empty text, not the cwd
            text_number += 1
            yield SourceRecord(f"text-{text_number}", arg)
        elif arg == STDIN:
            yield from _iter_stdin(stdin if stdin is not None else sys.stdin, options)
        elif kind == "dir":
            patterns = (options.glob,) if options.glob else DEFAULT_GLOBS
            for file in files_in(path, patterns, options.skip):
                yield from _iter_file(file, options)
        elif kind == "file":
            yield from _iter_file(path, options)
        elif kind == "other":  # never read: /dev/zero has no end, a FIFO may never open
            raise InputError(
                f"{arg}: not a regular file (a FIFO, a device or a socket); save the text in a "
                "file, or pipe it in with -."
            )
        elif _looks_like_path(arg):
            raise InputError(f"{arg}: no such file or folder.")
        else:
            text_number += 1
            yield SourceRecord(f"text-{text_number}", arg)
