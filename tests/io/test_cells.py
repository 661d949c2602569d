from __future__ import annotations

import math

import pytest

from stancekit.errors import InputError
from stancekit.io.cells import cell_date, cell_id, cell_text


def test_cell_text_policy() -> None:
    assert cell_text("Sex work is work.", "t.csv", 1, "text") == "Sex work is work."
    assert cell_text(None, "t.csv", 1, "text") == ""
    assert cell_text(math.nan, "t.csv", 1, "text") == ""
    assert cell_text("café".encode(), "t.parquet", 2, "text") == "café"
    with pytest.raises(
        InputError, match=r"t\.parquet: row 3: 'text' holds bytes that are not UTF-8"
    ):
        cell_text(b"\xff\xfe\xfa", "t.parquet", 3, "text")
    with pytest.raises(InputError, match=r"row 4: 'body' holds a number \(5\)"):
        cell_text(5, "t.jsonl", 4, "body")
    with pytest.raises(InputError, match=r"holds a boolean \(True\)"):
        cell_text(True, "t.jsonl", 5, "body")


def test_cell_id_policy() -> None:
    assert cell_id("d-1", "t.csv", 1, "id") == "d-1"
    assert cell_id(7, "t.parquet", 1, "id") == "7"
    assert cell_id(1.0, "t.parquet", 1, "id") == "1.0"  # as written, never rounded
    for missing in (None, math.nan, ""):
        with pytest.raises(InputError, match=r"t\.csv: row 2 has no value for --id-column 'id'"):
            cell_id(missing, "t.csv", 2, "id")


def test_cell_date_keeps_the_day() -> None:
    import datetime

    assert cell_date("2016-10-10T12:00") == "2016-10-10"
    assert cell_date(datetime.date(2020, 3, 3)) == "2020-03-03"
    assert cell_date("") is None and cell_date(None) is None
    assert cell_date(" 2019 ") == "2019"
