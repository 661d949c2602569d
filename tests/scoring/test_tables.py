"""stancekit.scoring.tables: Parquet scored a piece at a time, the same rows as the stream."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import StreamingEngine, assert_one_error_line, run_cli
from stancekit.errors import InputError
from stancekit.scoring.columns import arrow_schema
from stancekit.scoring.read import SourceOptions
from stancekit.scoring.run import predict_inputs
from stancekit.scoring.tables import table_inputs

ROWS = [
    {"id": "a", "year": 2001, "text": "Sex work is work.\n\nEnd demand: criminalise buyers."},
    {"id": "b", "year": 2002, "text": ""},
    {"id": "c", "year": None, "text": "zzz qqq"},
    {"id": "d", "year": 2004, "text": "date 2020-01-01 The court adjourned.\n\nPimps exploit."},
    {"id": "e", "year": 2005, "text": "Sex workers need rights, not raids. " * 12},
]


def _parquet(path: Path, rows: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=2)
    return path


def _rows(path: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _both(inputs: list[Path], model: Path, tmp: Path, **options) -> tuple[list, list, object]:
    """The rows of the whole-table path and of the streaming path, and the first run."""
    fast, slow = tmp / "fast.parquet", tmp / "slow.parquet"
    args = [str(p) for p in inputs]
    run = predict_inputs(args, model=model, output=fast, **options)
    predict_inputs(args, model=model, output=slow, engine=StreamingEngine(), **options)
    return _rows(fast), _rows(slow), run


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"unit": "document"},
        {"threshold": 0.55, "explain": 2},
        {"max_chars": 120},
        {"source_options": SourceOptions(id_column="id")},
    ],
)
def test_the_whole_table_path_writes_the_rows_of_the_stream(
    tiny_model: Path, tmp_path: Path, options: dict
) -> None:
    first = _parquet(tmp_path / "one.parquet", ROWS)
    second = _parquet(tmp_path / "two.parquet", ROWS[::-1])
    fast, slow, run = _both([first, second], tiny_model, tmp_path, **options)
    assert fast == slow
    assert run.rows == len(slow) and run.output_format == "parquet"
    assert (run.stats.documents, run.stats.empty.count) == (10, 2)


def test_stats_match_the_stream(tiny_model: Path, tmp_path: Path) -> None:
    path = _parquet(tmp_path / "in.parquet", ROWS)
    fast = predict_inputs(
        [str(path)], model=tiny_model, output=tmp_path / "f.parquet", max_chars=120
    )
    slow = predict_inputs(
        [str(path)],
        model=tiny_model,
        output=tmp_path / "s.parquet",
        max_chars=120,
        engine=StreamingEngine(),
    )
    for name in ("documents", "units"):
        assert getattr(fast.stats, name) == getattr(slow.stats, name)
    for name in ("empty", "unknown", "split"):
        assert getattr(fast.stats, name).count == getattr(slow.stats, name).count
        assert getattr(fast.stats, name).examples == getattr(slow.stats, name).examples
    assert fast.stats.split.count == 1 and fast.stats.max_chars == 120


def test_progress_is_reported_per_piece(tiny_model: Path, tmp_path: Path) -> None:
    path = _parquet(tmp_path / "in.parquet", ROWS)
    seen: list[int] = []
    run = predict_inputs(
        [str(path)], model=tiny_model, output=tmp_path / "o.parquet", on_progress=seen.append
    )
    assert sum(seen) == run.rows == 6  # a: 2, c: 1, d: 2, e: 1 paragraphs; b is empty


def test_which_runs_take_the_whole_table_path(tmp_path: Path) -> None:
    one = _parquet(tmp_path / "one.parquet", ROWS)
    other = _parquet(tmp_path / "other.parquet", [{"text": "x", "extra": 1}])
    csv = tmp_path / "in.csv"
    csv.write_text("text\nx\n")
    out = tmp_path / "out.parquet"
    plain = SourceOptions()

    def inputs(args, options=plain, **kw):
        settings = {"output_format": "parquet", "output": out, "aggregate": False}
        settings["in_process"] = True
        settings.update(kw)
        return table_inputs([str(a) for a in args], options, **settings)

    assert inputs([one, one]) == [one, one]
    assert inputs([one, other]) is None  # different columns: the stream pads them
    assert inputs([csv]) is None
    assert inputs([one], output_format="jsonl") is None
    assert inputs([one], aggregate=True) is None
    assert inputs([one], in_process=False) is None
    assert inputs([one], SourceOptions(date_column="year")) is None
    assert inputs([tmp_path]) is None  # a folder: the stream's folder rules


def test_a_missing_column_names_the_file(tiny_model: Path, tmp_path: Path) -> None:
    path = _parquet(tmp_path / "in.parquet", [{"body": "Sex work is work."}])
    with pytest.raises(InputError, match=r"in\.parquet: no column 'text' \(--text-column\)"):
        predict_inputs([str(path)], model=tiny_model, output=tmp_path / "o.parquet")
    assert not (tmp_path / "o.parquet").exists()


def test_only_empty_rows_leave_no_file(tiny_model: Path, tmp_path: Path) -> None:
    path = _parquet(tmp_path / "in.parquet", [{"text": ""}, {"text": "  "}])
    result = run_cli("predict", path, "--model", tiny_model, "-o", tmp_path / "o.parquet")
    assert_one_error_line(result, "nothing to score")
    assert not (tmp_path / "o.parquet").exists()


def test_schema_types() -> None:
    schema = arrow_schema(["doc_id", "paragraph_index", "p_neutral", "margin", "year"])
    assert [str(t) for t in schema.types] == ["string", "int64", "double", "double", "string"]


ODD_CELLS = [
    # (the text cells of one Parquet column, what every route does: "rows" or the error)
    ([5, 6], r"odd\.parquet: row 1: 'text' holds a number \(5\), not text"),
    ([True, False], r"odd\.parquet: row 1: 'text' holds a boolean \(True\), not text"),
    ([b"Sex work is work.", None, "caf\u00e9 law".encode()], "rows"),
    ([b"Sex work is work.", b"caf\xe9"], r"odd\.parquet: row 2: 'text' holds bytes that are not"),
]


@pytest.mark.parametrize(("cells", "outcome"), ODD_CELLS, ids=["int", "bool", "binary", "not-utf8"])
def test_every_in_process_route_reads_a_text_cell_by_one_rule(
    tiny_model: Path, tmp_path: Path, cells: list, outcome: str
) -> None:
    """The record stream (``-o out.csv``) and the whole-table route (``-o out.parquet``) read
    the same odd text cells alike (stancekit.io.cells.cell_text): refused, or the same rows."""
    rows = [{"id": f"r{i}", "text": cell} for i, cell in enumerate(cells)]
    source = _parquet(tmp_path / "odd.parquet", rows)
    if outcome == "rows":
        fast, slow, _ = _both([source], tiny_model, tmp_path)
        assert fast == slow
        assert [r["text"] for r in fast] == ["Sex work is work.", "caf\u00e9 law"]
        return
    for out in ("out.csv", "out.parquet"):  # the stream, then the whole-table route
        result = run_cli("predict", source, "-o", tmp_path / out, "--model", tiny_model)
        assert_one_error_line(result, "store the text as" if "bytes" in outcome else "as strings")
        assert re.search(outcome, result.stderr), (out, result.stderr)


def test_every_in_process_route_reads_id_and_passed_cells_by_one_rule(
    tiny_model: Path, tmp_path: Path
) -> None:
    """A float NaN (not a Parquet null) is a missing cell on the stream and the whole-table
    route alike: an id refused, a passed-through value null; bytes that are not UTF-8 as an id
    are one error line on both, not a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = ["Sex work is work.", "End demand now.", "The court met."]
    source = tmp_path / "odd.parquet"
    table = {
        "text": texts,
        "score": pa.array([1.5, float("nan"), None]),
        "bid": pa.array([b"a", b"\xff", b"c"]),
    }
    pq.write_table(pa.table(table), source)
    fast, slow, _ = _both([source], tiny_model, tmp_path)
    assert fast == slow
    assert [r["score"] for r in fast] == ["1.5", None, None]
    for out in ("out.csv", "out.parquet"):  # the stream, then the whole-table route
        result = run_cli(
            "predict", source, "-o", tmp_path / out, "--model", tiny_model, "--id-column", "score"
        )
        assert_one_error_line(result, f"{source}: row 2 has no value for --id-column 'score'")
        result = run_cli(
            "predict", source, "-o", tmp_path / out, "--model", tiny_model, "--id-column", "bid"
        )
        assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    fast, slow, _ = _both(
        [source], tiny_model, tmp_path, source_options=SourceOptions(id_column="bid")
    )
    assert fast == slow


@pytest.mark.e2e
def test_the_whole_table_route_imports_no_pandas(tiny_model: Path, tmp_path: Path) -> None:
    """Parquet in, Parquet out: Arrow from end to end, without pandas (0.3 s to import)."""
    import importlib.util
    import os
    import subprocess
    import sys

    source, out = _parquet(tmp_path / "in.parquet", ROWS), tmp_path / "out.parquet"
    code = (
        "import runpy, sys\n"
        "sys.argv = ['stancekit', 'predict', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('stancekit', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    package = importlib.util.find_spec("stancekit")
    assert package is not None and package.origin is not None
    path = os.pathsep.join(
        filter(None, [str(Path(package.origin).parents[1]), os.environ.get("PYTHONPATH")])
    )
    args = [str(source), "--model", str(tiny_model), "-o", str(out), "--quiet"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _rows(out) == _both([source], tiny_model, tmp_path)[1]


def test_a_date_that_is_not_a_date_is_counted_on_every_route(
    tiny_model: Path, tmp_path: Path
) -> None:
    """Review of issue 18: the whole-table route (and Dask, through the same scorer) counted no
    unreadable date cell, the stream did."""
    from stancekit.scoring.frames import frame_columns
    from stancekit.scoring.partition import score_partition
    from stancekit.scoring.predictor import StancePredictor

    rows = [
        {"id": "a", "date": "not a date", "text": "Sex work is work."},
        {"id": "b", "date": "2020-03-13", "text": "Pimps exploit."},
        {"id": "c", "date": "soon", "text": ""},
    ]
    path = _parquet(tmp_path / "dated.parquet", rows)
    fast, _, run = _both([path], tiny_model, tmp_path)
    streamed = predict_inputs(
        [str(path)], model=tiny_model, output=tmp_path / "s.jsonl", engine=StreamingEngine()
    )
    expected = (2, [f"{path}:1: 'not a date'", f"{path}:3: 'soon'"])
    assert (run.stats.bad_dates.count, run.stats.bad_dates.examples) == expected
    assert (streamed.stats.bad_dates.count, streamed.stats.bad_dates.examples) == expected
    assert [r["date"] for r in fast] == ["not a date", "2020-03-13"]
    import pandas as pd

    frame = pd.DataFrame(rows)
    dask_like = score_partition(frame_columns(frame), StancePredictor.load(tiny_model))
    assert dask_like.stats.bad_dates.count == 2


def test_progress_counts_every_unit_so_far_on_the_whole_table_route(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's bar is set to the count it is given: a count per piece made it jump back."""
    import stancekit.scoring.pieces as pieces

    monkeypatch.setattr(pieces, "PARQUET_PARTITION_ROWS", 2)
    path = _parquet(tmp_path / "in.parquet", ROWS)
    seen: list[int] = []
    run = predict_inputs(
        [str(path)], model=tiny_model, output=tmp_path / "o.parquet", on_progress=seen.append
    )
    assert len(seen) > 1 and seen == sorted(seen) and seen[-1] == run.stats.units


@pytest.mark.parametrize(
    ("option", "settings", "source", "named"),
    [
        ("output", {"output": None}, {}, "-o OUT_DIR"),
        ("format", {"output_format": "csv"}, {}, "--format"),
        ("aggregate", {"aggregate": True}, {}, "--aggregate"),
        ("lines", {}, {"lines": True}, "--lines"),
        ("glob", {}, {"glob": "*.parquet"}, "--glob"),
        ("date_column", {}, {"date_column": "year"}, "--date-column"),
        ("date_format", {}, {"date_format": "%Y"}, "--date-format"),
    ],
)
def test_the_table_routes_share_one_rule(
    tmp_path: Path, option: str, settings: dict, source: dict, named: str
) -> None:
    """Every option in the one rule sends the whole-table route back to the stream and makes
    the Dask engine refuse the run, naming that option; without it both take the table."""
    from stancekit.errors import UsageError
    from stancekit.scoring.distributed import refuse_options
    from stancekit.scoring.options import TABLE_ROUTE_OPTIONS, table_route_blockers

    one = _parquet(tmp_path / "one.parquet", ROWS)
    base = {"output": tmp_path / "out.parquet", "output_format": "parquet", "aggregate": False}
    run = {**base, **settings}
    options = SourceOptions(**source)
    route = (run["output"], run["output_format"], run["aggregate"])
    assert table_route_blockers(*route, options) == [option]
    assert option in TABLE_ROUTE_OPTIONS
    assert table_inputs([str(one)], options, in_process=True, **run) is None
    with pytest.raises(UsageError, match=re.escape(named)):
        refuse_options(run["output"], run["output_format"], run["aggregate"], options, 1)
    assert table_inputs([str(one)], SourceOptions(), in_process=True, **base) == [one]
    refuse_options(base["output"], "auto", False, SourceOptions(), 1)  # nothing refused
