"""stancekit.scoring.pieces: tables read in pieces with the values and errors of predict's
readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.io.tables import open_table
from stancekit.scoring.columns import ROW_COLUMN, SOURCE_COLUMN
from stancekit.scoring.pieces import Piece, pieces_of, read_piece


def _piece(path: Path) -> Piece:
    (piece,) = pieces_of([path], "utf-8")
    return piece


@pytest.mark.parametrize("name", ["in.csv", "in.tsv", "in.jsonl"])
def test_a_piece_holds_what_predict_reads(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text('{"id": "a", "text": "One.\\n\\nTwo."}\n{"id": "b", "text": ""}\n')
    else:
        sep = "\t" if name.endswith(".tsv") else ","
        path.write_text(f'id{sep}text\na{sep}"One.\n\nTwo."\nb{sep}\n')
    frame = read_piece(_piece(path))
    rows = frame.drop(columns=[SOURCE_COLUMN, ROW_COLUMN]).to_dict("records")
    assert rows == list(open_table(path))
    assert frame[ROW_COLUMN].tolist() == [1, 2]
    assert set(frame[SOURCE_COLUMN]) == {str(path)}


@pytest.mark.parametrize(("line", "many"), [("a,b,c", "more"), ("a", "fewer")])
def test_a_short_or_long_csv_row_is_refused_as_predict_refuses_it(
    tmp_path: Path, line: str, many: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f"id,text\nx,Fine.\n{line}\n")
    with pytest.raises(InputError, match=rf"in\.csv:3: {many} fields than the header's 2"):
        read_piece(_piece(path))


def test_a_header_only_csv_keeps_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n")
    frame = read_piece(_piece(path))
    assert len(frame) == 0 and {"id", "text"} <= set(frame.columns)


def test_parquet_is_cut_at_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import stancekit.scoring.pieces as pieces

    monkeypatch.setattr(pieces, "PARQUET_PARTITION_ROWS", 4)
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": [f"t{i}" for i in range(10)]}), path, row_group_size=2)
    pieces = pieces_of([path], "utf-8")
    assert [(p.row_groups, p.first_row) for p in pieces] == [((0, 1), 1), ((2, 3), 5), ((4,), 9)]
    assert read_piece(pieces[1])["text"].tolist() == ["t4", "t5", "t6", "t7"]
    assert read_piece(pieces[2])[ROW_COLUMN].tolist() == [9, 10]
