from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stancekit.errors import InputError
from stancekit.scoring.read import SourceOptions, iter_records


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
        (f"{tmp_path}/t.csv:1", "Hello there.", {"url": "u1", "year": "2020"}),
        (f"{tmp_path}/t.tsv:1", "Tab text.", {"url": "u2"}),
        (f"{tmp_path}/t.jsonl:1", "J.", {"n": 3}),
    ]
    by_id = records([str(tmp_path / "t.csv")], text_column="body", id_column="url")
    assert by_id[0][0] == "u1"


def test_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["P one.", None], "k": [1, 2]}), tmp_path / "t.parquet")
    assert records([str(tmp_path / "t.parquet")]) == [
        (f"{tmp_path}/t.parquet:1", "P one.", {"k": 1}),
        (f"{tmp_path}/t.parquet:2", "", {"k": 2}),
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
    with pytest.raises(
        InputError, match=r"l\.txt:1: cannot decode byte 3 of the line as utf-8; pass --encoding"
    ):
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


def test_empty_argument_is_an_empty_text_not_the_current_folder() -> None:
    assert records(["", "  "]) == [("text-1", "", {}), ("text-2", "  ", {})]


def test_csv_row_with_surplus_fields_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,text\n1,fine\n2,split, by a comma\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.csv:3: more fields than the header's 2"):
        records([str(path)])


def test_csv_fields_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    long_text = "word " * 40_000  # 200,000 characters: over csv's 131,072 default
    path.write_text(f'text\n"{long_text}"\n', encoding="utf-8")
    assert records([str(path)])[0][1] == long_text


def test_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes("text,id\nHello,1\n".encode("utf-8-sig"))
    (tmp_path / "b.jsonl").write_bytes('{"text": "Hi", "id": 2}\n'.encode("utf-8-sig"))
    found = records([str(tmp_path / "b.csv"), str(tmp_path / "b.jsonl")], id_column="id")
    assert [(d, t) for d, t, _ in found] == [("1", "Hello"), ("2", "Hi")]


def test_id_column_problems(tmp_path: Path) -> None:
    same = tmp_path / "same.csv"
    same.write_text("text\nAn id that is the text.\n", encoding="utf-8")
    assert records([str(same)], id_column="text")[0][:2] == (
        "An id that is the text.",
        "An id that is the text.",
    )
    missing = tmp_path / "m.jsonl"
    missing.write_text('{"id": 1, "text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"m\.jsonl: row 2 has no value for --id-column 'id'"):
        records([str(missing)], id_column="id")
    blank = tmp_path / "blank.csv"
    blank.write_text("text,id\nhas an id,1\nhas none,\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2 has no value for --id-column"):
        records([str(blank)], id_column="id")


def test_malformed_csv_and_jsonl_rows_name_the_line(tmp_path: Path) -> None:
    cases = {
        "short.csv": ("text,id\nfine,1\nshort row\n", r"short\.csv:3: fewer fields"),
        "quote.csv": ('text\n"never closed\n', r"quote\.csv:\d+: not valid CSV"),
        "empty.csv": ("", r"empty\.csv: empty file, no header row"),
        "list.jsonl": ('{"text": ["a", "b"]}\n', r"row 1: 'text' holds a JSON list, not text"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            records([str(tmp_path / name)])


def test_binary_formats_are_refused_by_their_leading_bytes(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")  # no NUL byte early on
    with pytest.raises(InputError, match=r"report\.pdf: binary file .* convert it to text"):
        records([str(pdf)])


class _BinaryStdin:
    """A stand-in for sys.stdin: text-mode wrapper with the raw bytes under ``buffer``."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_is_decoded_with_the_requested_encoding_and_left_open() -> None:
    stdin = _BinaryStdin("café\nthé\n".encode("latin-1"))
    found = list(iter_records(["-"], SourceOptions(encoding="latin-1", lines=True), stdin))  # type: ignore[arg-type]
    assert [r.text for r in found] == ["café", "thé"]
    assert not stdin.buffer.closed
    with pytest.raises(InputError, match="standard input: cannot decode byte 3 as ascii"):
        list(iter_records(["-"], SourceOptions(encoding="ascii"), _BinaryStdin(b"caf\xe9")))  # type: ignore[arg-type]


def test_json_files_are_refused_and_folder_tables_read_as_tables(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text('{"text": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"one\.json: a \.json file is not read; .*\.jsonl"):
        records([str(tmp_path / "one.json")])
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "a.csv").write_text("text\nRow one.\nRow two.\n", encoding="utf-8")
    found = records([str(folder)], glob="*.csv")
    assert [(d, t) for d, t, _ in found] == [
        (f"{folder}/a.csv:1", "Row one."),
        (f"{folder}/a.csv:2", "Row two."),
    ]


def test_check_columns_names_option_column_and_columns() -> None:
    from stancekit.io.tables import check_columns

    check_columns(Path("t.csv"), ["body", "stance"], {"--text-column": "body", "--group": None})
    with pytest.raises(
        InputError, match=r"^t\.csv: no column 'x' \(--label-column\); columns are: body, stance\.$"
    ):
        check_columns(Path("t.csv"), ["body", "stance"], {"--label-column": "x"})
