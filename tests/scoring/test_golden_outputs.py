"""Golden files: the exact output of ``stancekit predict`` today, for every input and output
format, so that a rewrite of the scoring pipeline (the record stream, the whole-table Parquet
route and Dask behind one pipeline) keeps every byte.

Every case writes the same small inputs under its own tmp_path, runs the command line in-process
(from that folder, so that ids and paths are relative) with the tiny two-language bundle
(``tiny_bundle``: English and French; Italian is 'unsupported') and compares the output with its
golden file in tests/scoring/golden/predict/:

* text formats (jsonl, csv, tsv, csv-excel, stdout): byte for byte;
* Parquet: the Arrow schema (names, types, nullability, metadata) and every value, as JSON
  (not the bytes: a Parquet footer names the library that wrote it);
* xlsx: the sheet names, the frozen panes and every cell value (formulas marked), as JSON;
* a Dask dataset folder: its part files' names, schema and values, as JSON;
* standard error (the warnings, the 'wrote N rows' line): byte for byte, but for the line
  with the Dask dashboard's address.

``STANCEKIT_UPDATE_GOLDEN=1 pytest tests/scoring/test_golden_outputs.py`` writes the golden
files; without it a missing golden file fails.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "predict"
UPDATE = os.environ.get("STANCEKIT_UPDATE_GOLDEN") == "1"

# --- the inputs ---------------------------------------------------------------------------------

TEXT_A = (
    "Sex work is work, and sex workers deserve labour rights and safety.\n\n"
    "The bill was read a second time on Tuesday and sent to committee."
)
TEXT_B = (
    'They say "consent cannot be bought", and the sex buyer must be criminalised.\n\n\n'
    "Exit services, housing and support,\nnot a licence to be exploited.\n\n"
    "ENDS"
)
TEXT_C = (
    "\u201cDecriminalisation,\u201d says the caf\u00e9\u2019s owner, \u201clets workers report "
    "violence to police.\u201d\n\n"
    "Sex workers in Paris say the 2016 law made their work more dangerous.\n\n"
    "La p\u00e9nalisation des clients met les travailleuses du sexe en danger, abrogez la loi.\n\n"
    "Chiediamo la depenalizzazione completa del lavoro sessuale e diritti per tutte noi."
)
TEXT_E = (
    "- Raids and site takedowns destroy the safety tools sex workers rely on.\n\n"
    "  The court adjourned the hearing until March.  "
)

#: id, date, org, pages, text: one row per document of the tables.
ROWS = [
    ("a1", "2021-03-04", "Coalition A", 2, TEXT_A),
    ("b2", "30/11/2022", 'Nordic "Model" Network, London', 1, TEXT_B),
    ("c3", "2020", "Collectif caf\u00e9", 3, TEXT_C),
    ("d4", "", "", 0, ""),  # an empty text cell: skipped
    ("e5", "2019-07", "=1+2", 1, TEXT_E),  # a formula-like cell
]
COLUMNS = ("id", "date", "org", "pages", "text")


def _csv(path: Path, delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(ROWS)


def _jsonl(path: Path) -> None:
    """Other column names (--text-column body --id-column url); a null cell."""
    lines = []
    for id_, date, org, pages, text in ROWS:
        row = {"url": id_, "date": date, "org": org or None, "pages": pages, "body": text}
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def _parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [row[i] for row in ROWS] for i, name in enumerate(COLUMNS)}
    schema = pa.schema([(n, pa.int64() if n == "pages" else pa.string()) for n in COLUMNS])
    pq.write_table(pa.table(columns, schema=schema), path)


def _typed_parquet(path: Path) -> None:
    """Typed cells as a real Parquet file has them: a date32 date, a float with NaN and null,
    an int, a null text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["a1", "c3", "d4", "e5"],
            "date": pa.array(
                [datetime.date(2021, 3, 4), datetime.date(2020, 1, 31), None, None],
                pa.date32(),
            ),
            "score": pa.array([1.5, float("nan"), None, 0.1], pa.float64()),
            "pages": pa.array([2, 3, None, 1], pa.int64()),
            "text": [TEXT_A, TEXT_C, None, TEXT_E],
        }
    )
    pq.write_table(table, path)


def _xlsx(path: Path) -> None:
    """Dates as Excel dates (one as text), numbers as numbers, an empty text cell; a second
    sheet that is not read."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "articles"
    sheet.append(COLUMNS)
    dates = {
        "2021-03-04": datetime.datetime(2021, 3, 4),
        "30/11/2022": datetime.datetime(2022, 11, 30),
        "2019-07": datetime.datetime(2019, 7, 1),
    }
    for id_, date, org, pages, text in ROWS:
        sheet.append([id_, dates.get(date, date or None), org or None, pages, text or None])
    sheet["C6"].data_type = "s"  # '=1+2' as text, not a formula
    book.create_sheet("notes").append(["not", "read"])
    book.save(path)


def write_inputs(root: Path) -> None:
    (root / "in.txt").write_text(TEXT_A + "\n\n" + TEXT_C + "\n", encoding="utf-8")
    docs = root / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text(TEXT_B, encoding="utf-8")
    (docs / "b.txt").write_text(TEXT_E + "\n", encoding="utf-8")
    (docs / "sub" / "c.txt").write_text(TEXT_C, encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    _csv(root / "in.csv", ",")
    _csv(root / "in.tsv", "\t")
    _jsonl(root / "in.jsonl")
    _parquet(root / "in.parquet")
    _typed_parquet(root / "typed.parquet")
    _xlsx(root / "in.xlsx")


# --- the cases ---------------------------------------------------------------------------------

ID = ("--id-column", "id")
JSONL_COLUMNS = ("--text-column", "body", "--id-column", "url")
STREAM = ("--engine", "joblib")  # still one process, but the record stream, not whole tables


@dataclass(frozen=True)
class Case:
    id: str
    inputs: tuple[str, ...]
    output: str  # a file name, a folder (--engine dask), or "-": standard output
    options: tuple[str, ...] = ()
    stdin: str | None = None

    @property
    def kind(self) -> str:
        if "dask" in self.options:
            return "dataset"
        suffix = Path(self.output).suffix
        return {".parquet": "parquet", ".xlsx": "xlsx"}.get(suffix, "bytes")

    @property
    def golden(self) -> Path:
        if self.kind == "bytes":
            ending = ".jsonl" if self.output == "-" else Path(self.output).suffix
            return GOLDEN / f"{self.id}{ending}"
        return GOLDEN / f"{self.id}.{self.kind}.json"


CASES = [
    # a .txt file, a folder of .txt files, texts, stdin
    Case("txt-jsonl", ("in.txt",), "out.jsonl"),
    Case("txt-csv-document", ("in.txt",), "out.csv", ("--unit", "document")),
    Case("folder-csv", ("docs",), "out.csv"),
    Case("folder-jsonl-aggregate", ("docs",), "out.jsonl", ("--aggregate",)),
    Case("texts-stdout", ("Sex work is work.", "End demand: criminalise the buyers."), "-"),
    Case("stdin-lines-stdout", ("-",), "-", ("--lines",), "Sex work is work.\n\nThe court met.\n"),
    # CSV
    Case("csv-jsonl", ("in.csv",), "out.jsonl", ID),
    Case("csv-csv", ("in.csv",), "out.csv", ID),
    Case("csv-tsv-default-id", ("in.csv",), "out.tsv"),
    Case("csv-csv-excel", ("in.csv",), "out.csv", (*ID, "--format", "csv-excel")),
    Case("csv-xlsx", ("in.csv",), "out.xlsx", ID),
    Case("csv-parquet", ("in.csv",), "out.parquet", ID),
    Case("csv-stdout-threshold", ("in.csv",), "-", (*ID, "--threshold", "0.6")),
    Case("csv-csv-explain", ("in.csv",), "out.csv", (*ID, "--explain", "2")),
    Case("csv-jsonl-paragraph-only", ("in.csv",), "out.jsonl", (*ID, "--paragraph-only")),
    Case("csv-jsonl-document", ("in.csv",), "out.jsonl", (*ID, "--unit", "document")),
    Case("csv-jsonl-max-chars", ("in.csv",), "out.jsonl", (*ID, "--max-chars", "60")),
    Case("csv-csv-aggregate", ("in.csv",), "out.csv", (*ID, "--aggregate")),
    Case(
        "csv-xlsx-aggregate-threshold",
        ("in.csv",),
        "out.xlsx",
        (*ID, "--aggregate", "--threshold", "0.6"),
    ),
    Case("csv-parquet-aggregate", ("in.csv",), "out.parquet", (*ID, "--aggregate")),
    # TSV
    Case("tsv-tsv", ("in.tsv",), "out.tsv", ID),
    Case("tsv-jsonl-explain", ("in.tsv",), "out.jsonl", (*ID, "--explain", "2")),
    # JSON Lines, with other column names
    Case("jsonl-jsonl", ("in.jsonl",), "out.jsonl", JSONL_COLUMNS),
    Case(
        "jsonl-csv-excel-aggregate",
        ("in.jsonl",),
        "out.csv",
        (*JSONL_COLUMNS, "--format", "csv-excel", "--aggregate"),
    ),
    Case("jsonl-parquet-explain", ("in.jsonl",), "out.parquet", (*JSONL_COLUMNS, "--explain", "2")),
    # Parquet: to a Parquet file on the whole-table route ("table"), else the record stream
    Case("parquet-parquet-table", ("in.parquet",), "out.parquet", ID),
    Case("parquet-parquet-stream", ("in.parquet",), "out.parquet", (*ID, *STREAM)),
    Case("parquet-jsonl", ("in.parquet",), "out.jsonl", ID),
    Case("parquet-parquet-table-default-id", ("in.parquet",), "out.parquet"),
    Case(
        "parquet-parquet-table-document",
        ("in.parquet",),
        "out.parquet",
        (*ID, "--unit", "document"),
    ),
    Case(
        "parquet-parquet-table-explain-threshold",
        ("in.parquet",),
        "out.parquet",
        (*ID, "--explain", "2", "--threshold", "0.6"),
    ),
    Case(
        "parquet-parquet-stream-explain-threshold",
        ("in.parquet",),
        "out.parquet",
        (*ID, "--explain", "2", "--threshold", "0.6", *STREAM),
    ),
    Case(
        "parquet-parquet-table-paragraph-only",
        ("in.parquet",),
        "out.parquet",
        (*ID, "--paragraph-only"),
    ),
    Case(
        "parquet-parquet-table-max-chars",
        ("in.parquet",),
        "out.parquet",
        (*ID, "--max-chars", "60"),
    ),
    Case("parquet-xlsx-aggregate", ("in.parquet",), "out.xlsx", (*ID, "--aggregate")),
    # Parquet with typed cells: date32, float with NaN, int, null text
    Case("typed-parquet-table", ("typed.parquet",), "out.parquet", ID),
    Case("typed-parquet-stream", ("typed.parquet",), "out.parquet", (*ID, *STREAM)),
    Case("typed-jsonl", ("typed.parquet",), "out.jsonl", ID),
    Case("typed-csv", ("typed.parquet",), "out.csv", ID),
    # xlsx
    Case("xlsx-jsonl", ("in.xlsx",), "out.jsonl", ID),
    Case("xlsx-xlsx", ("in.xlsx",), "out.xlsx", ID),
    Case("xlsx-csv", ("in.xlsx",), "out.csv", ID),
    # Dask: a Parquet dataset folder, on a local cluster the command starts
    Case("dask-parquet", ("in.parquet",), "out", (*ID, "--engine", "dask")),
    Case("dask-csv", ("in.csv",), "out", (*ID, "--engine", "dask")),
]


# --- outputs as comparable bytes ----------------------------------------------------------------


def plain(value: object) -> object:
    """A value as JSON, its type kept where JSON has none (dates, bytes, NaN)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else {"float": repr(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, datetime.date | datetime.time):  # a datetime is a date
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    return {type(value).__name__: str(value)}


def _pretty(value: object, depth: int = 0) -> str:
    """JSON with one line per row: containers of scalars on one line, the rest indented."""
    nested = isinstance(value, dict | list) and any(
        isinstance(v, dict | list) and v
        for v in (value.values() if isinstance(value, dict) else value)
    )
    if not nested:
        return json.dumps(value, ensure_ascii=False)
    pad = " " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    items = [pad + _pretty(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"


def _dump(data: object) -> bytes:
    return (_pretty(plain(data)) + "\n").encode("utf-8")


def _schema_metadata(metadata: dict[bytes, bytes] | None) -> dict[str, object]:
    """The schema's key-value metadata. Dask's parts carry pandas's: kept but for what changes
    with a pandas or pyarrow upgrade, not with stancekit (their versions, the numpy dtypes: pandas
    3 stores text as ``str``, pandas 2 as ``object``)."""
    shown: dict[str, object] = {}
    for key, value in (metadata or {}).items():
        name = key.decode("utf-8", "backslashreplace")
        if name == "pandas":
            doc = json.loads(value)
            doc["creator"]["version"] = "(version)"
            doc["pandas_version"] = "(version)"
            for column in doc["columns"]:
                column.pop("numpy_type", None)
            shown[name] = doc
        else:
            shown[name] = value.decode("utf-8", "backslashreplace")
    return shown


def _arrow(table) -> dict:
    return {
        "schema": [
            {
                "name": field.name,
                "type": str(field.type),
                "nullable": field.nullable,
                "metadata": _schema_metadata(field.metadata),
            }
            for field in table.schema
        ],
        "metadata": _schema_metadata(table.schema.metadata),
        "rows": table.to_pylist(),
    }


def parquet_bytes(path: Path) -> bytes:
    import pyarrow.parquet as pq

    return _dump(_arrow(pq.read_table(path)))


def dataset_bytes(folder: Path) -> bytes:
    import pyarrow.parquet as pq

    parts = sorted(p.name for p in folder.iterdir())
    return _dump({"files": parts} | {p: _arrow(pq.read_table(folder / p)) for p in parts})


def xlsx_bytes(path: Path) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheets: dict[str, object] = {"sheets": book.sheetnames}
    for sheet in book.worksheets:
        rows = [
            [{"formula": c.value} if c.data_type == "f" else c.value for c in row]
            for row in sheet.iter_rows()
        ]
        sheets[sheet.title] = {"freeze_panes": sheet.freeze_panes, "rows": rows}
    return _dump(sheets)


def output_bytes(case: Case, result, root: Path) -> bytes:
    if case.output == "-":
        return result.stdout_bytes
    path = root / case.output
    read = {"parquet": parquet_bytes, "xlsx": xlsx_bytes, "dataset": dataset_bytes}
    return read[case.kind](path) if case.kind in read else path.read_bytes()


def stderr_bytes(result) -> bytes:
    """Standard error, the Dask dashboard's address (or the hint to install bokeh) left out."""
    lines = result.stderr_bytes.decode("utf-8").splitlines(keepends=True)
    return "".join(
        "dashboard: (left out)\n" if line.startswith("dashboard: ") else line for line in lines
    ).encode("utf-8")


def _lines(data: bytes) -> list[str]:
    # repr shows line ends, a byte-order mark and any byte that is not UTF-8
    return [repr(line) + "\n" for line in data.decode("utf-8", "backslashreplace").splitlines(True)]


def check_golden(golden: Path, actual: bytes) -> None:
    """``actual`` is the golden file's bytes; with STANCEKIT_UPDATE_GOLDEN=1 it becomes them."""
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
        return
    if not golden.is_file():
        pytest.fail(
            f"no golden file {golden.relative_to(GOLDEN.parents[2])}: write it with "
            "STANCEKIT_UPDATE_GOLDEN=1 pytest tests/scoring/test_golden_outputs.py and review it."
        )
    expected = golden.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(
            _lines(expected), _lines(actual), f"golden/{golden.name}", "today", n=1
        )
        pytest.fail(f"{golden.name}: not its golden file:\n" + "".join(list(diff)[:80]))


# --- the tests ----------------------------------------------------------------------------------


def test_every_case_has_its_own_golden_files_and_no_file_is_left_over() -> None:
    assert len({c.id for c in CASES}) == len(CASES)
    assert len({c.golden for c in CASES}) == len(CASES)
    wanted = {name for c in CASES for name in (c.golden.name, f"{c.id}.stderr")}
    assert sorted(p.name for p in GOLDEN.iterdir() if p.name not in wanted) == []


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.e2e] if c.kind == "dataset" else [])
        for c in CASES
    ],
)
def test_predict_writes_its_golden_file(
    case: Case, tiny_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output file (or stdout) and the messages on stderr, as today."""
    if case.kind == "dataset":
        pytest.importorskip("distributed")
    root = tmp_path / "work"
    root.mkdir()
    write_inputs(root)
    monkeypatch.chdir(root)  # ids and paths in the output are relative
    args = ["predict", *case.inputs, "--model", tiny_bundle, "--quiet", *case.options]
    if case.output != "-":
        args += ["--output", case.output]
    result = run_cli(*args, stdin=case.stdin)
    assert result.exit_code == 0, result.output
    check_golden(case.golden, output_bytes(case, result, root))
    check_golden(GOLDEN / f"{case.id}.stderr", stderr_bytes(result))


@pytest.mark.e2e
def test_a_documents_language_on_a_tie_does_not_follow_the_hash_seed(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    """One paragraph each in English, French and Italian: the same language in every process
    (a tie goes to the language met first; it once followed the string hash seed)."""
    import importlib.util
    import subprocess
    import sys

    source = tmp_path / "tie.txt"
    paragraphs = TEXT_C.split("\n\n")
    source.write_text("\n\n".join([paragraphs[0], *paragraphs[2:]]), encoding="utf-8")
    package = importlib.util.find_spec("stancekit")  # the stancekit these tests import
    if package is None or package.origin is None:
        pytest.fail("stancekit is not importable")
    path = os.pathsep.join(
        filter(None, [str(Path(package.origin).parents[1]), os.environ.get("PYTHONPATH")])
    )
    command = [sys.executable, "-m", "stancekit", "predict", source, "--aggregate"]
    command += ["--format", "jsonl", "--model", tiny_bundle, "--quiet"]
    languages = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path}
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        done.check_returncode()  # a crash is no expected failure (raises= below)
        languages.add(json.loads(done.stdout)["language"])
    assert len(languages) == 1, languages
