"""Dates in stancekit predict and stancekit trends: the common forms are read, and every value
that could not be read is reported with examples, never called "no date" (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

from test_trends import document, write_rows

from conftest import run_cli
from stancekit.trends.compute import compute_trends

DATES = ["13/03/2020", "2020", "2020-03", "2020-03-13", "43903", "Spring 2020"]


def dated_rows() -> list[dict]:
    rows = []
    for d, when in enumerate(DATES):
        rows += document(f"doc-{d}", ["abolitionist", "neutral"], "EWL", when)
    rows += document("undated", ["neutral"], "EWL", None)
    return rows


def test_trends_reads_the_common_date_forms_and_reports_the_rest(tmp_path: Path) -> None:
    result = compute_trends(write_rows(tmp_path / "s.jsonl", dated_rows()), by="org")
    (cell,) = result.cells
    assert (cell.group, cell.period, cell.documents) == ("EWL", "2020", 5)
    assert result.skipped_paragraphs == {"a date that could not be read": 2, "no date": 1}
    assert result.unreadable_dates == ("Spring 2020",)


def test_trends_by_month_leaves_out_year_only_dates_and_says_why(tmp_path: Path) -> None:
    result = compute_trends(write_rows(tmp_path / "s.jsonl", dated_rows()), "org", "month")
    assert [(c.period, c.documents) for c in result.cells] == [("2020-03", 4)]
    assert result.skipped_paragraphs["a date that gives the year only"] == 2


def test_trends_cli_warns_with_examples_and_takes_a_date_format(tmp_path: Path) -> None:
    rows = dated_rows() + document("us", ["neutral"], "EWL", "03/14/2020")
    scored = write_rows(tmp_path / "s.jsonl", rows)
    result = run_cli("trends", scored, "--by", "org", "--min-docs", "1", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.output
    assert (
        "warning: left out 3 paragraph(s) with a date that could not be read (for example "
        in result.stderr
    )
    assert "'03/14/2020', 'Spring 2020'" in result.stderr and "--date-format" in result.stderr
    assert "no date" in result.stderr and "left out 1 paragraph(s) with no date." in result.stderr
    fixed = run_cli(
        "trends", scored, "--by", "org", "--date-format", "%m/%d/%Y", "-o", tmp_path / "u"
    )
    assert fixed.exit_code == 0, fixed.output
    assert "'03/14/2020'" not in fixed.stderr and "'Spring 2020'" in fixed.stderr


def test_trends_with_only_unreadable_dates_says_so(tmp_path: Path) -> None:
    rows = document("a", ["neutral"], "EWL", "Spring 2020")
    result = run_cli("trends", write_rows(tmp_path / "s.jsonl", rows), "--by", "org")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "a date that could not be read" in line and "'Spring 2020'" in line
    assert "--date-format" in line


def test_trends_without_by_and_over_the_whole_period(tmp_path: Path) -> None:
    """Issue 22: share over time for everyone (no --by), and per group overall (--every all)."""
    rows = document("a", ["abolitionist", "neutral"], "EWL", "2019-01-01")
    rows += document("b", ["decriminalisation"], "SWAN", "2020-01-01")
    rows += document("c", ["decriminalisation"], "SWAN", None)
    scored = write_rows(tmp_path / "s.jsonl", rows)
    everyone = compute_trends(scored, min_docs=1)
    assert [(c.group, c.period, c.documents) for c in everyone.cells] == [
        ("all", "2019", 1),
        ("all", "2020", 1),
    ]
    overall = compute_trends(scored, by="org", every="all", min_docs=1)
    assert [(c.group, c.period, c.documents) for c in overall.cells] == [
        ("EWL", "all", 1),
        ("SWAN", "all", 2),  # no date needed for the whole period
    ]
    assert overall.skipped_paragraphs == {}
    out = tmp_path / "t"
    result = run_cli("trends", scored, "--every", "all", "--min-docs", "1", "-o", out)
    assert result.exit_code == 0, result.output
    assert "Stance over the whole period" in (out / "trends.html").read_text(encoding="utf-8")


def test_predict_reads_the_dates_and_reports_the_unreadable_ones(
    tiny_model: Path, tmp_path: Path
) -> None:
    table = tmp_path / "t.csv"
    table.write_text(
        "id,date,text\n"
        + "".join(f"d{i},{when},Sex work is work.\n" for i, when in enumerate(DATES)),
        encoding="utf-8",
    )
    out = tmp_path / "scored.jsonl"
    result = run_cli("predict", table, "--id-column", "id", "--model", tiny_model, "-o", out)
    assert result.exit_code == 0, result.output
    dates = [json.loads(line)["date"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert dates == ["2020-03-13", "2020", "2020-03", "2020-03-13", "2020-03-13", "Spring 2020"]
    assert "warning: 1 document(s) have a date that could not be read" in result.stderr
    assert "d5: 'Spring 2020'" in result.stderr and "--date-format" in result.stderr
    month_first = run_cli(
        "predict", table, "--id-column", "id", "--model", tiny_model, "--date-format",
        "%m/%d/%Y", "-o", tmp_path / "m.jsonl",
    )  # fmt: skip
    assert "d0: '13/03/2020'" in month_first.stderr
