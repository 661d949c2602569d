"""stancekit.trends.compute and stancekit trends: shares by group and period from scored rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_one_error_line, run_cli
from stancekit.errors import InputError, UsageError
from stancekit.trends.compute import bootstrap_shares, compute_trends
from stancekit.trends.output import terminal_table, write_outputs

LABELS = ("abolitionist", "decriminalisation", "neutral")


def row(doc: str, i: int, label: str, org: str | None, date: str | None) -> dict:
    probs = {name: (0.8 if name == label else 0.1) for name in LABELS}
    return {
        "doc_id": doc,
        "paragraph_index": i,
        "label": label,
        **{f"p_{name}": p for name, p in probs.items()},
        "margin": 0.7,
        "date": date,
        "org": org,
        "text": f"paragraph {i} of {doc}",
    }


def document(doc: str, labels: list[str], org: str | None, date: str | None) -> list[dict]:
    return [row(doc, i, label, org, date) for i, label in enumerate(labels)]


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def known_rows() -> list[dict]:
    """SWAN 2019: ten identical documents (1 abolitionist, 2 decriminalisation, 1 neutral).
    EWL 2019: documents that differ (shares 12/20 abolitionist). EWL 2020: three documents."""
    rows = []
    for d in range(10):
        labels = ["abolitionist", "decriminalisation", "decriminalisation", "neutral"]
        rows += document(f"swan-{d}", labels, "SWAN", f"2019-0{d % 9 + 1}-15")
    for d in range(5):
        labels = ["abolitionist"] * (d + 1) + ["neutral"] * (3 - d // 2)
        rows += document(f"ewl-{d}", labels, "EWL", "2019-06-01")
    for d in range(3):
        rows += document(f"ewl-b{d}", ["abolitionist", "neutral"], "EWL", "2020-03-03")
    return rows


def test_known_shares_and_intervals_that_cover_them(tmp_path: Path) -> None:
    result = compute_trends(write_rows(tmp_path / "s.jsonl", known_rows()), by="org", min_docs=4)
    cells = {(c.group, c.period): c for c in result.cells}
    assert list(cells) == [("EWL", "2019"), ("EWL", "2020"), ("SWAN", "2019")]
    swan = cells[("SWAN", "2019")]
    assert (swan.documents, swan.paragraphs) == (10, 40)
    assert swan.shares["decriminalisation"].share == pytest.approx(0.5)
    # identical documents: every resample gives the same share
    assert swan.shares["decriminalisation"].low == pytest.approx(0.5)
    assert swan.shares["decriminalisation"].high == pytest.approx(0.5)
    ewl = cells[("EWL", "2019")]
    abolitionist = sum(range(1, 6))
    paragraphs = abolitionist + sum(3 - d // 2 for d in range(5))
    share = ewl.shares["abolitionist"]
    assert share.share == pytest.approx(abolitionist / paragraphs)
    assert share.low < share.share < share.high
    assert ewl.mean_probabilities["abolitionist"] == pytest.approx(
        (0.8 * abolitionist + 0.1 * (paragraphs - abolitionist)) / paragraphs
    )
    assert [c.thin for c in result.cells] == [False, True, False]
    assert "uncertain" not in result.shown


def test_intervals_cover_the_share_the_documents_were_drawn_from(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    truth = {"abolitionist": 0.2, "decriminalisation": 0.5, "neutral": 0.3}
    rows = []
    for d in range(300):
        labels = rng.choice(list(truth), size=int(rng.integers(2, 9)), p=list(truth.values()))
        rows += document(f"d{d}", list(labels), "A", "2021-05-05")
    (cell,) = compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org").cells
    for name, p in truth.items():
        share = cell.shares[name]
        assert share.low <= p <= share.high, (name, share)
        assert share.high - share.low < 0.15


def test_bootstrap_is_seeded_and_resamples_documents() -> None:
    paragraphs = np.array([10, 1, 1, 1])
    counts = np.array([[10], [0], [0], [0]])  # one long document carries every stance paragraph
    first = bootstrap_shares(paragraphs, counts, 500, np.random.default_rng(1))
    again = bootstrap_shares(paragraphs, counts, 500, np.random.default_rng(1))
    assert np.array_equal(first[1], again[1]) and np.array_equal(first[2], again[2])
    assert first[0][0] == pytest.approx(10 / 13)
    # resampling documents (not paragraphs) makes the interval reach 0 (long one not drawn)
    assert first[1][0] == 0.0 and first[2][0] > 0.9


@pytest.mark.parametrize(
    ("every", "periods"),
    [
        ("year", ["2019", "2020"]),
        ("quarter", ["2019-Q1", "2019-Q2", "2020-Q4"]),
        ("month", ["2019-02", "2019-05", "2020-11"]),
    ],
)
def test_periods(tmp_path: Path, every: str, periods: list[str]) -> None:
    rows = []
    for d, date in enumerate(["2019-02-10", "2019-05-01", "2019-05-20", "2020-11-30"]):
        rows += document(f"d{d}", ["neutral", "abolitionist"], "A", date)
    result = compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org", every=every)
    assert result.periods == periods
    assert sum(c.documents for c in result.cells) == 4


def test_rows_without_date_or_group_are_left_out_and_counted(tmp_path: Path) -> None:
    rows = document("a", ["neutral"], "A", "2019-01-01") + document("b", ["neutral"] * 2, "A", "")
    rows += document("c", ["neutral"] * 3, None, "2019-01-01")
    result = compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org")
    assert [c.documents for c in result.cells] == [1]
    assert result.skipped_paragraphs == {"no date": 2, "no org": 3}


def summary(result) -> list[tuple]:
    return [
        (
            c.group,
            c.period,
            c.documents,
            c.paragraphs,
            c.shares,
            round(c.mean_probabilities["neutral"], 9),
        )
        for c in result.cells
    ]


def test_csv_and_partitioned_parquet_folder_give_the_same_table(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.dataset as ds

    rows = known_rows()
    expected = summary(compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org"))
    table = pa.Table.from_pylist(rows)
    folder = tmp_path / "scored"
    ds.write_dataset(
        table, folder, format="parquet", partitioning=["org"], partitioning_flavor="hive"
    )
    assert len(list(folder.rglob("*.parquet"))) == 2
    assert summary(compute_trends(folder, by="org")) == expected
    import csv

    with (tmp_path / "s.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert summary(compute_trends(tmp_path / "s.csv", by="org")) == expected


def test_uncertain_rows_get_a_share(tmp_path: Path) -> None:
    rows = document("a", ["neutral", "uncertain"], "A", "2019-01-01")
    result = compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org")
    assert result.shown[-1] == "uncertain"
    assert result.cells[0].shares["uncertain"].share == pytest.approx(0.5)


def test_bad_inputs(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "s.jsonl", known_rows())
    with pytest.raises(InputError, match="no column 'region' \\(--by\\); columns are: doc_id"):
        compute_trends(path, by="region")
    with pytest.raises(UsageError, match="--every"):
        compute_trends(path, by="org", every="week")
    aggregated = write_rows(tmp_path / "a.jsonl", [{"doc_id": "a", "share_neutral": 1.0}])
    with pytest.raises(InputError, match="without --aggregate"):
        compute_trends(aggregated, by="org")
    with pytest.raises(InputError, match=r"no \.parquet files"):
        (tmp_path / "empty").mkdir()
        compute_trends(tmp_path / "empty", by="org")


def test_outputs_and_a_png_that_renders(tmp_path: Path) -> None:
    import matplotlib.image

    result = compute_trends(write_rows(tmp_path / "s.jsonl", known_rows()), by="org", min_docs=4)
    paths = write_outputs(result, tmp_path / "out")
    image = matplotlib.image.imread(paths["png"])
    assert image.shape[0] > 300 and image.shape[1] > 800 and image.std() > 0
    header, *lines = paths["csv"].read_text(encoding="utf-8").splitlines()
    assert header.startswith("org,period,documents,paragraphs,share_abolitionist,")
    assert header.endswith("mean_p_neutral,thin") and len(lines) == 3
    page = paths["html"].read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "<td>SWAN</td>" in page
    assert "fewer than 4 documents" in page


@pytest.mark.parametrize("width", [60, 80, 120])
def test_terminal_table_fits_the_width(tmp_path: Path, width: int) -> None:
    rows = known_rows() + document(
        "x", ["neutral"], "A very long organisation name indeed", "2019-01-01"
    )
    result = compute_trends(write_rows(tmp_path / "s.jsonl", rows), by="org")
    text = terminal_table(result, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert text.splitlines()[0].split()[:3] == ["org", "period", "docs"]
    assert "abol" in text.splitlines()[0]
    # Issue 22: the columns dropped to fit are named.
    shown = text.splitlines()[0].split()
    hidden = [h for h in ("paras", "abol", "decr", "neut") if h not in shown]
    if hidden:
        assert f"(hidden to fit the terminal: {', '.join(hidden)};" in " ".join(text.split())
    else:
        assert "hidden" not in text


def test_cli_writes_the_outputs_and_warns_about_thin_cells(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "s.jsonl", known_rows())
    result = run_cli("trends", path, "--by", "org", "--min-docs", "4", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "SWAN" in result.stdout and "0.50 [0.50-0.50]" in result.stdout
    assert "warning: 1 of 3 cells rest on fewer than 4 documents" in result.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "trends.csv",
        "trends.png",
        "trends.html",
    }


def test_cli_missing_column_is_one_line(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "s.jsonl", known_rows())
    assert_one_error_line(
        run_cli("trends", path, "--by", "region", "-o", tmp_path / "out"), "no column 'region'"
    )
    assert not (tmp_path / "out").exists()
