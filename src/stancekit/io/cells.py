"""One policy for table cells read as input, on every route (the record stream, whole tables,
Dask): the text to score (:func:`cell_text`, used by ``predict``, ``train --data`` and
``evaluate --data`` alike), a row's id (:func:`cell_id`) and its date (:func:`cell_date`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stancekit.errors import InputError


def cell_text(value: Any, path: Path | str, row: int, column: str) -> str:
    """The text of a table cell, by one policy (``predict`` and ``evaluate --data`` alike).

    * a string: as it is;
    * missing (``None``, JSON ``null``, a Parquet null) or a float NaN: the empty text, which
      ``predict`` skips and reports;
    * bytes (a Parquet binary column): decoded as UTF-8;
    * anything else (a number, a boolean, a list, an object): refused, since a number is
      rarely the text someone meant to score.

    Raises
    ------
    InputError
        Naming the file, the row and the column: bytes that are not UTF-8, or a value that is
        not text.
    """
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):  # NaN != NaN
        return ""
    where = f"{path}: row {row}: {column!r}"
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                f"{where} holds bytes that are not UTF-8; store the text as a string column."
            ) from None
    if isinstance(value, list | dict):
        kind = f"a JSON {'list' if isinstance(value, list) else 'object'}"
    elif isinstance(value, bool):
        kind = f"a boolean ({value})"
    elif isinstance(value, int | float) or type(value).__name__ == "Decimal":
        kind = f"a number ({value})"
    else:
        kind = f"a {type(value).__name__}"
    raise InputError(
        f"{where} holds {kind}, not text; give the text column as strings (quote numbers in JSON)."
    )


def is_missing(value: Any) -> bool:
    """Whether a cell is missing: ``None`` (JSON ``null``, a Parquet null) or a float NaN."""
    return value is None or (isinstance(value, float) and value != value)  # NaN != NaN


def cell_id(value: Any, path: Path | str, row: int, column: str) -> str:
    """A row's id from its ``--id-column`` cell: the value as text (``str``).

    Raises
    ------
    InputError
        Naming the file, the row and the option: a missing cell (``None``, a float NaN) or
        empty text.
    """
    if isinstance(value, str) and value:
        return value
    if is_missing(value) or value == "":
        raise InputError(f"{path}: row {row} has no value for --id-column {column!r}.")
    return str(value)


def cell_date(value: Any, date_format: str | None = None) -> str | None:
    """A table cell's date as ISO 8601 at its precision (``2020-03-13``, ``2020-03``,
    ``2020``; the forms :mod:`stancekit.io.dates` reads, ``date_format`` first), ``None`` when the
    cell is empty, or the value as written (stripped) when it cannot be read as a date, so that
    ``predict`` and ``trends`` can report it (:func:`stancekit.io.dates.is_read` tells which)."""
    from stancekit.io.dates import parse_date

    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    read = parse_date(value, date_format)
    return read if read is not None else str(value).strip()


#: What makes a spreadsheet read a text cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula (``=1+1``,
    ``@SUM(...)``); other text as it is."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
