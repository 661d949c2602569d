"""Faults found by a hostile test run (issue 12, section 2): each one ends as a typed error or a
one-line CLI message, never a traceback, a wrong result or a half-written file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import assert_one_error_line, run_cli
from stancekit.errors import InputError, StancekitError
from stancekit.sources import SourceOptions, iter_records

# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["rot13", "hex", "nope"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(codec: str) -> None:
    with pytest.raises(InputError, match=f"encoding '{codec}'"):
        SourceOptions(encoding=codec)


@pytest.mark.parametrize("name", ["a.txt", "t.csv", "t.tsv", "t.jsonl"])
def test_utf16_without_a_byte_order_mark_is_one_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    body = '{"text": "hello world"}\n' if name.endswith(".jsonl") else "text\nhello world!\n"  # even: decodes, wrongly
    path.write_bytes(body.encode("ascii"))
    with pytest.raises(InputError, match=name):
        list(iter_records([str(path)], SourceOptions(encoding="utf-16")))


def test_utf16_stdin_without_a_byte_order_mark_is_one_error() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"hello world\n"))
    with pytest.raises(InputError, match="standard input"):
        list(iter_records(["-"], SourceOptions(encoding="utf-16", lines=True), stdin))


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Sex work is work.".encode("utf-16"))
    (record,) = iter_records([str(path)], SourceOptions(encoding="utf-16"))
    assert record.text == "Sex work is work."


def test_cli_rot13_is_one_error_line(tmp_path: Path, tiny_model: Path) -> None:
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    result = run_cli("predict", tmp_path / "a.txt", "--encoding", "rot13", "-m", tiny_model)
    assert_one_error_line(result, "rot13")
