"""Output for spreadsheet users: ``--format xlsx`` (an Excel workbook, via openpyxl) and
``--format csv-excel`` (CSV that Excel opens with the right characters: UTF-8 with a byte-order
mark, which is how Excel recognises UTF-8, and ``\\r\\n`` line ends).

Input: :func:`read_xlsx_rows` reads a workbook's first sheet (or a named one) as a table, so
stancekit reads what it writes.

An xlsx cell holds at most 32,767 characters (longer texts are cut, ending in ``…``) and a sheet
at most 1,048,576 rows; text that starts with ``=`` stays text, never a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from stancekit.errors import OutputError

#: Excel's limits.
MAX_CELL = 32_767
MAX_ROWS = 1_048_576
BOM = "\ufeff"


class XlsxWriter:
    """One sheet, ``scores``: the first row's columns as header (frozen), one row per record;
    later records' unknown columns are dropped, as in CSV."""

    def __init__(self, handle: IO[bytes]) -> None:
        from openpyxl import Workbook

        self.handle = handle
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("scores")
        self.sheet.freeze_panes = "A2"
        self.fields: list[str] | None = None
        self.rows = 0

    def _cell(self, value: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if value is None or isinstance(value, bool | int | float):
            return value
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if len(text) > MAX_CELL:
            text = text[: MAX_CELL - 1] + "…"
        if not text.startswith("="):
            return text
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"  # text, not a formula
        return cell

    def write(self, record: dict[str, Any]) -> None:
        if self.fields is None:
            self.fields = list(record)
            self.sheet.append(self.fields)
        self.rows += 1
        if self.rows >= MAX_ROWS:
            raise OutputError(
                f"an xlsx sheet holds at most {MAX_ROWS:,} rows: use --format csv-excel, csv or "
                "parquet for more (or --aggregate: one row per document)."
            )
        self.sheet.append([self._cell(record.get(name)) for name in self.fields])

    def write_batch(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        """Save the workbook (as ``Workbook.save`` does, but owning the zip archive: after a
        failed write, a full disk, it is dropped unclosed, so that no ``ZipFile.__del__`` later
        writes to the failed file and prints a traceback)."""
        import datetime
        from zipfile import ZIP_DEFLATED, ZipFile

        from openpyxl.writer.excel import ExcelWriter

        archive = ZipFile(self.handle, "w", ZIP_DEFLATED, allowZip64=True)
        now = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        self.book.properties.modified = now
        try:
            ExcelWriter(self.book, archive).save()
        except BaseException:
            archive.fp = None  # ZipFile.close() (and __del__) then write nothing
            self.abort()
            raise

    def abort(self) -> None:
        """Release the sheet's temporary file after a failure, quietly."""
        import contextlib
        import os

        for stream in (getattr(self.sheet, "_rows", None), getattr(self.sheet, "_writer", None)):
            stream = getattr(stream, "xf", stream)
            with contextlib.suppress(Exception):
                stream.close()
        out = getattr(getattr(self.sheet, "_writer", None), "out", None)
        if isinstance(out, str):
            with contextlib.suppress(OSError):
                os.remove(out)


def read_xlsx_rows(path: Path, sheet: str | None = None) -> Iterator[dict[str, Any]]:
    """The rows of an Excel workbook's first sheet (or of ``sheet``), keyed by its first row,
    read lazily (openpyxl, read-only, cached values rather than formulas). Cells come as Excel
    stores them: text, numbers, booleans, date-times (dates are read by
    :mod:`stancekit.io.dates`); empty cells are ``None``; wholly empty rows are skipped.

    Raises
    ------
    InputError
        Not a readable xlsx file, no sheet of that name (the message lists the sheets), an
        empty sheet, or a header cell that is empty or repeated.
    """
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    from stancekit.errors import InputError

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc}).") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                f"{path}: no sheet {sheet!r} (--sheet); sheets are: {', '.join(book.sheetnames)}."
            )
        rows = (book[sheet] if sheet is not None else book.worksheets[0]).iter_rows(
            values_only=True
        )
        header = next(rows, None)
        if header is None:
            raise InputError(f"{path}: the sheet is empty; its first row names the columns.")
        names = ["" if cell is None else str(cell).strip() for cell in header]
        while names and not names[-1]:
            names.pop()
        for number, name in enumerate(names, start=1):
            if not name or names.index(name) != number - 1:
                what = "empty" if not name else f"{name!r} again"
                raise InputError(
                    f"{path}: header cell {number} is {what}; the first row names each column once."
                )
        for values in rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield {name: (values[i] if i < len(values) else None) for i, name in enumerate(names)}
    finally:
        book.close()
