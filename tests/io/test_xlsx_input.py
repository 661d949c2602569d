"""Reading .xlsx tables, the format stancekit writes for spreadsheets (issue 22): predict,
trends, train --data and evaluate --data read the first sheet, or the one --sheet names."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from conftest import ABOL, DECRIM, NEUTRAL, assert_one_error_line, run_cli


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def labelled_sheet() -> list[list[object]]:
    rows: list[list[object]] = [["id", "org", "body", "stance"]]
    for i, (d, a, n) in enumerate(zip(DECRIM, ABOL, NEUTRAL, strict=True)):
        rows += [[f"d{i}", "Alpha", d, "pro"], [f"a{i}", "Beta", a, "anti"]]
        rows += [[f"n{i}", "Gamma", n, "neutral"]]
    return rows


def test_predict_and_trends_read_xlsx_written_by_predict(tiny_model: Path, tmp_path: Path) -> None:
    table = workbook(
        tmp_path / "in.xlsx",
        {
            "notes": [["nothing", "here"]],
            "articles": [
                ["url", "org", "date", "body"],
                ["u1", "Alpha", datetime(2019, 5, 1), DECRIM[0]],
                ["u2", "Beta", 43903, ABOL[0]],  # an Excel serial: 2020-03-13
                [None, None, None, None],  # an empty row is skipped
                ["u3", "Beta", "2020", ABOL[1]],
            ],
        },
    )
    scored = tmp_path / "scored.xlsx"
    result = run_cli(
        "predict", table, "--sheet", "articles", "--text-column", "body", "--id-column", "url",
        "--model", tiny_model, "-o", scored,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    again = run_cli("predict", scored, "--model", tiny_model, "--format", "jsonl")
    assert again.exit_code == 0, again.output
    rows = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["input_doc_id"] for r in rows] == ["u1", "u2", "u3"]
    assert [r["date"] for r in rows] == ["2019-05-01", "2020-03-13", "2020"]
    trends = run_cli("trends", scored, "--by", "org", "--min-docs", "1", "-o", tmp_path / "t")
    assert trends.exit_code == 0, trends.output
    csv = (tmp_path / "t" / "trends.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:3] for line in csv[1:]] == [
        ["Alpha", "2019", "1"],
        ["Beta", "2020", "2"],
    ]
    missing = run_cli("predict", table, "--sheet", "nope", "--model", tiny_model)
    assert_one_error_line(missing, "no sheet 'nope' (--sheet); sheets are: notes, articles")


def test_train_and_evaluate_read_labelled_xlsx(tiny_model: Path, tmp_path: Path) -> None:
    labels = workbook(tmp_path / "mine.xlsx", {"labels": labelled_sheet()})
    common = ("--text-column", "body", "--label-column", "stance", "--label-map",
              "pro=decriminalisation,anti=abolitionist")  # fmt: skip
    model = tmp_path / "m"
    trained = run_cli("train", "--data", labels, *common, "--without-corpus", "-m", model)
    assert trained.exit_code == 0, trained.output
    assert "trained on 24 paragraphs" in trained.stdout
    out = tmp_path / "r"
    evaluated = run_cli(
        "evaluate", "--model", tiny_model, "--data", labels, *common, "--group-column", "org",
        "--out", out,
    )  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    assert "24 paragraphs from 3 'org' groups" in evaluated.stdout
    assert "id" in (out / "predictions.csv").read_text(encoding="utf-8").splitlines()[0]
