"""Outputs a spreadsheet opens (issue 23): text that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import run_cli
from stancekit.io.cells import defuse_formula

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


def _scored(doc: str, org: object, date: object, label: str = "neutral") -> dict:
    return {
        "doc_id": doc,
        "paragraph_index": 0,
        "label": label,
        "p_abolitionist": 0.1,
        "p_decriminalisation": 0.1,
        "p_neutral": 0.8,
        "date": date,
        "org": org,
    }


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_trends_one_non_string_date_leaves_the_others_readable(tmp_path: Path) -> None:
    from stancekit.trends.compute import compute_trends

    rows = [_scored(f"d{i}", "SWAN", f"2019-0{i + 1}-01") for i in range(4)]
    rows.append(_scored("odd", "SWAN", 5))
    rows.append(_scored("num", 7, "2020-01-01"))  # a number as group: 7, not "7" quoted
    result = compute_trends(_jsonl(tmp_path / "s.jsonl", rows), by="org", min_docs=1)
    cells = {(c.group, c.period): c.documents for c in result.cells}
    assert cells == {("SWAN", "2019"): 4, ("7", "2020"): 1}
    # present but unreadable: reported as such, never as "no date" (issue 22)
    assert result.skipped_paragraphs == {"a date that could not be read": 1}


@pytest.mark.parametrize("date", ["9999-01-01", "0000-01-01", "-0044-03-15", "0044-03-15"])
def test_trends_years_out_of_range_are_no_dates(tmp_path: Path, date: str) -> None:
    from stancekit.trends.compute import compute_trends

    rows = [_scored("a", "SWAN", "2019-01-01"), _scored("b", "SWAN", date)]
    result = compute_trends(_jsonl(tmp_path / "s.jsonl", rows), by="org", min_docs=1)
    assert [(c.group, c.period, c.documents) for c in result.cells] == [("SWAN", "2019", 1)]
    assert result.skipped_paragraphs == {"a date that could not be read": 1}


def test_trends_partition_folders_never_override_the_rows_columns(tmp_path: Path) -> None:
    import pandas as pd

    from stancekit.errors import StancekitWarning
    from stancekit.trends.compute import compute_trends

    folder = tmp_path / "scored"
    part = folder / "date=2001-01-01" / "org=ZZZ"
    part.mkdir(parents=True)
    rows = [_scored("a", "SWAN", "2019-05-01"), _scored("b", "EWL", "2020-01-01")]
    pd.DataFrame(rows).to_parquet(part / "part.0.parquet")
    with pytest.warns(StancekitWarning, match="disagree with their own"):
        result = compute_trends(folder, by="org", min_docs=1)
    assert [(c.group, c.period) for c in result.cells] == [("EWL", "2020"), ("SWAN", "2019")]
    # A partition key the rows lack is still read from the folder names.
    lacking = tmp_path / "lacking"
    (lacking / "region=north").mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(lacking / "region=north" / "part.0.parquet")
    result = compute_trends(lacking, by="region", min_docs=1)
    assert {c.group for c in result.cells} == {"north"}


# --- trends lows -----------------------------------------------------------------------------


def _orgs_jsonl(path: Path, orgs: list[object], **columns: object) -> Path:
    rows = []
    for d in range(3):
        for org in orgs:
            row = _scored(f"{org}-{d}", org, "2019-01-01")
            row.update(columns)
            rows.append(row)
    return _jsonl(path, rows)


def test_trends_an_all_null_probability_is_empty_not_zero(tmp_path: Path) -> None:
    scored = _orgs_jsonl(tmp_path / "s.jsonl", ["SWAN"], p_abolitionist=None)
    result = run_cli("trends", scored, "--by", "org", "--min-docs", "1", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.output
    with (tmp_path / "t" / "trends.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["mean_p_abolitionist"] == "" and row["mean_p_neutral"] == "0.8"
    assert "warning: p_abolitionist is empty in every row" in result.stderr


def test_trends_group_names_cannot_drive_the_terminal(tmp_path: Path) -> None:
    evil = "SW\x1b]0;owned\x07AN\nfake row\x1b[2J"
    scored = _orgs_jsonl(tmp_path / "s.jsonl", [evil, "EWL"])
    result = run_cli("trends", scored, "--by", "org", "--min-docs", "5", "-o", tmp_path / "t")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    lines = result.stdout.strip().splitlines()  # header, two groups, hidden columns, * note
    assert lines[0].startswith("org") and lines[-1] == "* fewer than 5 documents"
    assert sum(line.startswith(("EWL", "SW")) for line in lines) == 2
    assert not any(line.startswith("fake row") for line in lines)
    assert r"SW\x1b]0;owned\x07AN\x" in result.stdout  # shown, clipped to the column


def test_trends_parquet_parts_with_different_labels_are_refused(tmp_path: Path) -> None:
    import pandas as pd

    from conftest import assert_one_error_line

    folder = tmp_path / "scored"
    folder.mkdir()
    pd.DataFrame([_scored("a", "SWAN", "2019-01-01")]).to_parquet(folder / "part.0.parquet")
    other = {"doc_id": "b", "label": "pro", "p_pro": 0.9, "p_anti": 0.1, "date": "2019-01-01"}
    pd.DataFrame([{**other, "org": "SWAN"}]).to_parquet(folder / "part.1.parquet")
    result = run_cli("trends", folder, "--by", "org", "-o", tmp_path / "t")
    assert_one_error_line(result, "its parts were scored with different labels")
    assert "p_anti, p_pro" in result.stderr
    assert not (tmp_path / "t").exists()


def test_trends_a_full_disk_leaves_the_previous_outputs_whole(tmp_path: Path, small_disk) -> None:
    import hashlib
    import os

    from conftest import assert_one_error_line

    out = small_disk.root / "t"
    first = _orgs_jsonl(tmp_path / "a.jsonl", ["SWAN"])
    assert run_cli("trends", first, "--by", "org", "--min-docs", "1", "-o", out).exit_code == 0

    def digests() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}

    before = digests()
    small_disk.fill()
    # Room for a new trends.csv (a page or two), not for a new chart.
    os.truncate(small_disk.filler, max(0, small_disk.filler.stat().st_size - 8192))
    second = _orgs_jsonl(tmp_path / "b.jsonl", ["SWAN", "EWL", "ZZZ"])
    result = run_cli("trends", second, "--by", "org", "--min-docs", "1", "-o", out)
    assert_one_error_line(result, "the disk is full")
    assert digests() == before  # the previous three, whole; no staging folder
    small_disk.free()
