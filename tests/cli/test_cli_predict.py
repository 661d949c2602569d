"""stancekit.cli.predict: `stancekit predict` and `stancekit explain` through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import assert_one_error_line
from conftest import run_cli as run


def test_predict_table_for_texts(tiny_model: Path) -> None:
    result = run(
        "predict",
        "--model",
        tiny_model,
        "-f",
        "table",
        "Sex workers need labour rights.",
        "Criminalise the buyers.",
    )
    assert result.exit_code == 0, result.output
    assert "text-1" in result.stdout and "text-2" in result.stdout
    assert "=> decriminalisation" in result.stdout and "=> abolitionist" in result.stdout
    assert result.stderr == ""


def test_predict_jsonl_from_stdin(tiny_model: Path) -> None:
    result = run(
        "predict",
        "--model",
        tiny_model,
        "-",
        "--format",
        "jsonl",
        stdin="date 2021-01-01 Labour rights now.\n\nEnd demand, punish pimps.\n",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["doc_id"], r["paragraph_index"]) for r in rows] == [("stdin", 0), ("stdin", 1)]
    # each probability is rounded to 6 decimals, so their sum is within 3e-6 of 1
    assert rows[0]["p_abolitionist"] + rows[0]["p_decriminalisation"] + rows[0][
        "p_neutral"
    ] == pytest.approx(1.0, abs=3e-6)


def test_predict_csv_aggregate_to_file(tiny_model: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Labour rights.\n\nPunish buyers.\n\nMore rights.", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("predict", "--model", tiny_model, doc, "-f", "csv", "--aggregate", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "wrote 1 row (1 document, 3 scored units)" in result.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert row["doc_id"] == str(doc) and row["paragraphs"] == "3"
    assert (
        sum(
            float(row[f"share_{label}"])
            for label in ("abolitionist", "decriminalisation", "neutral")
        )
        == 1.0
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["predict", "missing.txt"], "missing.txt: no such file or folder"),
        (["predict", "  "], "nothing to score: every input was empty"),
        (["predict", ""], "nothing to score: every input was empty"),
        (["predict", "data.json"], "data.json: no such file or folder"),
    ],
)
def test_predict_input_errors(tiny_model: Path, args: list[str], message: str) -> None:
    result = run(*args, "--model", tiny_model)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_bad_format_is_a_usage_error(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "x", "--format", "xml")
    assert result.exit_code == 2
    assert "--format" in result.stderr


def test_predict_threshold_marks_uncertain(tiny_model: Path) -> None:
    result = run(
        "predict",
        "--model",
        tiny_model,
        "--threshold",
        "0.99",
        "-f",
        "jsonl",
        "The weather is mild.",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["label"] == "uncertain"
    result = run(
        "predict",
        "--model",
        tiny_model,
        "--threshold",
        "0.99",
        "--aggregate",
        "-f",
        "csv",
        "The weather is mild.",
    )
    assert "share_uncertain" in result.stdout.splitlines()[0]
    assert run("predict", "--model", tiny_model, "--threshold", "2", "x").exit_code == 2


def test_predict_tables_parquet_and_pass_through(tiny_model: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = tmp_path / "in.csv"
    table.write_text(
        "url,body\nu1,Sex workers need rights.\nu2,\nu3,Punish the buyers.\n", encoding="utf-8"
    )
    out = tmp_path / "out.parquet"
    result = run(
        "predict",
        "--model",
        tiny_model,
        table,
        "--text-column",
        "body",
        "--id-column",
        "url",
        "-o",
        out,
        "--unit",
        "document",
    )
    assert result.exit_code == 0, result.output
    assert "warning: skipped 1 empty text(s): u2" in result.stderr
    rows = pq.read_table(out).to_pylist()
    assert [(r["doc_id"], r["url"], r["paragraph_index"]) for r in rows] == [
        ("u1", "u1", None),
        ("u3", "u3", None),
    ]
    assert run("predict", "--model", tiny_model, table, "-f", "parquet").exit_code == 2


def test_output_is_atomic_when_a_run_fails_midway(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stancekit.scoring import write

    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    original = write.JsonlWriter.write_batch

    def failing_write(self, records):
        original(self, records[:2])  # two rows written, then the user presses Ctrl-C mid-run
        raise KeyboardInterrupt

    monkeypatch.setattr(write.JsonlWriter, "write_batch", failing_write)
    texts = [f"Paragraph {i} on sex workers." for i in range(5)]
    result = run("predict", "--model", tiny_model, *texts, "-o", out)
    assert result.exit_code == 130
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl")]


def test_predict_lines_from_stdin_and_auto_format(tiny_model: Path, tmp_path: Path) -> None:
    result = run(
        "predict", "--model", tiny_model, "-", "--lines", stdin="Rights now.\nEnd demand.\n"
    )
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]  # not a terminal: jsonl
    assert [r["doc_id"] for r in rows] == ["stdin:1", "stdin:2"] and "margin" in rows[0]
    out = tmp_path / "x.csv"
    assert run("predict", "--model", tiny_model, "Rights.", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("doc_id,paragraph_index,label")


def test_explain_command(tiny_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "why.html"
    result = run(
        "explain",
        "--model",
        tiny_model,
        "Sex workers need labour rights.",
        "-k",
        "3",
        "--html",
        page,
    )
    assert result.exit_code == 0, result.output
    assert "toward decriminalisation:" in result.stdout
    assert "<span title=" in page.read_text(encoding="utf-8")
    result = run("explain", "--model", tiny_model, " ")
    assert result.exit_code == 1 and "nothing to explain" in result.stderr


def test_predict_explain_and_jobs_on_a_small_input(tiny_model: Path) -> None:
    result = run(
        "predict",
        "--model",
        tiny_model,
        "Labour rights.",
        "--explain",
        "2",
        "-j",
        "2",
        "-f",
        "jsonl",
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert set(row) >= {"explain_abolitionist", "explain_decriminalisation"}


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--jobs", "0"], "--jobs"),
        (["-o", "scores.xyz"], "--output"),
        (["-o", "scores.json"], "--output"),
        (["-o", "."], "--output"),
    ],
)
def test_predict_usage_errors(tiny_model: Path, args: list[str], option: str) -> None:
    result = run("predict", "--model", tiny_model, "Some text.", *args)
    assert result.exit_code == 2 and option in result.stderr
    assert "Traceback" not in result.output


def test_unwritable_output_is_one_line_and_writes_nothing(tiny_model: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "out" / "file"
    blocker.parent.mkdir()
    blocker.write_text("x", encoding="utf-8")
    for args in (
        ["predict", "Some text.", "-o", blocker / "out.csv"],
        ["explain", "Some text.", "--html", blocker / "why.html"],
    ):
        assert_one_error_line(run(*args, "--model", tiny_model), "cannot create this folder")
    assert [p.name for p in blocker.parent.iterdir()] == ["file"]


def test_messy_csv_is_one_line(tiny_model: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("id,text\n1,Rights, and more\n", encoding="utf-8")
    result = run("predict", "--model", tiny_model, table, "-f", "jsonl")
    assert result.exit_code == 1 and "t.csv:2: more fields than the header" in result.stderr
    assert result.stdout == ""


def test_explain_reads_other_encodings(tiny_model: Path, tmp_path: Path) -> None:
    doc = tmp_path / "l.txt"
    doc.write_bytes("Les travailleuses du sexe, café.".encode("latin-1"))
    result = run("explain", "--model", tiny_model, doc)
    assert result.exit_code == 1 and "pass --encoding" in result.stderr
    result = run("explain", "--model", tiny_model, doc, "--encoding", "latin-1")
    assert result.exit_code == 0 and "café" in result.stdout


def test_output_dash_is_stdout(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "Rights.", "-f", "jsonl", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["doc_id"] == "text-1"


def test_paragraphs_without_a_known_word_are_reported(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "Zzyzx qwv.", "Sex workers need rights.")
    assert result.exit_code == 0
    assert "warning: 1 paragraph(s) hold no word the model knows" in result.stderr
    assert "text-1#0" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "60"], "error: --threshold: 60.0 is not a probability between 0 and 1."),
        (["--jobs", "abc"], "error: Invalid value for '--jobs'"),
        (["--no-such-option"], "error: No such option: --no-such-option"),
    ],
)
def test_usage_errors_are_one_line(tiny_model: Path, args: list[str], message: str) -> None:
    result = run("predict", "--model", tiny_model, "Some text.", *args)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(message)


def test_aggregate_table_is_not_ignored(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "-f", "table", "--aggregate", "A.\n\nB.")
    assert result.exit_code == 0, result.output
    assert "=> " in result.stdout and "p_abol" not in result.stdout


def test_explain_reads_a_tables_text_column(tiny_model: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("url,body\nu1,End demand: criminalise the buyers.\n", encoding="utf-8")
    result = run("explain", "--model", tiny_model, table)
    assert_one_error_line(result, "no column 'text' (--text-column)")
    result = run(
        "explain", "--model", tiny_model, table, "--text-column", "body", "--id-column", "url"
    )
    assert result.exit_code == 0, result.output
    assert "── u1 #0" in result.stdout


def test_xlsx_follows_the_file_ending_and_needs_a_file(tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.xlsx"
    result = run("predict", "--model", tiny_model, "A.\n\nB.", "--aggregate", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"PK")
    result = run("predict", "--model", tiny_model, "A.", "-f", "xlsx")
    assert result.exit_code == 2 and "give -o FILE.xlsx" in result.stderr
