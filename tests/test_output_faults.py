"""Outputs a spreadsheet opens (issue 23): text that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import run_cli
from stancekit.cells import defuse_formula

EVIL = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_defuse_formula_prefixes_only_formula_starts() -> None:
    assert [defuse_formula(t) for t in EVIL] == ["'" + t for t in EVIL]
    assert defuse_formula("Sex work is work.") == "Sex work is work."
    assert defuse_formula("") == ""


def test_csv_excel_writes_formula_like_text_and_ids_as_text(
    tmp_path: Path, tiny_model: Path
) -> None:
    table = tmp_path / "in.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for i, text in enumerate(EVIL):
            writer.writerow([f"=cmd|{i}", f"{text} sex work is work"])
    out = tmp_path / "out.csv"
    result = run_cli(
        "predict", table, "--id-column", "id", "--format", "csv-excel", "-o", out,
        "--model", tiny_model,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == len(EVIL)
    for row in rows:
        for name, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (name, value)
            if value.startswith("-"):  # only numbers may start with a minus
                float(value)
    assert rows[0]["text"].startswith("'=HYPERLINK(")
    # Plain csv is data, not a spreadsheet: as it was.
    plain = tmp_path / "plain.csv"
    result = run_cli("predict", table, "--id-column", "id", "-o", plain, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "=HYPERLINK(" in plain.read_text(encoding="utf-8").splitlines()[1]


def test_trends_csv_keeps_formula_like_group_names_as_text(tmp_path: Path) -> None:
    rows = []
    for d in range(3):
        for org in ('=HYPERLINK("http://evil","click")', "@SUM(1)", "SWAN"):
            rows.append(
                {
                    "doc_id": f"{org}-{d}",
                    "paragraph_index": 0,
                    "label": "neutral",
                    "p_abolitionist": 0.1,
                    "p_decriminalisation": 0.1,
                    "p_neutral": 0.8,
                    "date": "2019-01-01",
                    "org": org,
                }
            )
    scored = tmp_path / "s.jsonl"
    scored.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("trends", scored, "--by", "org", "--min-docs", "1", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.output
    with (tmp_path / "t" / "trends.csv").open(encoding="utf-8", newline="") as handle:
        groups = [row["org"] for row in csv.DictReader(handle)]
    assert sorted(groups) == sorted(['\'=HYPERLINK("http://evil","click")', "'@SUM(1)", "SWAN"])
