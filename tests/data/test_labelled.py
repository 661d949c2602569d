"""stancekit.data.labelled.read_labelled_table: a user's labelled JSONL, CSV or TSV file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from stancekit.data.labelled import read_labelled_table
from stancekit.errors import DataError, InputError


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def one_line_error(excinfo: pytest.ExceptionInfo) -> str:
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def test_csv_with_documents_and_hard_cases(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dev.csv",
        ["doc_id", "text", "label", "hard", "paragraph_index"],
        [
            ["a", "Sex work is work.", "decriminalisation", "true", "0"],
            ["a", "The court adjourned.", " neutral ", "false", "1"],
            ["b", "End demand.", "abolitionist", "1", "0"],
            ["c", "Some paragraph, with a comma.", "neutral", "", "0"],
        ],
    )
    rows = read_labelled_table(path)
    assert [r["text"] for r in rows] == [
        "Sex work is work.",
        "The court adjourned.",
        "End demand.",
        "Some paragraph, with a comma.",
    ]
    assert [r["label"] for r in rows] == [
        "decriminalisation",
        "neutral",  # surrounding spaces stripped
        "abolitionist",
        "neutral",
    ]
    assert [r["doc_id"] for r in rows] == ["a", "a", "b", "c"]
    assert [r["hard"] for r in rows] == [True, False, True, False]


def test_jsonl_with_booleans_and_a_group_column(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "dev.jsonl",
        [
            {"body": "Sex work is work.", "stance": "decriminalisation", "site": 3, "hard": True},
            {"body": "End demand.", "stance": "abolitionist", "site": 3, "hard": False},
            {"body": "Press contact.", "stance": "neutral", "site": 4},
        ],
    )
    rows = read_labelled_table(path, text_column="body", label_column="stance", group_column="site")
    assert [r["doc_id"] for r in rows] == ["3", "3", "4"]  # str, whatever the JSON type
    assert [r["hard"] for r in rows] == [True, False, False]
    assert [r["label"] for r in rows] == ["decriminalisation", "abolitionist", "neutral"]


def test_without_a_document_column_each_row_is_its_own_group(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dev.tsv",
        ["text", "label"],
        [["One, two.", "neutral"], ["Sex work is work.", "decriminalisation"]],
        delimiter="\t",
    )
    rows = read_labelled_table(path)
    assert [r["doc_id"] for r in rows] == ["dev.tsv:1", "dev.tsv:2"]
    assert [r["text"] for r in rows] == ["One, two.", "Sex work is work."]
    assert [r["hard"] for r in rows] == [False, False]


def test_a_group_column_wins_over_doc_id(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dev.csv",
        ["doc_id", "site", "text", "label"],
        [["a", "s1", "x y", "neutral"], ["b", "s1", "z w", "neutral"]],
    )
    assert [r["doc_id"] for r in read_labelled_table(path, group_column="site")] == ["s1", "s1"]


@pytest.mark.parametrize(
    ("options", "option", "column"),
    [
        ({"text_column": "body"}, "--text-column", "body"),
        ({"label_column": "stance"}, "--label-column", "stance"),
        ({"group_column": "site"}, "--group-column", "site"),
    ],
)
def test_a_missing_column_names_the_option(
    tmp_path: Path, options: dict, option: str, column: str
) -> None:
    path = write_csv(tmp_path / "dev.csv", ["text", "label"], [["Sex work is work.", "neutral"]])
    with pytest.raises(InputError) as excinfo:
        read_labelled_table(path, **options)
    message = one_line_error(excinfo)
    assert option in message and repr(column) in message
    assert "text, label" in message  # the columns that exist
    assert str(path) in message


def test_a_missing_column_in_a_jsonl_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dev.jsonl", [{"text": "Sex work is work.", "stance": "x"}])
    with pytest.raises(InputError) as excinfo:
        read_labelled_table(path)
    message = one_line_error(excinfo)
    assert "--label-column" in message and "'label'" in message


def test_a_field_missing_from_a_later_jsonl_row(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "dev.jsonl",
        [{"text": "Sex work is work.", "label": "neutral"}, {"text": "End demand."}],
    )
    with pytest.raises(DataError) as excinfo:
        read_labelled_table(path)
    message = one_line_error(excinfo)
    assert f"{path}:2: no 'label' field" in message


def test_labels_match_in_any_case_and_spelling_and_through_a_map(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dev.csv",
        ["text", "label"],
        [["Sex work is work.", "Decriminalization"], ["End demand.", "ANTI"], ["x", "Neutral"]],
    )
    rows = read_labelled_table(path, label_map={"anti": "abolitionist"})
    assert [r["label"] for r in rows] == ["decriminalisation", "abolitionist", "neutral"]


def test_a_doc_column_names_documents_and_numbers_paragraphs(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dev.csv",
        ["site", "text", "label"],
        [["s1", "x y", "neutral"], ["s2", "z w", "neutral"], ["s1", "v u", "neutral"]],
    )
    rows = read_labelled_table(path, doc_column="site")
    assert [(r["document"], r["paragraph_index"], r["doc_id"]) for r in rows] == [
        ("s1", 0, "s1"),
        ("s2", 0, "s2"),
        ("s1", 1, "s1"),
    ]


@pytest.mark.parametrize("label", ["pro", "uncertain", ""])
def test_a_label_outside_the_stancekit_labels_is_refused(tmp_path: Path, label: str) -> None:
    path = write_csv(
        tmp_path / "dev.csv",
        ["text", "label"],
        [["Sex work is work.", "decriminalisation"], ["End demand.", label]],
    )
    with pytest.raises(DataError) as excinfo:
        read_labelled_table(path)
    message = one_line_error(excinfo)
    assert "row 2" in message and repr(label) in message
    assert "decriminalisation, abolitionist, neutral" in message


def test_empty_text_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dev.jsonl", [{"text": "   ", "label": "neutral"}])
    with pytest.raises(DataError, match=r"dev\.jsonl:1: 'text' is empty") as excinfo:
        read_labelled_table(path)
    one_line_error(excinfo)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("dev.txt", "text,label\n", "unknown format '.txt'"),
        ("dev.csv", "", "no header row"),
        ("dev.csv", "text,label\n", "no rows"),
        ("dev.jsonl", "", "no rows"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_labelled_table(path)
    assert expected in one_line_error(excinfo)


def test_a_folder_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_labelled_table(folder)
    with pytest.raises(InputError) as excinfo:
        read_labelled_table(tmp_path / "missing.jsonl")
    assert "missing.jsonl" in one_line_error(excinfo)


# -- one reader: train --data, data agreement (labelled.read_table) and evaluate --data ------

ODD_CSV = (
    "doc_id,paragraph_index,text,label,hard,site\n"
    'a,1.0,"Sex work is work.\nRights, not raids.",Decriminalization,yes,s1\n'
    "a,,End demand.,ANTI,no,s1\n"
    "b,0,The court adjourned.,neutral,,s2\n"
)


LABEL_MAP = {"anti": "abolitionist"}
FIELDS = ("doc_id", "paragraph_index", "text", "label", "hard")


def _train_rows(path: Path) -> list[dict]:
    """The rows ``train --data`` and ``data agreement`` read, in the fields both readers give."""
    from stancekit.data.labelled import Columns, read_table

    return [{k: r[k] for k in FIELDS} for r in read_table(path, Columns(), LABEL_MAP).rows]


def _evaluate_rows(path: Path) -> list[dict]:
    """The rows ``evaluate --data`` reads, in the fields both readers give."""
    rows = read_labelled_table(path, label_map=LABEL_MAP)
    assert all(row["document"] == row["doc_id"] for row in rows)  # no --group-column
    return [{k: r[k] for k in FIELDS} for r in rows]


def _both_readers(path: Path) -> tuple[list[dict], list[dict]]:
    return _train_rows(path), _evaluate_rows(path)


def test_both_readers_read_an_odd_csv_alike(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(ODD_CSV, encoding="utf-8")
    trained, evaluated = _both_readers(path)
    assert (
        trained
        == evaluated
        == [
            {  # a line break in a cell is a space; 1.0 is paragraph 1; yes is hard
                "doc_id": "a",
                "paragraph_index": 1,
                "text": "Sex work is work. Rights, not raids.",
                "label": "decriminalisation",
                "hard": True,
            },
            {
                "doc_id": "a",
                "paragraph_index": 2,
                "text": "End demand.",
                "label": "abolitionist",
                "hard": False,
            },
            {
                "doc_id": "b",
                "paragraph_index": 0,
                "text": "The court adjourned.",
                "label": "neutral",
                "hard": False,
            },
        ]
    )


def test_both_readers_read_an_annotate_file_alike(tmp_path: Path) -> None:
    row = {
        "doc_id": "report.txt",
        "paragraph_index": 7,
        "text": "Criminalising clients pushes sex workers into danger.",
        "label": "decriminalisation",
        "source": "report.txt",
        "origin": "annotated",
        "hard": True,
        "annotator": "ana",
        "model_probabilities": {"decriminalisation": 0.5, "abolitionist": 0.3, "neutral": 0.2},
        "picked_by": "uncertainty",
        "model_round": 2,
    }
    path = write_jsonl(tmp_path / "ana.jsonl", [row])
    trained, evaluated = _both_readers(path)
    assert trained == evaluated == [{k: row[k] for k in trained[0]}]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("a,0,One.,neutral,maybe,s1", r"odd\.csv: row 4: 'hard' must be true or false"),
        ("a,1.5,One.,neutral,no,s1", r"odd\.csv: row 4: 'paragraph_index' must be a whole"),
        (",0,One.,neutral,no,s1", r"odd\.csv: row 4: 'doc_id' is empty"),
        ("a,0,One.,maybe,no,s1", r"odd\.csv: row 4: unknown label 'maybe'"),
        ('a,0," ",neutral,no,s1', r"odd\.csv: row 4: 'text' is empty"),
        ('a,0,"One.\x00",neutral,no,s1', r"odd\.csv: row 4: text holds U\+0000"),
    ],
)
def test_both_readers_refuse_a_bad_row_with_one_error(
    tmp_path: Path, bad: str, message: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(ODD_CSV + bad + "\n", encoding="utf-8")
    raised = []
    for read in (_train_rows, _evaluate_rows):
        with pytest.raises(DataError, match=message) as excinfo:
            read(path)
        raised.append(one_line_error(excinfo))
    assert raised[0] == raised[1]
