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

import codecs
import csv
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
from stancekit.io.jsonl import read_error_message, read_jsonl

STDIN = "-"
_SURPLUS = "\x00surplus"  # DictReader key for fields beyond the header
_MISSING = "\x00missing"  # DictReader value of fields a short row lacks
# Leading bytes of binary formats people mistake for text: PDF, zip (docx, odt, xlsx), old
# Office, PNG, JPEG, GIF, gzip.
_BINARY_MAGIC = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
)
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


def check_encoding(encoding: str) -> None:
    """Refuse an encoding Python does not know, or a codec that is not a text encoding
    (``rot13``, ``hex``).

    Raises
    ------
    InputError
        Naming the encoding and suggesting common ones.
    """
    try:
        "".encode(encoding)
        b"".decode(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r} (or not a text encoding): try utf-8, latin-1, cp1252."
        ) from None


def _ascii_compatible(encoding: str) -> bool:
    """Whether ``encoding`` writes ASCII as ASCII (utf-8, latin-1; not utf-16 or utf-32)."""
    return "\n".encode(encoding) == b"\n"


def _looks_like_path(arg: str) -> bool:
    if any(ch.isspace() for ch in arg):
        return False
    suffix = Path(arg).suffix.lower()
    return "/" in arg or "\\" in arg or suffix in (*TEXT_SUFFIXES, *TABLE_SUFFIXES, ".json")


_FIX_ENCODING = "pass --encoding (e.g. --encoding latin-1) or convert the file to UTF-8"


def _decode_error(
    path: Path | str, exc: UnicodeError, encoding: str, fix: str = _FIX_ENCODING
) -> InputError:
    from stancekit.io.tablecheck import decode_error

    return decode_error(path, exc, encoding, fix)


#: Encodings whose byte order a file must declare with a byte-order mark.
_NEEDS_BOM = ("utf-16", "utf-32")


def _check_bom(path: Path | str, data: bytes, encoding: str) -> None:
    """Refuse UTF-16/32 text without a byte-order mark: its byte order would be a guess."""
    if codecs.lookup(encoding).name in _NEEDS_BOM and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        name = codecs.lookup(encoding).name
        raise InputError(
            f"{path}: no byte-order mark, so the byte order of {name} is unknown; pass "
            f"--encoding {name}-le or {name}-be."
        )


def _file_encoding(encoding: str) -> str:
    """UTF-8 files may open with a byte-order mark (Excel writes one): read it as utf-8-sig."""
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


def _raise_csv_field_limit(limit: int = sys.maxsize) -> None:
    """Let a CSV field be as long as ``limit`` (default: as memory allows; the csv module stops
    at 131,072 chars)."""
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """A whole text file; binary files are refused by name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(read_error_message(path, exc)) from None
    nul = b"\x00" in data[:8192] and _ascii_compatible(encoding)  # UTF-16 text holds NULs
    if nul or data.startswith(_BINARY_MAGIC):
        raise InputError(
            f"{path}: binary file (PDF, Word, image or archive?), not text; convert it to text "
            "first, or pass .txt/.md files or a table."
        )
    _check_bom(path, data, encoding)
    try:
        return data.decode(_file_encoding(encoding))
    except UnicodeError as exc:
        raise _decode_error(path, exc, encoding) from None


def check_columns(path: Path, columns: Sequence[str], wanted: Mapping[str, str | None]) -> None:
    """Refuse a table that lacks a column an option names.

    Parameters
    ----------
    path : Path
        The table, for the message.
    columns : sequence of str
        The columns it has.
    wanted : mapping
        Option -> column it names (``{"--text-column": "body"}``); ``None`` columns are skipped.

    Raises
    ------
    InputError
        Naming the option, the column, and the columns that exist.
    """
    for option, column in wanted.items():
        if column is not None and column not in columns:
            raise InputError(
                f"{path}: no column {column!r} ({option}); columns are: {', '.join(columns)}."
            )


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


def iter_csv_rows(
    handle: TextIO, path: Path, delimiter: str = ",", field_limit: int = sys.maxsize
) -> Iterator[dict[str, Any]]:
    """The rows of an open CSV/TSV file as dicts keyed by its header.

    Raises
    ------
    InputError
        An empty file (no header), a column name given twice, a row with more or fewer fields
        than the header, a field longer than ``field_limit`` characters, or broken quoting: the
        message names the line.
    """
    _raise_csv_field_limit(field_limit)
    reader = csv.DictReader(
        handle, delimiter=delimiter, restkey=_SURPLUS, restval=_MISSING, strict=True
    )
    # The line after the last good row is where a broken row starts (reader.line_num lags
    # behind on an error, and a quoted field may run over many lines).
    done = 0
    try:
        header = reader.fieldnames
        if not header:
            raise InputError(
                f"{path}: empty file, no header row; the first line names the columns."
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise InputError(
                f"{path}:1: column {repeated[0]!r} is named twice in the header; give every "
                "column its own name."
            )
        done = reader.line_num
        for row in reader:
            if _SURPLUS in row or _MISSING in row.values():
                many = "more" if _SURPLUS in row else "fewer"
                raise InputError(
                    f"{path}:{reader.line_num}: {many} fields than the header's {len(header)}; "
                    "check the quoting and the delimiter."
                )
            done = reader.line_num
            yield row
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError(
                f"{path}:{done + 1}: a field longer than {field_limit:,} characters in the row "
                "that starts on this line; split the text into paragraphs (or check the quoting)."
            ) from None
        raise InputError(
            f"{path}:{done + 1}: not valid CSV ({exc}) in the row that starts on this line; "
            "check the quoting."
        ) from None


def open_table(
    path: Path,
    encoding: str = "utf-8",
    fix_encoding: str = _FIX_ENCODING,
    field_limit: int = sys.maxsize,
) -> Iterator[dict[str, Any]]:
    """The rows of a CSV, TSV or JSON Lines file, read lazily (see :func:`iter_csv_rows` and
    :func:`stancekit.io.jsonl.read_jsonl`).

    Raises
    ------
    InputError
        Unreadable file (says why), a binary file (a spreadsheet renamed ``.csv``), undecodable
        bytes (naming the line and saying ``fix_encoding``), bad rows.
    """
    from stancekit.io.tablecheck import refuse_binary_table

    refuse_binary_table(path)
    if path.suffix.lower() not in (".csv", ".tsv"):
        rows = read_jsonl(path, encoding=encoding, fix_encoding=fix_encoding)
        yield from (row for _, row in rows)
        return
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(encoding=_file_encoding(encoding), newline="") as handle:
            yield from iter_csv_rows(handle, path, delimiter, field_limit)
    except UnicodeError as exc:
        raise _decode_error(path, exc, encoding, fix_encoding) from None
    except OSError as exc:
        raise InputError(read_error_message(path, exc)) from None


def _table_rows(path: Path, options: SourceOptions) -> Iterator[dict[str, Any]]:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
        _check_columns(path, parquet.schema_arrow.names, options)
        for batch in parquet.iter_batches(batch_size=4096):
            yield from batch.to_pylist()
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
        wrapper = io.TextIOWrapper(stream.buffer, encoding=_file_encoding(options.encoding))
    try:
        lines = wrapper if wrapper is not None else stream
        if options.lines:
            for number, line in enumerate(lines, start=1):
                yield SourceRecord(f"stdin:{number}", line.rstrip("\r\n"))
        else:
            yield SourceRecord("stdin", lines.read())
    except UnicodeError as exc:
        raise _decode_error("standard input", exc, options.encoding) from None
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
