"""stancekit.io.jsonl: the one JSON Lines reader, strict, with the line in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.errors import DataError, InputError, StancekitError
from stancekit.io.jsonl import iter_jsonl, read_jsonl


def test_rows_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    # A BOM, a blank line, CRLF, and U+2028 inside a string (one row, not two).
    path.write_bytes('\ufeff{"a": 1}\n\n{"b": "x\u2028y"}\r\n'.encode())
    assert list(read_jsonl(path)) == [(f"{path}:1", {"a": 1}), (f"{path}:3", {"b": "x\u2028y"})]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", r"b\.jsonl:2: not valid JSON \("),
        (b"[1, 2]", r"b\.jsonl:2: expected a JSON object, got list\."),
        (b'"text"', r"b\.jsonl:2: expected a JSON object, got str\."),
        (b'{"t": "caf\xe9"}', r"b\.jsonl:2: cannot decode byte 10 of the line as utf-8; save"),
    ],
)
def test_bad_lines_name_the_line(tmp_path: Path, line: bytes, message: str) -> None:
    path = tmp_path / "b.jsonl"
    path.write_bytes(b'{"ok": true}\n' + line + b"\n")
    rows = read_jsonl(path)
    assert next(rows) == (f"{path}:1", {"ok": True})
    with pytest.raises(InputError, match=message):
        next(rows)


def test_error_type_encoding_and_advice(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    path.write_bytes(b'{"t": "caf\xe9"}\n')
    assert list(read_jsonl(path, encoding="latin-1")) == [(f"{path}:1", {"t": "café"})]
    with pytest.raises(DataError, match="pass --encoding"):
        list(read_jsonl(path, error=DataError, fix_encoding="pass --encoding"))
    with pytest.raises(DataError, match=r"absent\.jsonl: no such file; check the list\.$"):
        list(read_jsonl(tmp_path / "absent.jsonl", error=DataError, fix_missing="check the list"))
    with pytest.raises(InputError, match="is a folder"):
        list(read_jsonl(tmp_path))


def test_on_error_collects_every_bad_line_and_goes_on() -> None:
    errors: list[StancekitError] = []
    lines = [b'{"a": 1}', b"oops", b"[]", b'{"b": 2}']
    rows = list(iter_jsonl(lines, "mem", on_error=errors.append))
    assert rows == [("mem:1", {"a": 1}), ("mem:4", {"b": 2})]
    assert [str(e).split(" ")[0] for e in errors] == ["mem:2:", "mem:3:"]
    missing: list[StancekitError] = []
    assert list(read_jsonl("/no/such.jsonl", on_error=missing.append)) == []
    assert len(missing) == 1 and "no such file" in str(missing[0])
