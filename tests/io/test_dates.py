"""stancekit.io.dates: one rule for reading dates (predict's table cells, trends' rows)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from stancekit.io.cells import cell_date
from stancekit.io.dates import is_read, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-03-13", "2020-03-13"),
        ("2020-03-13T12:30:00+02:00", "2020-03-13"),
        ("2020-3-5", "2020-03-05"),
        ("2020", "2020"),
        ("2020-03", "2020-03"),
        ("2020/03", "2020-03"),
        ("13/03/2020", "2020-03-13"),  # day first: the stated rule
        ("05/03/2020", "2020-03-05"),
        ("13.3.2020", "2020-03-13"),
        ("43903", "2020-03-13"),  # an Excel serial written as text
        (43903, "2020-03-13"),  # an Excel serial cell
        (43903.5, "2020-03-13"),
        (2020, "2020"),
        (date(2020, 3, 13), "2020-03-13"),
        (datetime(2020, 3, 13, 9, 0), "2020-03-13"),
        ("03/13/2020", None),  # month first: not under the day-first rule
        ("Spring 2020", None),
        ("2020-13", None),
        ("31/02/2020", None),
        (True, None),
    ],
)
def test_parse_date_reads_the_common_forms(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_date_format_comes_first_and_turns_off_the_day_first_guess() -> None:
    assert parse_date("03/13/2020", "%m/%d/%Y") == "2020-03-13"
    assert parse_date("05/03/2020", "%m/%d/%Y") == "2020-05-03"
    assert parse_date("13/03/2020", "%m/%d/%Y") is None  # not silently read day first
    assert parse_date("2020-03-13", "%m/%d/%Y") == "2020-03-13"  # ISO is still read


def test_cell_date_keeps_an_unreadable_value_as_written() -> None:
    assert cell_date("13/03/2020") == "2020-03-13"
    assert cell_date(" Spring 2020 ") == "Spring 2020" and not is_read("Spring 2020")
    assert cell_date("") is None and cell_date(None) is None and cell_date(float("nan")) is None
    assert all(is_read(v) for v in ("2020", "2020-03", "2020-03-13"))
