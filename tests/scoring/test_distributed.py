"""stancekit.scoring.distributed and `predict --engine dask` on a real LocalCluster (2 worker
processes): the same rows as single-process predict, a worker killed mid-run, bad partitions, no
scheduler."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from conftest import StreamingEngine, assert_one_error_line, run_cli
from stancekit.errors import InputError, UsageError
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.read import SourceOptions
from stancekit.scoring.run import predict_inputs

pytest.importorskip("distributed")

TEXTS = [
    "Sex work is work.\n\nEnd demand: criminalise the buyers.",
    "",
    "zzz qqq",
    "date 2020-01-01 The court adjourned.\n\nPimps exploit women and must be prosecuted.",
    "Decriminalisation lets workers report violence to police.",
]


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes on 127.0.0.1, always closed."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _rows(n: int, start: int = 0) -> list[dict]:
    return [
        {"id": f"r{i}", "year": str(2000 + i % 20), "text": TEXTS[i % len(TEXTS)]}
        for i in range(start, start + n)
    ]


def _write(path: Path, rows: list[dict]) -> Path:
    import pandas as pd

    frame = pd.DataFrame(rows)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)
    return path


def _single_process(paths: list[Path], model: Path, tmp: Path, **options) -> list[dict]:
    import pyarrow.parquet as pq

    out = tmp / "single.parquet"
    options.setdefault("engine", StreamingEngine())  # the record-by-record path, not partitions
    predict_inputs([str(p) for p in paths], model=model, output=out, **options)
    return pq.read_table(out).to_pylist()


def _dataset(folder: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [
        row
        for part in sorted(folder.glob("part.*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]


@pytest.mark.e2e
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_dataset_equals_single_process_predict(
    client, tiny_model: Path, tmp_path: Path, suffix: str, unit: str
) -> None:
    from stancekit.scoring.distributed import predict_dataset

    paths = [_write(tmp_path / f"t{k}{suffix}", _rows(7, 7 * k)) for k in range(3)]
    out = tmp_path / "out"
    run = predict_dataset(
        [str(p) for p in paths],
        out,
        ScoreOptions(unit=unit, threshold=0.5),
        model=tiny_model,
        scheduler=client,
    )
    expected = _single_process(paths, tiny_model, tmp_path, unit=unit, threshold=0.5)
    assert _dataset(out) == expected
    assert run.partitions == 3 and run.stats.units == len(expected)
    assert (run.stats.documents, run.stats.empty.count) == (21, 4)  # rows 2, 7, 12, 17: empty


@pytest.mark.e2e
def test_predict_inputs_chooses_the_dask_route(client, tiny_model: Path, tmp_path: Path) -> None:
    paths = [_write(tmp_path / f"t{k}.jsonl", _rows(5, 5 * k)) for k in range(2)]
    out = tmp_path / "out"
    run = predict_inputs(
        [str(p) for p in paths], model=tiny_model, output=out, engine="dask", scheduler=client
    )
    expected = _single_process(paths, tiny_model, tmp_path)
    assert _dataset(out) == expected
    assert (run.rows, run.output, run.output_format) == (len(expected), out, "parquet")
    assert (run.partitions, run.stats.documents, run.stats.empty.count) == (2, 10, 2)
    with pytest.raises(UsageError, match="drop --aggregate"):
        predict_inputs([str(paths[0])], output=tmp_path / "x", engine="dask", aggregate=True)


@pytest.mark.e2e
def test_score_dataframe_is_lazy_and_keeps_order(client, tiny_model: Path, tmp_path: Path) -> None:
    from stancekit.scoring.distributed import read_tables, score_dataframe

    (tmp_path / "in").mkdir()
    paths = [_write(tmp_path / "in" / f"t{k}.csv", _rows(5, 5 * k)) for k in range(2)]
    scored = score_dataframe(
        read_tables([str(tmp_path / "in")]), model=tiny_model, explain=2, id_column="id"
    )
    assert list(scored.columns)[-3:] == [
        "explain_abolitionist",
        "explain_decriminalisation",
        "explain_neutral",
    ]
    frame = client.compute(scored).result()
    expected = _single_process(
        paths, tiny_model, tmp_path, explain=2, source_options=SourceOptions(id_column="id")
    )
    assert frame.astype(object).where(frame.notna(), None).to_dict("records") == expected


@pytest.mark.e2e
def test_a_loaded_predictor_is_broadcast_once(client, tiny_model: Path, tmp_path: Path) -> None:
    from stancekit.scoring.distributed import read_tables, score_dataframe
    from stancekit.scoring.predictor import StancePredictor

    (tmp_path / "in").mkdir()
    paths = [_write(tmp_path / "in" / f"t{k}.csv", _rows(4, 4 * k)) for k in range(3)]
    predictor = StancePredictor.load(tiny_model)
    scored = score_dataframe(read_tables([str(tmp_path / "in")]), model=predictor, threshold=0.5)
    graph = dict(scored.__dask_graph__())
    holders = [key for key, node in graph.items() if getattr(node, "value", None) is predictor]
    assert len(holders) == 1  # one object in the graph, not one copy per partition
    scoring = [node for key, node in graph.items() if str(key[0]).startswith("_score_frame")]
    assert len(scoring) == 3 and all(holders[0] in node.dependencies for node in scoring)
    frame = client.compute(scored).result()
    expected = _single_process(paths, tiny_model, tmp_path, threshold=0.5)
    assert frame.astype(object).where(frame.notna(), None).to_dict("records") == expected


@pytest.mark.e2e
def test_a_worker_killed_mid_run_still_writes_every_row_once(
    client, tiny_model: Path, tmp_path: Path
) -> None:
    from stancekit.scoring.distributed import predict_dataset

    paths = [_write(tmp_path / f"t{k:02d}.parquet", _rows(40, 40 * k)) for k in range(12)]
    killed: list[int] = []

    def kill_a_worker(futures, link) -> None:
        pids = client.run(os.getpid)  # the worker processes (their nannies restart them)
        pid = sorted(pids.values())[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(sum(f.done() for f in futures))

    out = tmp_path / "out"
    run = predict_dataset(
        [str(p) for p in paths], out, model=tiny_model, scheduler=client, on_submit=kill_a_worker
    )
    assert killed and killed[0] < len(paths)  # killed before the run was over
    rows = _dataset(out)
    assert rows == _single_process(paths, tiny_model, tmp_path)
    ids = [(r["doc_id"], r["paragraph_index"]) for r in rows]
    assert len(ids) == len(set(ids)) == run.stats.units
    assert not list(tmp_path.glob(".out.tmp-*")) and not list(out.glob("*.tmp"))


@pytest.mark.e2e
def test_a_partition_without_the_text_column_names_its_file(
    client, tiny_model: Path, tmp_path: Path
) -> None:
    from stancekit.scoring.distributed import predict_dataset

    (tmp_path / "in").mkdir()
    _write(tmp_path / "in" / "a.csv", _rows(3))
    bad = _write(tmp_path / "in" / "b.csv", [{"id": "x", "body": "no text column"}])
    out = tmp_path / "out"
    with pytest.raises(InputError, match=rf"{bad}: no column 'text'"):
        predict_dataset([str(tmp_path / "in")], out, model=tiny_model, scheduler=client)
    assert not out.exists() and not list(tmp_path.glob(".out.tmp-*"))


@pytest.mark.e2e
def test_cli_undecodable_file_is_one_line_and_leaves_no_folder(
    client, tiny_model: Path, tmp_path: Path
) -> None:
    good = _write(tmp_path / "a.csv", _rows(3))
    bad = tmp_path / "b.csv"
    bad.write_bytes(b"id,text\nx,caf\xe9 au lait\n")
    out = tmp_path / "out"
    result = run_cli(
        "predict",
        good,
        bad,
        "--engine",
        "dask",
        "-o",
        out,
        "--model",
        tiny_model,
        "--scheduler",
        client.scheduler.address,
    )
    assert_one_error_line(result, f"{bad}:2: cannot decode byte 5 of the line")
    assert not out.exists() and not list(tmp_path.glob(".out.tmp-*"))


@pytest.mark.e2e
def test_cli_writes_the_dataset_and_the_stats(client, tiny_model: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.jsonl", _rows(10))
    out = tmp_path / "scored"
    result = run_cli(
        "predict",
        path,
        "--engine",
        "dask",
        "-o",
        out,
        "--model",
        tiny_model,
        "--scheduler",
        client.scheduler.address,
        "--id-column",
        "id",
    )
    assert result.exit_code == 0, result.output
    assert "wrote 12 rows (10 documents, 1 partition)" in result.stderr
    assert "skipped 2 empty text(s): r1, r6" in result.stderr
    assert [r["doc_id"] for r in _dataset(out)][:3] == ["r0", "r0", "r2"]


def test_cli_refuses_options_that_do_not_fit(tiny_model: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", _rows(2))
    result = run_cli("predict", path, "--engine", "dask", "--model", tiny_model)
    assert result.exit_code == 2 and "give -o OUT_DIR" in result.stderr
    (tmp_path / "exists").mkdir()
    result = run_cli(
        "predict", path, "--engine", "dask", "-o", tmp_path / "exists", "--model", tiny_model
    )
    assert result.exit_code == 2 and "exists" in result.stderr
    result = run_cli("predict", path, "--scheduler", "tcp://127.0.0.1:1", "--model", tiny_model)
    assert result.exit_code == 2 and "--engine dask" in result.output


def test_unreachable_scheduler_is_one_line(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import stancekit.scoring.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = _write(tmp_path / "a.csv", _rows(2))
    result = run_cli(
        "predict",
        path,
        "--engine",
        "dask",
        "-o",
        tmp_path / "out",
        "--model",
        tiny_model,
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
    )
    assert_one_error_line(result, f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.tmp-*"))


def test_without_dask_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from stancekit.scoring.cluster import DaskMissingError, require_dask

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskMissingError, match=r"pip install 'stancekit\[dask\]'"):
        require_dask()


def test_inputs_must_be_tables_of_one_kind(tmp_path: Path) -> None:
    from stancekit.scoring.pieces import table_files

    a, b = _write(tmp_path / "a.csv", _rows(1)), _write(tmp_path / "b.jsonl", _rows(1))
    with pytest.raises(InputError, match="different kinds"):
        table_files([str(a), str(b)])
    assert table_files([str(tmp_path / "*.csv")]) == [a]
    (tmp_path / ".out.tmp-1").mkdir()  # a failed run's staging folder is not input
    _write(tmp_path / ".out.tmp-1" / "part.00000.csv", _rows(1))
    b.unlink()
    assert table_files([str(tmp_path)]) == [a]
    with pytest.raises(InputError, match="no files match"):
        table_files([str(tmp_path / "*.parquet")])
    with pytest.raises(UsageError):
        from stancekit.scoring.distributed import predict_dataset

        predict_dataset([str(a)], tmp_path, ScoreOptions(unit="sentence"))


@pytest.mark.e2e
def test_cli_starts_a_local_cluster_without_scheduler(tiny_model: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.parquet", _rows(6))
    out = tmp_path / "out"
    result = run_cli("predict", path, "--engine", "dask", "-o", out, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert _dataset(out) == _single_process([path], tiny_model, tmp_path)
    assert "dashboard: " in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "jsonl"], "--engine dask writes Parquet, not jsonl: drop --format."),
        (["--aggregate"], "--engine dask writes paragraph rows: drop --aggregate."),
        (["--jobs", "2"], "--engine dask reads tables only: drop --lines, --glob and --jobs."),
        (["--date-column", "year"], "--engine dask reads dates from a column named date"),
    ],
)
def test_cli_refuses_options_the_dask_engine_cannot_honour(
    tiny_model: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    path = _write(tmp_path / "a.csv", _rows(2))
    out = tmp_path / "out"
    result = run_cli("predict", path, "--engine", "dask", "-o", out, "--model", tiny_model, *extra)
    assert result.exit_code != 0 and not out.exists()
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line


@pytest.mark.e2e
def test_every_route_labels_a_language_without_a_model_unsupported(
    client, tiny_bundle: Path, tmp_path: Path
) -> None:
    """Dask, the whole-table Parquet route and the record stream give the same rows: each text
    in its language's model, a language with no model 'unsupported' with empty probabilities."""
    import pyarrow.parquet as pq

    from stancekit.scoring.distributed import predict_dataset

    rows = [
        {"id": "en", "text": "Criminalising clients pushes sex workers into danger."},
        {
            "id": "fr",
            "text": "La pénalisation des clients met les travailleuses du sexe en danger.",
        },
        {
            "id": "it",
            "text": "Chiediamo la depenalizzazione completa del lavoro sessuale per tutte.",
        },
    ]
    source = _write(tmp_path / "in.parquet", rows)
    out = tmp_path / "out"
    run = predict_dataset([str(source)], out, model=tiny_bundle, scheduler=client)
    dask_rows = _dataset(out)
    assert [r["language"] for r in dask_rows] == ["en", "fr", "it"]
    assert dask_rows[2]["label"] == "unsupported" and dask_rows[2]["p_neutral"] is None
    assert run.stats.unsupported == {"it": 1}
    assert dask_rows == _single_process([source], tiny_bundle, tmp_path)
    table = tmp_path / "table.parquet"
    predict_inputs([str(source)], model=tiny_bundle, output=table)  # the whole-table route
    assert pq.read_table(table).to_pylist() == dask_rows


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("suffix", "cells", "outcome"),
    [
        (".parquet", [5, 6], r"odd\.parquet: row 1: 'text' holds a number \(5\), not text"),
        (".jsonl", ["Sex work is work.", 5], r"odd\.jsonl: row 2: 'text' holds a number \(5\)"),
        (".jsonl", [["a"]], r"odd\.jsonl: row 1: 'text' holds a JSON list, not text"),
        (".parquet", [b"Sex work is work.", b"caf\xe9"], r"odd\.parquet: row 2: .* not UTF-8"),
        (".parquet", [b"Sex work is work.", None, "caf\u00e9 law".encode()], "rows"),
    ],
    ids=["parquet-int", "jsonl-int", "jsonl-list", "not-utf8", "binary"],
)
def test_every_route_reads_a_text_cell_by_one_rule(
    client, tiny_model: Path, tmp_path: Path, suffix: str, cells: list, outcome: str
) -> None:
    """Dask, the record stream and (for Parquet) the whole-table route read the same odd text
    cells by one rule (stancekit.io.cells.cell_text): the same error, or the same rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stancekit.scoring.distributed import predict_dataset

    rows = [{"id": f"r{i}", "text": cell} for i, cell in enumerate(cells)]
    source = tmp_path / f"odd{suffix}"
    if suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(rows), source)
    else:
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    routes = {
        "dask": lambda: predict_dataset([str(source)], out, model=tiny_model, scheduler=client),
        "stream": lambda: _single_process([source], tiny_model, tmp_path),
        "table": lambda: predict_inputs(
            [str(source)], model=tiny_model, output=tmp_path / "table.parquet"
        ),
    }
    if outcome != "rows":
        for route in routes.values():
            with pytest.raises(InputError, match=outcome):
                route()
        assert not out.exists()
        return
    routes["dask"]()
    routes["table"]()
    stream = _single_process([source], tiny_model, tmp_path)
    assert [r["text"] for r in stream] == ["Sex work is work.", "caf\u00e9 law"]
    assert _dataset(out) == stream == pq.read_table(tmp_path / "table.parquet").to_pylist()


@pytest.mark.e2e
def test_every_route_reads_id_and_passed_cells_by_one_rule(
    client, tiny_model: Path, tmp_path: Path
) -> None:
    """A float NaN (not a Parquet null) is a missing cell on Dask, the record stream and the
    whole-table route alike: a passed-through value null, an id refused naming the row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stancekit.scoring.distributed import predict_dataset

    source = tmp_path / "odd.parquet"
    table = {
        "text": ["Sex work is work.", "End demand now.", "The court met."],
        "score": pa.array([1.5, float("nan"), None]),
        "bid": pa.array([b"a", b"\xff", b"c"]),
    }
    pq.write_table(pa.table(table), source)
    out = tmp_path / "out"
    predict_dataset([str(source)], out, model=tiny_model, scheduler=client)
    stream = _single_process([source], tiny_model, tmp_path)
    assert [r["score"] for r in stream] == ["1.5", None, None]
    assert _dataset(out) == stream
    by_bid = _single_process(
        [source], tiny_model, tmp_path, source_options=SourceOptions(id_column="bid")
    )
    predict_dataset(
        [str(source)],
        tmp_path / "bid",
        ScoreOptions(id_column="bid"),
        model=tiny_model,
        scheduler=client,
    )
    assert _dataset(tmp_path / "bid") == by_bid
    message = rf"{source}: row 2 has no value for --id-column 'score'"
    with pytest.raises(InputError, match=message):
        predict_dataset(
            [str(source)],
            tmp_path / "x",
            ScoreOptions(id_column="score"),
            model=tiny_model,
            scheduler=client,
        )
    with pytest.raises(InputError, match=message):
        _single_process(
            [source], tiny_model, tmp_path, source_options=SourceOptions(id_column="score")
        )


@pytest.mark.e2e
def test_a_jsonl_row_without_the_text_field_is_refused_on_every_route(
    client, tiny_model: Path, tmp_path: Path
) -> None:
    """Dask refuses a JSON Lines row with no text field as the record stream does (it read it
    as an empty text and skipped it)."""
    from stancekit.scoring.distributed import predict_dataset

    source = tmp_path / "odd.jsonl"
    source.write_text('{"id": "a", "text": "Sex work is work."}\n{"id": "b"}\n', "utf-8")
    message = rf"{source}: row 2 has no 'text' field"
    with pytest.raises(InputError, match=message):
        _single_process([source], tiny_model, tmp_path)
    with pytest.raises(InputError, match=message):
        predict_dataset([str(source)], tmp_path / "out", model=tiny_model, scheduler=client)
    assert not (tmp_path / "out").exists()
