"""stancekit.cli.evaluate: `stancekit evaluate` on the split or a labelled file; the chain
prepare -> train -> evaluate -> info runs here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_error_line
from conftest import run_cli as run


def test_prepare_train_evaluate_info(tmp_path: Path, tiny_params_file: Path) -> None:
    prepared, model = tmp_path / "prepared", tmp_path / "model"
    result = run("prepare", "--params", tiny_params_file, "--out", prepared)
    assert result.exit_code == 0, result.output
    assert "train: 6 documents" in result.stdout and result.stderr == ""

    result = run(
        "train", "--params", tiny_params_file, "--data", prepared / "train.jsonl", "--model", model
    )
    assert result.exit_code == 0, result.output
    assert "trained on 18 paragraphs from 6 documents" in result.stdout

    out = tmp_path / "out"
    result = run(
        "evaluate",
        "--model",
        model,
        "--split-dir",
        prepared,
        "--params",
        tiny_params_file,
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1 by genre" in result.stdout and (out / "metrics.json").is_file()
    assert "stance only (decriminalisation vs abolitionist rows" in result.stdout
    assert (out / "report.html").is_file() and "report.html" in result.stderr

    shipped = tmp_path / "shipped"
    result = run(
        "train",
        "--params",
        tiny_params_file,
        "--data",
        prepared / "train.jsonl",
        "--data",
        prepared / "test.jsonl",
        "--model",
        shipped,
        "--evaluation",
        out / "metrics.json",
    )
    assert result.exit_code == 0, result.output
    assert "trained on 24 paragraphs from 8 documents" in result.stdout
    # The shipped model would flatter itself on the split it was trained on: refused.
    result = run(
        "evaluate",
        "--model",
        shipped,
        "--split-dir",
        prepared,
        "--params",
        tiny_params_file,
        "--out",
        tmp_path / "x",
    )
    assert_one_error_line(result, "the model was trained on")

    result = run("info", "--model", out)
    assert result.exit_code == 1  # metrics alone are not a model
    card = json.loads(run("info", "--model", shipped, "--json").stdout)
    assert card["labels"] == ["abolitionist", "decriminalisation", "neutral"]
    assert card["evaluation"]["metrics"].endswith("metrics.json")
    result = run("info", "--model", shipped)
    assert "evaluation   inherited from" in result.stdout


def test_evaluate_a_labelled_file(tiny_model: Path, tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = run("evaluate", "--model", tiny_model, "--data", tiny_corpus, "--out", out)
    assert result.exit_code == 0, result.output
    assert "baselines on the same rows" in result.stdout
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["test"]["rows"] == 24
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
    assert "warning: no abolitionist, neutral paragraphs in these data" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "m.jsonl",
            '{"text": "a", "label": "abolitionist"}\n{"text": "b"}\n',
            "m.jsonl:2: no 'label' field",
        ),
        (
            "l.jsonl",
            '{"text": "a", "label": "abolitionist"}\n[1, 2]\n',
            "l.jsonl:2: expected a JSON",
        ),
        ("x.csv", "text,label\nend demand,abolitionist\nsex,decriminalisation,extra\n", "x.csv:3"),
        ("n.jsonl", '{"text": 5, "label": "abolitionist"}\n', "'text' holds a number"),
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


def test_evaluate_reads_the_model_from_the_environment(
    tiny_model: Path, tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCEKIT_MODEL", str(tiny_model))
    out = tmp_path / "report"
    result = run("evaluate", "--data", tiny_corpus, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "metrics.json").is_file()
    monkeypatch.setenv("STANCEKIT_MODEL", str(tmp_path / "none"))
    result = run("evaluate", "--data", tiny_corpus, "--out", out)
    assert result.exit_code == 1 and f"no trained model in {tmp_path / 'none'}/" in result.stderr


def test_evaluate_data_runs_outside_the_project(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from conftest import REPO

    shutil.copy(REPO / "examples" / "mine.csv", tmp_path / "mine.csv")
    monkeypatch.chdir(tmp_path)  # no params.yaml here or above: the defaults
    result = run(
        "evaluate",
        "--model",
        tiny_model,
        "--data",
        "mine.csv",
        "--text-column",
        "body",
        "--label-column",
        "stance",
        "--out",
        "reports/mine",
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "mine" / "metrics.json").is_file()


def test_evaluate_data_writes_every_rows_prediction(tiny_model: Path, tmp_path: Path) -> None:
    import csv

    data = tmp_path / "mine.csv"
    data.write_text(
        "site,body,stance\n"
        "a,Sex work is work and sex workers deserve labour rights.,PRO\n"
        "a,The Nordic model punishes buyers and pimps.,anti\n"
        "b,The court adjourned the hearing until March.,Neutral\n",
        encoding="utf-8",
    )
    out = tmp_path / "r"
    result = run(
        "evaluate", "--model", tiny_model, "--data", data, "--text-column", "body",
        "--label-column", "stance", "--doc-column", "site",
        "--label-map", "pro=decriminalisation,anti=abolitionist", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"wrote {out}/metrics.json, {out}/evaluation.json, {out}/plots/, {out}/predictions.csv "
        f"and {out}/report.html"
    )
    with (out / "predictions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "doc_id", "paragraph_index", "text", "label", "predicted",
        "p_abolitionist", "p_decriminalisation", "p_neutral", "correct", "site",
    ]  # fmt: skip
    assert [(r["doc_id"], r["paragraph_index"], r["label"]) for r in rows] == [
        ("a", "0", "decriminalisation"),
        ("a", "1", "abolitionist"),
        ("b", "0", "neutral"),
    ]
    names = ("abolitionist", "decriminalisation", "neutral")
    for row in rows:
        probabilities = [float(row[f"p_{x}"]) for x in names]
        assert sum(probabilities) == pytest.approx(1, abs=1e-5)
        best = names[probabilities.index(max(probabilities))]
        assert row["predicted"] == best
        assert row["correct"] == str(best == row["label"])
    assert rows[0]["predicted"] == "decriminalisation"


def test_evaluate_data_with_an_unknown_label_names_the_option(
    tiny_model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "mine.csv"
    data.write_text("text,label\nSex work is work.,pro\n", encoding="utf-8")
    result = run("evaluate", "--model", tiny_model, "--data", data, "--out", tmp_path / "r")
    assert_one_error_line(result, f"{data}: row 1: unknown label 'pro'")
    assert "--label-map" in result.stderr


def test_evaluate_data_names_the_group_unit_and_keeps_id_and_group_columns(
    tiny_model: Path, tmp_path: Path
) -> None:
    """Issue 22: --group-column org reported "2 documents" for two organisations, and
    predictions.csv dropped the input's id and group columns."""
    import csv

    data = tmp_path / "mine.csv"
    data.write_text(
        "id,org,text,label\n"
        "p1,Alpha,Sex work is work and sex workers deserve labour rights.,decriminalisation\n"
        "p2,Alpha,The Nordic model punishes buyers and pimps.,abolitionist\n"
        "p3,Beta,The court adjourned the hearing until March.,neutral\n"
        "p4,Beta,Police said three people had been arrested.,neutral\n",
        encoding="utf-8",
    )
    out = tmp_path / "r"
    result = run(
        "evaluate", "--model", tiny_model, "--data", data, "--group-column", "org", "--out", out
    )
    assert result.exit_code == 0, result.output
    assert f"4 paragraphs from 2 'org' groups of {data}" in result.stdout
    assert "(no interval: 2 'org' groups, fewer than 5" in result.stdout  # too few groups
    assert "documents" not in result.stdout.splitlines()[0]
    assert "2 &#x27;org&#x27; groups" in (out / "report.html").read_text(encoding="utf-8")
    with (out / "predictions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id"], r["org"]) for r in rows] == [
        ("p1", "Alpha"), ("p2", "Alpha"), ("p3", "Beta"), ("p4", "Beta"),
    ]  # fmt: skip
