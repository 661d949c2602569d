"""One rule for reading a date from a table cell or a scored row (``predict``, ``trends``).

A date is read, and written as ISO 8601 at the precision it has:

* an ISO date or date-time (``2020-03-13``, ``2020-03-13T12:00``, ``2020-03-13 12:00``) and a
  date or date-time object (Parquet, xlsx): ``2020-03-13``;
* a year (``2020``): ``2020``; a year and month (``2020-03``, ``2020/03``): ``2020-03``;
* day/month/year with ``/``, ``.`` or ``-`` between (``13/03/2020``, ``13.3.2020``): the day
  comes first (the rule most of the world writes by) unless ``date_format`` says otherwise
  (``%m/%d/%Y``, any :func:`datetime.datetime.strptime` format); a value that only reads month
  first (``03/13/2020``) is unreadable under the day-first rule: pass ``--date-format``;
* an Excel serial day number (days since 1899-12-30, as a number cell or 5 digits such as
  ``43903``): the date it counts to; a whole number from 1000 to 9999 is a year.

Anything else is unreadable: :func:`parse_date` returns ``None`` and callers report the value
(never as "no date"). Empty cells are no date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

#: What :func:`parse_date` gives: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ISO_PREFIX = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31


def is_read(value: str | None) -> bool:
    """Whether ``value`` is a date :func:`parse_date` wrote (``YYYY``, ``YYYY-MM``,
    ``YYYY-MM-DD``)."""
    return value is not None and ISO_DATE.fullmatch(value) is not None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _serial(days: float) -> str | None:
    if not 1 <= days <= _MAX_SERIAL:
        return None
    return (_EXCEL_EPOCH + timedelta(days=int(days))).isoformat()


#: Years outside this range are no dates (``0000``, ``9999``, ``-0044``: typos and placeholders).
MIN_YEAR = 1000


def parse_date(value: Any, date_format: str | None = None) -> str | None:
    """``value`` as an ISO date at its precision (see the module docstring), or ``None`` if it
    cannot be read (a year before :data:`MIN_YEAR` or after next year included). Empty values
    are not passed here (they are no date)."""
    read = _parse_date(value, date_format)
    if read is None or not MIN_YEAR <= int(read[:4]) <= date.today().year + 1:
        return None
    return read


def _parse_date(value: Any, date_format: str | None = None) -> str | None:
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):  # numpy / pandas stamps
        return _parse_date(str(value.isoformat()), date_format)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or value != int(value):  # NaN, or a fraction of a day: a time
            return _serial(value) if value == value and value >= 1 else None
        whole = int(value)
        return str(whole) if 1000 <= whole <= 9999 else _serial(whole)
    text = str(value).strip()
    if date_format is not None:
        try:
            return datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            pass  # the other forms are still read
    if re.fullmatch(r"\d{4}", text):
        return text
    if match := _ISO_PREFIX.fullmatch(text):
        return _iso(*(int(g) for g in match.groups()))
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    if date_format is None and (match := _DAY_FIRST.fullmatch(text)):
        day, month, year = (int(g) for g in match.groups())
        return _iso(year, month, day)
    if _SERIAL.fullmatch(text):
        return _serial(float(text))
    return None


def precision(read: str) -> str:
    """``year``, ``month`` or ``day``: how much of a date :func:`parse_date` gave."""
    return {4: "year", 7: "month"}.get(len(read), "day")


def register_date_table(
    con: Any, values: list[str], date_format: str | None = None, name: str = "stancekit_dates"
) -> list[str]:
    """Register in DuckDB connection ``con`` a table ``name`` of ``raw`` (the values as
    written), ``d`` (the first day of the date read, NULL if unreadable) and ``p`` (its
    precision, NULL if unreadable): one row per distinct value, so that a query joins every row
    to its date without reading the rows into Python. Returns the unreadable values."""
    import pyarrow as pa

    firsts, kinds, bad = [], [], []
    for value in values:
        read = parse_date(value, date_format)
        if read is None:
            bad.append(value)
            firsts.append(None)
            kinds.append(None)
            continue
        parts = [int(x) for x in read.split("-")] + [1, 1]
        firsts.append(date(parts[0], parts[1], parts[2]))
        kinds.append(precision(read))
    table = pa.table(
        {
            "raw": pa.array(values, pa.string()),
            "d": pa.array(firsts, pa.date32()),
            "p": pa.array(kinds, pa.string()),
        }
    )
    con.register(name, table)
    return bad
