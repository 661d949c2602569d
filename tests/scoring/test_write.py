from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from stancekit.errors import InputError, UsageError
from stancekit.scoring.columns import paragraph_record
from stancekit.scoring.rows import ScoredParagraph
from stancekit.scoring.write import render, write_results

LABELS = ("abolitionist", "decriminalisation")


def scored(doc: str, i: int, predicted: str, p: float, **extra: object) -> ScoredParagraph:
    return ScoredParagraph(
        doc,
        i,
        f"text {doc} {i}",
        None,
        predicted,
        {"abolitionist": 1 - p, "decriminalisation": p},
        abs(2 * p - 1),
        extra,
        {"abolitionist": [["buyers", 0.5]], "decriminalisation": []},
    )


ROWS = [
    scored("a", 0, "decriminalisation", 0.8, label="gold", year=2020),
    scored("a", 1, "abolitionist", 0.3),
    scored("b", 0, "abolitionist", 0.1),
]


def test_paragraph_record_renames_clashing_pass_through_columns() -> None:
    record = paragraph_record(ROWS[0])
    assert list(record)[:6] == [
        "doc_id",
        "paragraph_index",
        "label",
        "p_abolitionist",
        "p_decriminalisation",
        "margin",
    ]
    assert record["label"] == "decriminalisation" and record["input_label"] == "gold"
    assert record["year"] == 2020 and record["explain_abolitionist"] == [["buyers", 0.5]]


def test_jsonl_and_csv() -> None:
    lines = render(ROWS, "jsonl", LABELS).splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["a", "a", "b"]
    table = list(csv.DictReader(io.StringIO(render(ROWS, "csv", LABELS))))
    assert table[0]["explain_abolitionist"] == '[["buyers", 0.5]]'
    assert float(table[1]["p_decriminalisation"]) == pytest.approx(0.3)


def test_aggregate_rows() -> None:
    docs = [json.loads(line) for line in render(ROWS, "jsonl", LABELS, aggregate=True).splitlines()]
    assert [(d["doc_id"], d["paragraphs"], d["label"]) for d in docs] == [
        ("a", 2, "decriminalisation"),
        ("b", 1, "abolitionist"),
    ]
    assert docs[0]["mean_p_decriminalisation"] == pytest.approx(0.55)
    assert docs[0]["share_abolitionist"] == 0.5


def test_table_shows_paragraphs_and_documents() -> None:
    text = render(ROWS, "table", LABELS)
    assert text.count("── ") == 2 and text.count("=> ") == 2
    assert "toward abolitionist: buyers +0.50" in text


def test_parquet_round_trip(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "out.parquet"
    with path.open("wb") as handle:
        assert write_results(ROWS, handle, "parquet", LABELS) == 3
    table = pq.read_table(path).to_pylist()
    assert [r["paragraph_index"] for r in table] == [0, 1, 0]
    assert table[0]["year"] == "2020" and table[1]["year"] is None
    with pytest.raises(InputError, match="binary"):
        render(ROWS, "parquet", LABELS)
    with pytest.raises(UsageError, match="--format"):
        render(ROWS, "xml", LABELS)


def test_aggregate_and_table_keep_records_that_share_an_id_apart() -> None:
    rows = [
        scored("same", 0, "decriminalisation", 0.8),
        scored("same", 0, "abolitionist", 0.2),
        scored("same", 1, "abolitionist", 0.3),
    ]
    docs = [json.loads(line) for line in render(rows, "jsonl", LABELS, aggregate=True).splitlines()]
    assert [(d["doc_id"], d["paragraphs"], d["label"]) for d in docs] == [
        ("same", 1, "decriminalisation"),
        ("same", 2, "abolitionist"),
    ]
    assert render(rows, "table", LABELS).count("── same") == 2


def test_summary_columns_from_the_input_are_renamed() -> None:
    rows = [scored("a", 0, "abolitionist", 0.2, share_x=1, mean_p_y=2, input_z=3)]
    doc = json.loads(render(rows, "jsonl", LABELS, aggregate=True))
    assert doc["input_share_x"] == 1 and doc["input_mean_p_y"] == 2 and doc["input_input_z"] == 3
    assert "share_x" not in doc and "mean_p_y" not in doc


def test_jsonl_encodes_decimal_and_bytes_from_parquet() -> None:
    from decimal import Decimal

    rows = [scored("a", 0, "abolitionist", 0.2, amount=Decimal("1.50"), raw=b"caf\xc3\xa9")]
    record = json.loads(render(rows, "jsonl", LABELS))
    assert record["amount"] == "1.50" and record["raw"] == "café"


def test_tsv() -> None:
    table = list(csv.DictReader(io.StringIO(render(ROWS, "tsv", LABELS)), delimiter="\t"))
    assert [r["doc_id"] for r in table] == ["a", "a", "b"] and table[0]["year"] == "2020"


def test_parquet_failure_mid_stream_releases_the_file(tmp_path: Path) -> None:
    def rows_then_failure():
        yield from ROWS
        raise InputError("input broke")

    path = tmp_path / "out.parquet"
    with path.open("wb") as handle, pytest.raises(InputError, match="input broke"):
        write_results(rows_then_failure(), handle, "parquet", LABELS)


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_output_is_what_the_csv_module_writes(delimiter: str) -> None:
    from decimal import Decimal

    from stancekit.scoring.write import CsvWriter

    values = [
        "plain",
        "a, comma",
        "a\ttab",
        'a "quote"',
        "line\nbreak",
        "",
        None,
        0.1 + 0.2,
        7,
        True,
        Decimal("1.50"),
        "naïve — “curly”",
        " padded ",
    ]
    records = [{f"c{i}": v for i, v in enumerate(values)}, {"c0": "only one set"}]
    for shift in (3, 5):
        records.append({f"c{i}": values[(i + shift) % len(values)] for i in range(len(values))})
    ours = io.StringIO()
    writer = CsvWriter(ours, delimiter=delimiter)
    for record in records:
        writer.write(record)
    expected = io.StringIO()
    reference = csv.writer(expected, delimiter=delimiter, lineterminator="\n")
    reference.writerow(list(records[0]))
    for record in records:
        reference.writerow([record.get(name) for name in records[0]])
    assert ours.getvalue() == expected.getvalue()
    single = io.StringIO()
    CsvWriter(single).write({"": ""})
    expected_single = io.StringIO()
    csv.writer(expected_single, lineterminator="\n").writerows([[""], [""]])
    assert single.getvalue() == expected_single.getvalue()
    # A carriage return is quoted too (csv.writer with "\n" line ends leaves it bare, which
    # its own reader then splits): the row reads back whole.
    quoted = io.StringIO()
    CsvWriter(quoted, delimiter=delimiter).write({"a": "carriage\rreturn", "b": "x"})
    rows = list(csv.reader(io.StringIO(quoted.getvalue(), newline=""), delimiter=delimiter))
    assert rows == [["a", "b"], ["carriage\rreturn", "x"]]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_table_fits_the_terminal_width_with_short_unambiguous_headers(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    long = ScoredParagraph(
        "a-very-long-document-identifier-" * 4,
        0,
        "word " * 80,
        "2020-01-01",
        "decriminalisation",
        {"abolitionist": 0.2, "decriminalisation": 0.8},
        0.6,
        {},
        None,
    )
    text = render([long, *ROWS], "table", LABELS)
    assert max(len(line) for line in text.splitlines()) <= width
    header = text.splitlines()[0].split()
    assert header[:4] == ["para", "label", "p_abol", "p_decr"]
    assert "…" in text  # the long text is clipped on the terminal ...
    assert ("word " * 80).strip() in render([long], "jsonl", LABELS)  # ... never in a file


def test_aggregate_table_shows_only_documents() -> None:
    text = render(ROWS, "table", LABELS, aggregate=True)
    assert text.count("── ") == 2 and text.count("=> ") == 2
    assert "text a 0" not in text and not text.startswith("para")


def test_csv_excel_has_a_bom_and_crlf() -> None:
    text = render([scored("ä", 0, "abolitionist", 0.2, note="Zoë, «quoted»")], "csv-excel", LABELS)
    assert text.startswith("\ufeffdoc_id,") and text.count("\r\n") == 2
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["doc_id"] == "ä" and rows[0]["note"] == "Zoë, «quoted»"


def test_xlsx_round_trip_keeps_text_and_refuses_stdout(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    rows = [scored("c", 0, "abolitionist", 0.4, note="=1+1 is text"), *ROWS]
    with path.open("wb") as handle:
        assert write_results(rows, handle, "xlsx", LABELS) == 4
    sheet = load_workbook(path, read_only=True)["scores"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("doc_id", "paragraph_index", "label")
    assert [v[0] for v in values[1:]] == ["c", "a", "a", "b"]
    header = list(values[0])
    assert values[2][header.index("p_decriminalisation")] == pytest.approx(0.8)
    assert values[1][header.index("note")] == "=1+1 is text"
    with pytest.raises(InputError, match="binary"):
        render(ROWS, "xlsx", LABELS)


def test_one_column_kind_for_every_route_and_format(tmp_path) -> None:
    """The stream's Parquet writer, the whole-table route and Dask (arrow_schema, empty_frame)
    type each output column by the one rule, column_kind."""
    import pyarrow.parquet as pq

    from stancekit.scoring.columns import arrow_schema, column_kind, empty_frame
    from stancekit.scoring.write import ParquetWriter

    names = ["doc_id", "paragraph_index", "paragraphs", "label", "p_neutral", "share_neutral"]
    names += ["mean_p_neutral", "margin", "language", "year", "text"]
    kinds = [column_kind(name) for name in names]
    expected = "string int int string float float float float string string string"
    assert kinds == expected.split()
    arrow = {"int": "int64", "float": "double", "string": "string"}
    assert [str(t) for t in arrow_schema(names).types] == [arrow[k] for k in kinds]
    pandas = {"int": "Int64", "float": "float64", "string": "object"}
    assert [str(t) for t in empty_frame(names).dtypes] == [pandas[k] for k in kinds]
    path = tmp_path / "out.parquet"
    with path.open("wb") as handle:
        writer = ParquetWriter(handle)
        writer.write_batch([dict.fromkeys(names)])
        writer.close()
    assert pq.read_schema(path).remove_metadata() == arrow_schema(names)
