"""One policy for table cells read as input: the text to score (:func:`cell_text`, used by
``predict`` and ``evaluate --data`` alike) and a row's date (:func:`cell_date`)."""

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


def cell_date(value: Any) -> str | None:
    """A table cell as an ISO date string (``None`` when empty); dates keep their first 10
    characters (``2016-10-10T12:00`` -> ``2016-10-10``)."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = str(value).strip()
    return text[:10] if len(text) > 10 and text[10] in "T " else text or None


#: What makes a spreadsheet read a text cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula (``=1+1``,
    ``@SUM(...)``); other text as it is."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
