"""Text files and tables (CSV, TSV, JSON Lines, Parquet, xlsx) as stancekit reads them, for
every reader (what ``predict`` scores, a user's labelled table, annotate's inputs): encodings and
byte-order marks, binary files renamed ``.csv`` refused, undecodable bytes named by line, the
columns asked for checked, and one error per bad row naming its line."""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from stancekit.errors import InputError
from stancekit.io.jsonl import read_error_message, read_jsonl

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


_FIX_ENCODING = "pass --encoding (e.g. --encoding latin-1) or convert the file to UTF-8"


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


def file_encoding(encoding: str) -> str:
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
        return data.decode(file_encoding(encoding))
    except UnicodeError as exc:
        raise decode_error(path, exc, encoding) from None


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

    refuse_binary_table(path)
    if path.suffix.lower() not in (".csv", ".tsv"):
        rows = read_jsonl(path, encoding=encoding, fix_encoding=fix_encoding)
        yield from (row for _, row in rows)
        return
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(encoding=file_encoding(encoding), newline="") as handle:
            yield from iter_csv_rows(handle, path, delimiter, field_limit)
    except UnicodeError as exc:
        raise decode_error(path, exc, encoding, fix_encoding) from None
    except OSError as exc:
        raise InputError(read_error_message(path, exc)) from None


def parquet_rows(
    path: Path, check: Callable[[list[str]], None] | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet file as dicts, read a row group batch at a time: the one row-wise
    Parquet reader (``predict``'s records, a user's labelled table).

    ``check`` is called with the column names before any row is read.

    Raises
    ------
    InputError
        Not a readable Parquet file, or a column named twice.
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
    names = parquet.schema_arrow.names
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(
            f"{path}: column {repeated[0]!r} is named twice; give every column its own name."
        )
    if check is not None:
        check(names)
    for batch in parquet.iter_batches(batch_size=4096):
        yield from batch.to_pylist()


def iter_table_records(
    path: Path, sheet: str | None = None, field_limit: int = sys.maxsize
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` for every row of a JSONL, CSV/TSV, Parquet or xlsx table: ``file:line``
    for JSON Lines, ``file: row N`` else (``.xlsx``: the first sheet, or ``sheet``); a CSV field
    longer than ``field_limit`` characters is an error, not a memory spike."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from stancekit.io.spreadsheet import read_xlsx_rows

        for number, record in enumerate(read_xlsx_rows(path, sheet), start=1):
            yield f"{path}: row {number}", record
        return
    if suffix in (".jsonl", ".ndjson"):
        refuse_binary_table(path)
        yield from read_jsonl(path, error=InputError, unique_keys=True)
        return
    if suffix == ".parquet":
        for number, record in enumerate(parquet_rows(path), start=1):
            yield f"{path}: row {number}", record
        return
    from stancekit.io.jsonl import CONVERT_TO_UTF8

    cells = open_table(path, fix_encoding=CONVERT_TO_UTF8, field_limit=field_limit)
    for number, record in enumerate(cells, start=1):
        yield f"{path}: row {number}", record


#: Leading bytes of binary formats people save under a table's name: zip (xlsx, ods, docx),
#: old Office (xls), PDF, gzip, Parquet.
_KINDS = (
    (b"PK\x03\x04", "a zip file (an Excel .xlsx or OpenDocument spreadsheet?)", "save it as"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (an Excel .xls?)", "save it as"),
    (b"%PDF-", "a PDF", "convert it to"),
    (b"\x1f\x8b", "a gzip archive", "unpack it to"),
    (b"PAR1", "a Parquet file", "rename it .parquet, or convert it to"),
)


def refuse_binary_table(path: Path) -> None:
    """Refuse a file whose first bytes are a binary format's, naming the format and what to do.

    Raises
    ------
    InputError
        ``path`` starts like a spreadsheet, a PDF, an archive or a Parquet file.
    """
    import os
    import stat

    try:  # without blocking: a FIFO is left to the reader that follows
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return  # the reader that follows says why it cannot be read
    try:
        head = os.read(fd, 8) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        head = b""
    finally:
        os.close(fd)
    table = path.suffix.lstrip(".").upper() or "table"
    for magic, kind, advice in _KINDS:
        if head.startswith(magic):
            raise InputError(f"{path}: {kind}, not {table} text; {advice} {table} (UTF-8) first.")


def undecodable_line(path: Path, encoding: str) -> tuple[int, int] | None:
    """``(line, byte within the line)`` of the first bytes of ``path`` that do not decode as
    ``encoding`` (lines split at ``\\n``; an ASCII-compatible encoding), or ``None``."""
    if "\n".encode(encoding) != b"\n":
        return None
    try:
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    line.decode(encoding)
                except UnicodeDecodeError as exc:
                    return number, exc.start
    except OSError:
        return None
    return None


def decode_error(
    path: Path | str, exc: UnicodeError, encoding: str, fix: str = _FIX_ENCODING
) -> InputError:
    """The error for bytes of ``path`` that do not decode: the line and the byte within it when
    ``path`` is a file, and what to do (``fix``)."""
    if isinstance(exc, UnicodeDecodeError):
        found = undecodable_line(path, encoding) if isinstance(path, Path) else None
        if found is not None:
            line, start = found
            return InputError(
                f"{path}:{line}: cannot decode byte {start} of the line as {encoding}; {fix}."
            )
        return InputError(f"{path}: cannot decode byte {exc.start} as {encoding}; {fix}.")
    # The UTF-16/32 stream decoders raise a plain UnicodeError ("does not start with BOM").
    return InputError(f"{path}: cannot decode as {encoding} ({exc}); {fix}.")
