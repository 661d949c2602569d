"""Checks on a CSV/TSV/JSONL file before and after its text is read: a binary file renamed
``.csv`` (an Excel workbook, a PDF) is named as such, and bytes that do not decode are named by
line."""

from __future__ import annotations

from pathlib import Path

from stancekit.errors import InputError

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


def decode_error(path: Path | str, exc: UnicodeError, encoding: str, fix: str) -> InputError:
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
