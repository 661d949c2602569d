"""A user's labelled tables: formats, columns, lenient labels, label maps, documents."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from stancekit.data.labelled import Columns, read_table, read_user_labels
from stancekit.errors import DataError, InputError
from stancekit.labels import canonical_label, label_key, parse_label_map


def one_line(excinfo: pytest.ExceptionInfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("decriminalisation", "decriminalisation"),
        ("decriminalization", "decriminalisation"),
        ("Decriminalisation", "decriminalisation"),
        (" DECRIMINALIZATION ", "decriminalisation"),
        ("de-criminalisation", "decriminalisation"),
        ("Abolitionist", "abolitionist"),
        ("NEUTRAL", "neutral"),
        ("decrim", None),
        ("pro", None),
    ],
)
def test_labels_are_matched_by_case_and_spelling(spelling: str, label: str | None) -> None:
    assert canonical_label(spelling) == label


def test_label_key_folds_isation_and_marks() -> None:
    assert label_key("Pro_Sex Work") == "prosexwork"
    assert label_key("organisation") == label_key("organization")


def test_a_label_map_maps_the_users_scheme() -> None:
    assert parse_label_map("pro=decriminalisation, Anti=Abolitionist,other=NEUTRAL") == {
        "anti": "abolitionist",
        "other": "neutral",
        "pro": "decriminalisation",
    }
    assert parse_label_map(None) == {} and parse_label_map(" ") == {}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("pro", "'pro' is not YOURS=LABEL"),
        ("pro=", "'pro=' is not YOURS=LABEL"),
        ("pro=yes", "'yes' (for 'pro') is not a stancekit label"),
        ("pro=neutral,pro=abolitionist", "'pro' is mapped twice"),
    ],
)
def test_a_bad_label_map_is_one_error_line(spec: str, expected: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_label_map(spec)
    assert expected in one_line(excinfo)


def test_csv_with_a_label_map_and_no_document_column(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        'body,stance\n"Sex work is work.",pro\n"End demand.",ANTI\n"Line one\nline two",neutral\n',
        encoding="utf-8",
    )
    mapping = parse_label_map("pro=decriminalisation,anti=abolitionist")
    rows = read_user_labels(path, Columns(text="body", label="stance"), mapping)
    assert [r["label"] for r in rows] == ["decriminalisation", "abolitionist", "neutral"]
    # each row its own document, id from the file name and row number; index 0
    assert [r["doc_id"] for r in rows] == ["mine.csv:1", "mine.csv:2", "mine.csv:3"]
    assert [r["paragraph_index"] for r in rows] == [0, 0, 0]
    assert rows[2]["text"] == "Line one line two"  # a line break in a cell is a space
    assert {r["origin"] for r in rows} == {"external"}
    assert {r["source"] for r in rows} == {"mine.csv"}


def test_a_document_column_numbers_paragraphs_in_order(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        "site\ttext\tlabel\na\tOne.\tneutral\nb\tTwo.\tneutral\na\tThree.\tabolitionist\n",
        encoding="utf-8",
    )
    table = read_table(path, Columns(doc="site"))
    assert table.has_documents
    assert [(r["doc_id"], r["paragraph_index"]) for r in table.rows] == [
        ("a", 0),
        ("b", 0),
        ("a", 1),
    ]


def test_annotate_rows_keep_their_fields(tmp_path: Path) -> None:
    row = {
        "doc_id": "report.txt",
        "paragraph_index": 7,
        "text": "Criminalising clients pushes sex workers into danger.",
        "label": "decriminalisation",
        "source": "report.txt",
        "origin": "annotated",
        "date": None,
        "annotator": "ana",
        "timestamp": "2026-11-30T23:10:05Z",
        "model_probabilities": {"decriminalisation": 0.5, "abolitionist": 0.3, "neutral": 0.2},
        "picked_by": "uncertainty",
        "model_round": 2,
    }
    path = tmp_path / "ana.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.has_documents
    (got,) = table.rows
    assert {k: got[k] for k in row} == row
    assert got["genre"] is None and got["hard"] is False


def test_parquet_with_index_and_csv_types(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "mine.parquet"
    pq.write_table(
        pa.table(
            {
                "doc_id": ["d1", "d1"],
                "paragraph_index": [3, 5],
                "text": ["Sex work is work.", "End demand."],
                "label": ["Decriminalization", "abolitionist"],
                "year": [2020, None],
                "date": [datetime.date(2020, 5, 1), None],
            }
        ),
        path,
    )
    rows = read_user_labels(path, origin="annotated")
    assert [r["paragraph_index"] for r in rows] == [3, 5]
    assert [r["year"] for r in rows] == [2020, None]
    assert [r["date"] for r in rows] == ["2020-05-01", None]
    assert [r["origin"] for r in rows] == ["annotated", "annotated"]


def test_csv_strings_are_read_as_the_schema_types(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "doc_id,paragraph_index,text,label,year,hard\nd,2,One.,neutral,2019,yes\n", "utf-8"
    )
    (row,) = read_user_labels(path)
    assert (row["paragraph_index"], row["year"], row["hard"]) == (2, 2019, True)


def test_an_unknown_label_names_value_file_line_and_the_option(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(
        '{"text": "One.", "label": "neutral"}\n{"text": "Two.", "label": "pro"}\n', "utf-8"
    )
    with pytest.raises(DataError) as excinfo:
        read_user_labels(path)
    message = one_line(excinfo)
    assert f"{path}:2" in message and "'pro'" in message and "--label-map" in message


def test_unknown_label_in_csv_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("text,label\nOne.,neutral\nTwo.,maybe\n", "utf-8")
    with pytest.raises(DataError) as excinfo:
        read_user_labels(path)
    assert f"{path}: row 2: unknown label 'maybe'" in one_line(excinfo)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("mine.txt", "x", "unknown format '.txt'"),
        ("mine.csv", "text,label\n", "no rows"),
        ("mine.csv", "body,label\nOne.,neutral\n", "no column 'text' (--text-column)"),
        ("mine.csv", "text,label\n,neutral\n", "row 1: 'text' is empty"),
        ("mine.csv", "text,label,doc_id\nOne.,neutral,\n", "'doc_id' is empty"),
        ("mine.csv", "text,label,paragraph_index\nOne.,neutral,x\n", "must be a whole number"),
    ],
)
def test_unusable_tables(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises((InputError, DataError)) as excinfo:
        read_user_labels(path)
    assert expected in one_line(excinfo)


def test_a_missing_doc_column_names_its_option(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("text,label\nOne.,neutral\n", "utf-8")
    with pytest.raises(InputError) as excinfo:
        read_user_labels(path, Columns(doc="site"))
    assert "no column 'site' (--doc-column)" in one_line(excinfo)


def test_a_document_in_two_files_is_refused(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text("doc_id,text,label\nd,One.,neutral\n", "utf-8")
    with pytest.raises(DataError, match="document 'd' is also in"):
        read_user_labels([tmp_path / "a.csv", tmp_path / "b.csv"])
