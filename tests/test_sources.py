from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.sources import SourceOptions, iter_records


def records(args: list[str], stdin: str = "", **options: object) -> list[tuple]:
    found = iter_records(args, SourceOptions(**options), io.StringIO(stdin))  # type: ignore[arg-type]
    return [(r.doc_id, r.text, r.extra) for r in found]


def test_texts_files_folders_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "docs" / "sub" / "b.md").write_text("B.", encoding="utf-8")
    (tmp_path / "docs" / "skip.html").write_text("<p>no</p>", encoding="utf-8")
    single = tmp_path / "one.txt"
    single.write_text("One.", encoding="utf-8")
    found = records(["First.", str(single), str(tmp_path / "docs"), "-", "Second."], "In.")
    assert [(d, t) for d, t, _ in found] == [
        ("text-1", "First."),
        (str(single), "One."),
        (str(tmp_path / "docs" / "a.txt"), "A."),
        (str(tmp_path / "docs" / "sub" / "b.md"), "B."),
        ("stdin", "In."),
        ("text-2", "Second."),
    ]


def test_glob_and_lines(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("H.", encoding="utf-8")
    (tmp_path / "y.txt").write_text("T.", encoding="utf-8")
    assert [t for _, t, _ in records([str(tmp_path)], glob="*.html")] == ["H."]
    assert records(["-"], "one\ntwo\n", lines=True) == [
        ("stdin:1", "one", {}),
        ("stdin:2", "two", {}),
    ]


def test_csv_tsv_jsonl_with_id_and_pass_through(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("url,body,year\nu1,Hello there.,2020\n", encoding="utf-8")
    (tmp_path / "t.tsv").write_text("url\tbody\nu2\tTab text.\n", encoding="utf-8")
    (tmp_path / "t.jsonl").write_text(json.dumps({"body": "J.", "n": 3}) + "\n", encoding="utf-8")
    found = records([str(tmp_path / n) for n in ("t.csv", "t.tsv", "t.jsonl")], text_column="body")
    assert found == [
        ("t.csv:1", "Hello there.", {"url": "u1", "year": "2020"}),
        ("t.tsv:1", "Tab text.", {"url": "u2"}),
        ("t.jsonl:1", "J.", {"n": 3}),
    ]
    by_id = records([str(tmp_path / "t.csv")], text_column="body", id_column="url")
    assert by_id[0][0] == "u1"


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["P one.", None], "k": [1, 2]}), tmp_path / "t.parquet")
    assert records([str(tmp_path / "t.parquet")]) == [
        ("t.parquet:1", "P one.", {"k": 1}),
        ("t.parquet:2", "", {"k": 2}),
    ]


def test_missing_column_lists_the_columns(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no column 'text' \(--text-column\); columns are: a, b"):
        records([str(tmp_path / "t.csv")])
    with pytest.raises(InputError, match=r"no column 'id' \(--id-column\)"):
        records([str(tmp_path / "t.csv")], text_column="a", id_column="id")


def test_undecodable_bytes_suggest_encoding(tmp_path: Path) -> None:
    latin = tmp_path / "l.txt"
    latin.write_bytes("café".encode("latin-1"))
    with pytest.raises(InputError, match=r"l\.txt: cannot decode byte 3 as utf-8; pass --encoding"):
        records([str(latin)])
    assert records([str(latin)], encoding="latin-1")[0][1] == "café"
    table = tmp_path / "l.csv"
    table.write_bytes("text\ncafé\n".encode("latin-1"))
    with pytest.raises(InputError, match="--encoding"):
        records([str(table)])
    with pytest.raises(InputError, match="unknown encoding"):
        SourceOptions(encoding="klingon")


def test_binary_missing_and_empty_folder(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    with pytest.raises(InputError, match=r"x\.txt: binary file"):
        records([str(binary)])
    with pytest.raises(InputError, match="no such file or folder"):
        records(["missing.csv"])
    assert records(["Sellers and/or buyers."])[0][1] == "Sellers and/or buyers."
    with pytest.raises(InputError, match="no files match"):
        records([str(tmp_path / "x.txt").replace("x.txt", "")], glob="*.md")
    with pytest.raises(InputError, match="nothing to score"):
        records([])


def test_bad_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"text": "ok"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b\.jsonl:2: expected a JSON object"):
        records([str(path)])
