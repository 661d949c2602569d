from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, tiny_rows, write_jsonl
from stancekit.data.corpus import load_corpus, read_corpus, read_rows, read_split, validate_row
from stancekit.errors import DataError
from stancekit.labels import LABELS


def test_shipped_seed_labels_load_with_a_classlabel_feature() -> None:
    dataset = load_corpus([REPO / "data/corpus/en/seeds.jsonl"])
    assert dataset.features["label"].names == list(LABELS)
    assert len(dataset) == 32
    assert set(dataset["origin"]) == {"seed"}


def test_optional_fields_are_filled_in(tiny_corpus: Path) -> None:
    row = read_rows(tiny_corpus)[0]
    assert row["hard"] is False
    assert row["date"] is None and row["year"] is None


def test_labels_round_trip_through_the_dataset(tiny_corpus: Path) -> None:
    dataset = load_corpus([tiny_corpus])
    names = dataset.features["label"].names
    assert [names[i] for i in dataset["label"]] == [row["label"] for row in tiny_rows()]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "pro-sex-work"}, "unknown label 'pro-sex-work'"),
        ({"text": "   "}, "empty text"),
        ({"paragraph_index": "3"}, "paragraph_index' must be int"),
        ({"paragraph_index": True}, "paragraph_index' must be int"),
        ({"origin": "web"}, "origin must be one of"),
        ({"colour": "red"}, "unknown field"),
        ({"year": "2016"}, "'year' must be int/null"),
    ],
)
def test_row_errors_name_the_place_and_the_problem(change: dict, message: str) -> None:
    row = {**tiny_rows()[0], **change}
    with pytest.raises(DataError, match=message) as info:
        validate_row(row, "corpus.jsonl:7")
    assert str(info.value).startswith("corpus.jsonl:7:")


def test_missing_required_field() -> None:
    row = tiny_rows()[0]
    del row["source"]
    with pytest.raises(DataError, match="missing required field 'source'"):
        validate_row(row, "x:1")


def test_unknown_label_in_a_file_names_file_and_line(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[4]["label"] = "pro"
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DataError, match=r"bad\.jsonl:5: unknown label 'pro'"):
        read_rows(path)


def test_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(tiny_rows()[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: not valid JSON"):
        read_rows(path)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"absent\.jsonl: no such file; check prepare\.data"):
        read_rows(tmp_path / "absent.jsonl")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps(tiny_rows()[0]).encode() + b'\n{"text": "caf\xe9"}\n')
    with pytest.raises(DataError, match=r"latin\.jsonl:2: cannot decode byte 13 .* as UTF-8"):
        read_rows(latin)


def test_read_split_says_to_run_prepare(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"train\.jsonl not found: run `stancekit prepare` first"):
        read_split(tmp_path / "train.jsonl")


def test_a_document_may_not_span_two_files(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", tiny_rows()[:3])
    b = write_jsonl(tmp_path / "b.jsonl", tiny_rows()[:1])
    with pytest.raises(DataError, match=r"doc-0.*also in"):
        read_corpus([a, b])


def test_empty_corpus(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(DataError, match="corpus is empty"):
        read_corpus([empty])


ANNOTATED = {
    "doc_id": "report.txt",
    "paragraph_index": 4,
    "text": "Criminalising clients pushes sex workers into danger.",
    "label": "decriminalisation",
    "source": "report.txt",
    "origin": "annotated",
    "annotator": "ana",
    "timestamp": "2026-11-30T23:10:05Z",
    "model_probabilities": {"decriminalisation": 0.5, "abolitionist": 0.3, "neutral": 0.2},
    "picked_by": "random",
    "model_round": 0,
}


def test_annotated_rows_keep_their_fields_but_plain_rows_get_none() -> None:
    row = validate_row(dict(ANNOTATED), "a.jsonl:1")
    assert row["annotator"] == "ana" and row["model_round"] == 0 and row["hard"] is False
    plain = validate_row(tiny_rows()[0], "c.jsonl:1")
    assert "annotator" not in plain and "picked_by" not in plain


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"picked_by": "gut"}, "picked_by must be one of"),
        ({"model_round": "1"}, "field 'model_round' must be int"),
        ({"model_round": True}, "field 'model_round' must be int"),
        ({"model_probabilities": {"neutral": "x"}}, "must map labels to numbers"),
        ({"annotator": 3}, "field 'annotator' must be str"),
        ({"origin": "guessed"}, "origin must be one of"),
    ],
)
def test_annotation_fields_are_checked(change: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        validate_row(ANNOTATED | change, "a.jsonl:1")


def test_annotated_rows_go_into_the_dataset_without_their_extra_fields(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "labels" / "ana.jsonl", [ANNOTATED])
    dataset = load_corpus([path])
    assert dataset["origin"] == ["annotated"] and "annotator" not in dataset.column_names


def test_an_empty_folder_beside_other_data_is_fine(tmp_path: Path, tiny_corpus: Path) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "README.md").write_text("# labels\n", encoding="utf-8")
    (labels / "ana.jsonl.skips").write_text("not labels\n", encoding="utf-8")
    assert len(read_corpus([tiny_corpus, labels])) == 24
    with pytest.raises(DataError, match=r"hold\(s\) no \.jsonl file"):
        read_corpus([labels])
