"""Every command through typer's CliRunner: exit codes, and what goes to stdout vs stderr."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stancekit import __version__
from stancekit.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=stdin)


def assert_one_error_line(result, message: str) -> None:
    """Exit 1 and a single ``error: ...`` line on stderr that contains ``message``."""
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line


def test_version_and_help() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"stancekit {__version__}"
    commands = (
        "prepare",
        "train",
        "evaluate",
        "tune",
        "predict",
        "info",
        "data check",
        "data stats",
    )
    for command in commands:
        help_result = run(*command.split(), "--help")
        assert help_result.exit_code == 0
        assert "Example" in help_result.stdout


def test_prepare_train_evaluate_info(tmp_path: Path, tiny_params_file: Path) -> None:
    prepared, model = tmp_path / "prepared", tmp_path / "model"
    result = run("prepare", "--params", tiny_params_file, "--out", prepared)
    assert result.exit_code == 0, result.output
    assert "train: 6 documents" in result.stdout and result.stderr == ""

    result = run(
        "train", "--params", tiny_params_file, "--data", prepared / "train.jsonl", "--model", model
    )
    assert result.exit_code == 0, result.output
    assert "trained on 12 paragraphs from 6 documents" in result.stdout

    result = run(
        "evaluate", "--model", model, "--split-dir", prepared, "--params", tiny_params_file
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1 by doc_id" in result.stdout and (model / "metrics.json").is_file()
    assert (model / "report.html").is_file() and "report.html" in result.stderr

    result = run("info", "--model", model)
    assert result.exit_code == 0
    assert "labels       abolitionist, decriminalisation" in result.stdout
    assert "held-out     macro-F1" in result.stdout and "grouped CV   macro-F1 by doc_id" in (
        result.stdout
    )

    card = json.loads(run("info", "--model", model, "--json").stdout)
    assert card["labels"] == ["abolitionist", "decriminalisation"]
    assert card["metrics"]["rows"]["test"] == 4


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
    assert rows[0]["p_abolitionist"] + rows[0]["p_decriminalisation"] == pytest.approx(1.0)


def test_predict_csv_aggregate_to_file(tiny_model: Path, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Labour rights.\n\nPunish buyers.\n\nMore rights.", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("predict", "--model", tiny_model, doc, "-f", "csv", "--aggregate", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "wrote 1 row (1 document, 3 scored units)" in result.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert row["doc_id"] == str(doc) and row["paragraphs"] == "3"
    assert float(row["share_abolitionist"]) + float(row["share_decriminalisation"]) == 1.0


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


def test_no_model_says_which_command_makes_one(tmp_path: Path) -> None:
    for args in (["predict", "hello"], ["info"], ["evaluate", "--no-cv"]):
        result = run(*args, "--model", tmp_path / "none")
        assert result.exit_code == 1, args
        assert "run `stancekit train`" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.output


def test_corrupt_model_is_one_line(tiny_model: Path) -> None:
    (tiny_model / "model.joblib").write_bytes(b"garbage")
    result = run("predict", "hello", "--model", tiny_model)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_unknown_label_in_data_fails_prepare(
    tmp_path: Path, tiny_params_file: Path, tiny_corpus: Path
) -> None:
    lines = tiny_corpus.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"neutral"', '"undecided"')
    tiny_corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("prepare", "--params", tiny_params_file, "--out", tmp_path / "p")
    assert result.exit_code == 1
    assert f"{tiny_corpus}:3: unknown label 'undecided'" in result.stderr
    assert not (tmp_path / "p").exists()


def test_bad_params_file(tmp_path: Path) -> None:
    result = run("train", "--params", tmp_path / "nope.yaml")
    assert result.exit_code == 1 and "not found" in result.stderr


def test_data_check_passes_and_fails(tmp_path: Path, tiny_corpus: Path) -> None:
    result = run("data", "check", tiny_corpus)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("ok, 0 warning(s)")
    lines = tiny_corpus.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[0]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("data", "check", bad)
    assert result.exit_code == 1
    assert "error: " in result.stdout and "FAILED with" in result.stdout


def test_data_check_reads_params_by_default(tiny_params_file: Path) -> None:
    result = run("data", "check", "--params", tiny_params_file)
    assert result.exit_code == 0 and "24 paragraphs in 8 documents" in result.stdout


def test_data_stats_prints_and_writes_the_card(tmp_path: Path, tiny_corpus: Path) -> None:
    from stancekit.datacheck import STATS_BEGIN, STATS_END

    result = run("data", "stats", tiny_corpus)
    assert result.exit_code == 0 and "| **all** | **8** | **8** | **8** | **24** |" in result.stdout
    card = tmp_path / "README.md"
    card.write_text(f"# Card\n{STATS_BEGIN}\n{STATS_END}\n", encoding="utf-8")
    result = run("data", "stats", tiny_corpus, "--write-card", card)
    assert result.exit_code == 0 and result.stdout == ""
    assert (
        result.stdout
        + card.read_text(encoding="utf-8").split(STATS_BEGIN)[1].split(STATS_END)[0].lstrip("\n")
        == run("data", "stats", tiny_corpus).stdout
    )
    nocard = tmp_path / "plain.md"
    nocard.write_text("# no markers\n", encoding="utf-8")
    result = run("data", "stats", tiny_corpus, "--write-card", nocard)
    assert result.exit_code == 1 and "no '<!-- stats:begin" in result.stderr
    assert nocard.read_text(encoding="utf-8") == "# no markers\n"


def test_evaluate_a_labelled_file(tiny_model: Path, tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("evaluate", "--model", tiny_model, "--data", tiny_corpus, "--out", out)
    assert result.exit_code == 0, result.output
    assert "baselines on the same rows" in result.stdout
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["rows"]["test"] == 16
    result = run(
        "evaluate",
        "--model",
        tiny_model,
        "--data",
        tiny_corpus,
        "--text-column",
        "body",
        "--out",
        out,
    )
    assert result.exit_code == 1 and "no column 'body' (--text-column); columns are:" in (
        result.stderr
    )


def test_tune_prints_the_ranking_and_the_dvc_command(
    tmp_path: Path, tiny_params_file: Path
) -> None:
    prepared = tmp_path / "prepared"
    assert run("prepare", "--params", tiny_params_file, "--out", prepared).exit_code == 0
    result = run(
        "tune",
        "--params",
        tiny_params_file,
        "--data",
        prepared / "train.jsonl",
        "--out",
        tmp_path / "tune",
    )
    assert result.exit_code == 0, result.output
    assert "apply with: dvc exp run -S 'train.C=" in result.stdout
    assert "[4/4]" in result.stderr and (tmp_path / "tune" / "results.csv").is_file()


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
    from stancekit import writers

    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    original = writers.JsonlWriter.write
    calls = {"n": 0}

    def failing_write(self, record):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-run
        original(self, record)

    monkeypatch.setattr(writers.JsonlWriter, "write", failing_write)
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


def test_evaluate_file_errors_and_one_class_warning(
    tiny_model: Path, tiny_corpus: Path, tmp_path: Path
) -> None:
    result = run("evaluate", "--model", tiny_model, "--data", tmp_path, "--out", tmp_path / "r")
    assert result.exit_code == 1 and "is a folder" in result.stderr
    one_class = tmp_path / "one.csv"
    one_class.write_bytes(
        "text,label\nSex work is work.,decriminalisation\nRights now.,decriminalisation\n".encode(
            "utf-8-sig"
        )
    )
    result = run("evaluate", "--model", tiny_model, "--data", one_class, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "warning: no abolitionist paragraphs in these data" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "m.jsonl",
            '{"text": "a", "label": "abolitionist"}\n{"text": "b"}\n',
            "row 2 has no 'label'",
        ),
        (
            "l.jsonl",
            '{"text": "a", "label": "abolitionist"}\n[1, 2]\n',
            "l.jsonl:2: expected a JSON",
        ),
        ("x.csv", "text,label\nend demand,abolitionist\nsex,decriminalisation,extra\n", "x.csv:3"),
        ("n.jsonl", '{"text": 5, "label": "abolitionist"}\n', "'text' is empty or not text"),
    ],
)
def test_evaluate_file_bad_rows_are_one_line(
    tiny_model: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    data = tmp_path / name
    data.write_text(content, encoding="utf-8")
    result = run("evaluate", "--model", tiny_model, "--data", data, "--out", tmp_path / "r")
    assert_one_error_line(result, message)
    assert not (tmp_path / "r").exists()


def test_output_dash_is_stdout(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "Rights.", "-f", "jsonl", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)["doc_id"] == "text-1"


def test_paragraphs_without_a_known_word_are_reported(tiny_model: Path) -> None:
    result = run("predict", "--model", tiny_model, "Zzyzx qwv.", "Sex workers need rights.")
    assert result.exit_code == 0
    assert "warning: 1 paragraph(s) hold no word the model knows" in result.stderr
    assert "text-1#0" in result.stderr
