"""Faults found by a hostile test run (issue 12, section 2): each one ends as a typed error or a
one-line CLI message, never a traceback, a wrong result or a half-written file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import assert_one_error_line, run_cli
from stancekit.errors import InputError
from stancekit.scoring.read import SourceOptions, iter_records

# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["rot13", "hex", "nope"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(codec: str) -> None:
    with pytest.raises(InputError, match=f"encoding '{codec}'"):
        SourceOptions(encoding=codec)


@pytest.mark.parametrize("name", ["a.txt", "t.csv", "t.tsv", "t.jsonl"])
def test_utf16_without_a_byte_order_mark_is_one_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    # An even number of bytes: it decodes, wrongly, unless the missing BOM is caught.
    body = '{"text": "hello world"}\n' if name.endswith(".jsonl") else "text\nhello world!\n"
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


# --- outputs -------------------------------------------------------------------------------


class _FullStream(io.StringIO):
    """A stream on a full disk."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        raise OSError(28, "No space left on device")


def test_output_to_dev_full_is_an_output_error(tiny_model: Path) -> None:
    from stancekit.errors import OutputError
    from stancekit.scoring.run import predict_inputs

    with pytest.raises(OutputError, match="disk is full"):
        predict_inputs(
            ["Sex work is work."], model=tiny_model, output="/dev/full", output_format="csv"
        )


def test_cli_output_to_dev_full_is_one_error_line(tiny_model: Path) -> None:
    result = run_cli(
        "predict", "Sex work is work.", "-m", tiny_model, "-o", "/dev/full", "-f", "csv"
    )
    assert_one_error_line(result, "disk is full")


def test_full_standard_output_is_an_output_error(tiny_model: Path) -> None:
    from stancekit.errors import OutputError
    from stancekit.scoring.run import predict_inputs

    with pytest.raises(OutputError, match=r"standard output.*disk is full"):
        predict_inputs(["Sex work is work."], model=tiny_model, stdout=_FullStream())


@pytest.mark.e2e
@pytest.mark.parametrize("paragraphs", [1, 2000])
def test_cli_stdout_on_a_full_disk_is_one_line(tiny_model: Path, paragraphs: int) -> None:
    """Small output fails only when Python flushes at exit; large output fails mid-run."""
    import subprocess
    import sys

    text = "\n\n".join(["Sex work is work."] * paragraphs)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "stancekit", "predict", "-", "-m", str(tiny_model)],
            input=text,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: standard output") and "disk is full" in line


def test_output_naming_an_input_is_refused(tmp_path: Path, tiny_model: Path) -> None:
    from stancekit.errors import UsageError
    from stancekit.scoring.run import predict_inputs

    source = tmp_path / "in.csv"
    source.write_text("text\nSex work is work.\n", encoding="utf-8")
    before = source.read_bytes()
    with pytest.raises(UsageError, match="also an input"):
        predict_inputs([str(source)], model=tiny_model, output=tmp_path / "." / "in.csv")
    result = run_cli("predict", source, "-m", tiny_model, "-o", source)
    assert result.exit_code == 2 and "also an input" in result.stderr
    assert source.read_bytes() == before


# --- train, corpus rows ----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "\n\n"])
def test_train_on_an_empty_jsonl_is_one_error_line(
    tmp_path: Path, tiny_params_file: Path, body: str
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text(body, encoding="utf-8")
    result = run_cli(
        "train", "--params", tiny_params_file, "--data", empty, "--model", tmp_path / "m"
    )
    assert_one_error_line(result, "empty.jsonl")
    assert not (tmp_path / "m").exists()


# --- CSV quoting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('id,text\n1,good\n2,good too\n3,"bad"quote\n4,fine\n', 4),
        ('id,text\n1,good\n2,"unterminated\n3,x\n4,y\n', 3),
        ('id,text\n1,"two\nlines"\n2,"multi\nline" ok\n', 4),
    ],
)
def test_broken_csv_quoting_names_the_row_s_first_line(
    tmp_path: Path, body: str, line: int
) -> None:
    from stancekit.io.tables import open_table

    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.csv:{line}: not valid CSV"):
        list(open_table(path))


# --- table cells: one policy for predict and evaluate --data ---------------------------------


def _parquet(path: Path, values: list, type_: str) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": pa.array(values, type=getattr(pa, type_)())}), path)
    return path


def test_parquet_bytes_cells_are_decoded_as_utf8(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "b.parquet", [b"Sex work is work.", None], "binary")
    texts = [r.text for r in iter_records([str(path)])]
    assert texts == ["Sex work is work.", ""]


def test_parquet_bytes_that_are_not_utf8_name_the_row(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "b.parquet", [b"fine", b"caf\xe9"], "binary")
    with pytest.raises(
        InputError, match=r"b\.parquet: row 2: 'text' holds bytes that are not UTF-8"
    ):
        list(iter_records([str(path)]))


def test_float_nan_is_an_empty_text_not_nan(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "f.parquet", [float("nan"), None], "float64")
    assert [r.text for r in iter_records([str(path)])] == ["", ""]


@pytest.mark.parametrize(
    ("cell", "kind"), [("5", "a number"), ("2.5", "a number"), ("true", "a boolean")]
)
def test_jsonl_numbers_and_booleans_are_refused_by_predict(
    tmp_path: Path, cell: str, kind: str
) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text(f'{{"text": "fine"}}\n{{"text": {cell}}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"n\.jsonl: row 2: 'text' holds {kind}"):
        list(iter_records([str(path)]))


@pytest.mark.parametrize(("cell", "kind"), [("5", "a number"), ("false", "a boolean")])
def test_jsonl_numbers_and_booleans_are_refused_by_evaluate_data(
    tmp_path: Path, cell: str, kind: str
) -> None:
    from stancekit.data.labelled import read_labelled_table

    path = tmp_path / "n.jsonl"
    path.write_text(f'{{"text": {cell}, "label": "neutral"}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=rf"n\.jsonl: row 1: 'text' holds {kind}"):
        read_labelled_table(path)


def test_predict_skips_and_reports_a_nan_cell(tmp_path: Path, tiny_model: Path) -> None:
    path = _parquet(tmp_path / "f.parquet", [float("nan")], "float64")
    path2 = tmp_path / "ok.csv"
    path2.write_text("text\nSex work is work.\n", encoding="utf-8")
    result = run_cli("predict", path, path2, "-m", tiny_model, "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "nan" not in result.stdout.lower()
    assert "skipped 1 empty text" in result.stderr and "f.parquet:1" in result.stderr


# --- terminal escapes ------------------------------------------------------------------------

_HOSTILE = "Sex work \x1b[2J\x1b]0;pwned\x07is work \x9b31m."


def _scored(text: str, doc_id: str = "d"):
    from stancekit.scoring.rows import ScoredParagraph

    probabilities = {"abolitionist": 0.2, "decriminalisation": 0.7, "neutral": 0.1}
    return ScoredParagraph(doc_id, 0, text, None, "decriminalisation", probabilities, 0.5, {})


def test_the_table_shows_escape_sequences_escaped() -> None:
    from stancekit.scoring.write import render

    labels = ("abolitionist", "decriminalisation", "neutral")
    table = render([_scored(_HOSTILE, doc_id="evil\x1b[31m.txt")], "table", labels)
    assert "\x1b" not in table and "\x07" not in table and "\x9b" not in table
    assert "\\x1b[2J" in table and "evil\\x1b[31m.txt" in table


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_machine_formats_keep_the_text_as_it_is(fmt: str) -> None:
    from stancekit.scoring.write import render

    labels = ("abolitionist", "decriminalisation", "neutral")
    out = render([_scored(_HOSTILE)], fmt, labels)
    assert ("\x1b[2J" if fmt == "csv" else "\\u001b[2J") in out


def test_explain_prints_escape_sequences_escaped(tiny_model: Path) -> None:
    result = run_cli("explain", _HOSTILE, "-m", tiny_model)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout


# --- corpus rows: line separators, lone surrogates, duplicate keys ---------------------------


def _corpus_with(tmp_path: Path, line: str, replace: int = 3) -> Path:
    """The tiny corpus with its line ``replace`` (1-based) swapped for ``line``."""
    import json

    from conftest import tiny_rows

    lines = [json.dumps(row) for row in tiny_rows()]
    lines[replace - 1] = line
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_ROW = '"paragraph_index": 2, "label": "neutral", "source": "s", "origin": "authored"'
_BAD_ROWS = {
    "line separator": ('{"doc_id": "doc-0", "text": "ENDS\\u2028more", ' + _ROW + "}", "U+2028"),
    "raw line separator": ('{"doc_id": "doc-0", "text": "ENDS\u2028more", ' + _ROW + "}", "U+2028"),
    "lone surrogate": ('{"doc_id": "doc-0", "text": "ENDS \\ud800", ' + _ROW + "}", "surrogate"),
    "duplicate key": (
        '{"doc_id": "doc-0", "text": "ENDS", "text": "Other", ' + _ROW + "}",
        "'text' appears twice",
    ),
    "form feed": ('{"doc_id": "doc-0", "text": "ENDS\\fmore", ' + _ROW + "}", "U+000C"),
}


@pytest.mark.parametrize("case", sorted(_BAD_ROWS))
def test_data_check_reports_the_bad_row_by_file_and_line(tmp_path: Path, case: str) -> None:
    from stancekit.data.datacheck import check_corpus

    line, message = _BAD_ROWS[case]
    path = _corpus_with(tmp_path, line)
    _, report = check_corpus([path])
    assert not report.ok
    assert any(e.startswith(f"{path}:3:") and message in e for e in report.errors), report.errors


@pytest.mark.parametrize("case", sorted(_BAD_ROWS))
def test_prepare_stops_cleanly_on_the_bad_row(tmp_path: Path, case: str) -> None:
    from stancekit.data.prepare import prepare
    from stancekit.errors import DataError
    from stancekit.params import PrepareParams

    path = _corpus_with(tmp_path, _BAD_ROWS[case][0])
    with pytest.raises(DataError, match=r"c\.jsonl:3:"):
        prepare(PrepareParams(data=(str(path),), test_fraction=0.25, seed=0), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_validate_row_refuses_a_surrogate_given_from_python() -> None:
    from conftest import tiny_rows
    from stancekit.data.corpus import validate_row
    from stancekit.errors import DataError

    row = tiny_rows()[0] | {"source": "S\udc80"}
    with pytest.raises(DataError, match=r"here:1: field 'source' holds a lone surrogate"):
        validate_row(row, "here:1")


# --- evaluate --out: all or nothing ----------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("previous", [False, True])
def test_evaluate_outputs_are_written_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, previous: bool
) -> None:
    import stancekit.evaluation.report
    from evaluation_factory import evaluation
    from stancekit.errors import OutputError
    from stancekit.evaluation.evaluate import write_outputs

    out = tmp_path / "out"
    if previous:
        write_outputs(evaluation(), out)
        (out / "model.joblib").write_bytes(b"not touched")
    before = _files(out) if out.exists() else {}

    def full_disk(evaluation: object, path: Path) -> None:  # the last write fails
        raise OutputError(f"{path}: cannot write (No space left on device: the disk is full).")

    monkeypatch.setattr(stancekit.evaluation.report, "write_html_report", full_disk)
    with pytest.raises(OutputError, match="disk is full"):
        write_outputs(evaluation(cv=False), out)  # other figures than the previous set
    after = _files(out) if out.exists() else {}
    assert after == before
    assert not [p for p in (out.rglob(".*") if out.exists() else []) if ".tmp" in p.name]


def test_evaluate_outputs_replace_the_previous_set(tmp_path: Path) -> None:
    from evaluation_factory import evaluation
    from stancekit.evaluation.evaluate import write_outputs

    report = write_outputs(evaluation(), tmp_path)
    names = set(_files(tmp_path))
    assert report == tmp_path / "report.html" and report.is_file()
    assert {"metrics.json", "evaluation.json", "report.html", "plots/confusion.csv"} <= names
    assert not [n for n in names if n.startswith(".")]


# --- signals (the real-signal tests are in test_signals.py) ----------------------------------


@pytest.mark.parametrize(
    ("raised", "code", "said"), [("int", 130, "interrupted"), ("term", 143, "terminated")]
)
def test_the_error_edge_ends_interrupted_commands_with_128_plus_the_signal(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    raised: str,
    code: int,
    said: str,
) -> None:
    import signal

    import typer

    from stancekit.cli import _util

    stopped = []
    monkeypatch.setattr(_util, "stop_workers", lambda: stopped.append(True))
    # The edge ignores further signals while it cleans up: keep this test process's handlers.
    monkeypatch.setattr(signal, "signal", lambda *a: None)

    @_util.fail_cleanly
    def command() -> None:
        raise _util.Terminated() if raised == "term" else KeyboardInterrupt()

    with pytest.raises(typer.Exit) as exit_:
        command()
    assert exit_.value.exit_code == code and stopped == [True]
    assert capsys.readouterr().err.strip() == said


# --- overlong paragraphs ---------------------------------------------------------------------


def test_an_overlong_paragraph_is_split_at_spaces_into_bounded_chunks() -> None:
    from stancekit.scoring.segment import segment_document

    words = [f"word{i}" for i in range(10_000)]  # 88,889 characters, one line
    document = segment_document("Short one.\n\n" + " ".join(words), max_chars=20_000)
    assert document.split == 1
    first, *chunks = document.paragraphs
    assert first == "Short one." and len(chunks) == 5
    assert all(len(c) <= 20_000 for c in chunks)
    assert " ".join(chunks).split() == words  # no word cut, none lost


def test_a_paragraph_without_spaces_is_cut_hard() -> None:
    from stancekit.scoring.segment import segment_document

    document = segment_document("x" * 45_000, max_chars=20_000)
    assert [len(p) for p in document.paragraphs] == [20_000, 20_000, 5_000]


def test_default_max_chars_is_set_in_one_place() -> None:
    from stancekit.scoring import segment, stream

    assert segment.DEFAULT_MAX_CHARS == 20_000
    assert stream.iter_units.__defaults__ == (segment.DEFAULT_MAX_CHARS,)


def test_predict_splits_overlong_paragraphs_with_a_warning(tiny_model: Path) -> None:
    import json

    text = " ".join(["Sex work is work."] * 100)  # 1,799 characters
    result = run_cli("predict", text, "-m", tiny_model, "-f", "jsonl", "--max-chars", "500")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4 and all(len(r["text"]) <= 500 for r in rows)
    assert [r["paragraph_index"] for r in rows] == [0, 1, 2, 3]
    assert "warning: split 1 paragraph(s) longer than 500 characters" in result.stderr


def test_batches_are_bounded_in_characters_too() -> None:
    from stancekit.scoring.rows import Unit
    from stancekit.scoring.stream import _chunks

    units = iter([Unit("d", i, "x" * 1000, None, {}) for i in range(10)])
    assert [len(b) for b in _chunks(units, 100, max_chars=3000)] == [3, 3, 3, 1]


def test_a_text_argument_too_long_for_a_path_is_a_text(tmp_path: Path, tiny_model: Path) -> None:
    text = "Sex-work-is-work " * 40  # one word of 680 characters: longer than a file name may be
    out = tmp_path / "o.csv"
    result = run_cli("predict", text, "-m", tiny_model, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("\n") == 2
