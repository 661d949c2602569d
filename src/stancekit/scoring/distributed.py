"""Score large corpora on a Dask cluster (the optional extra ``stancekit[dask]``).

* :func:`score_dataframe`: a Dask DataFrame of documents -> a lazy Dask DataFrame of scored rows,
  through ``map_partitions`` with an explicit ``meta``; every partition goes through the pure
  :func:`stancekit.scoring.partition.score_partition`, as Arrow (:mod:`stancekit.scoring.frames`
  converts at the edge).
* :func:`read_tables`: Parquet/CSV/TSV/JSONL files, globs or folders -> a Dask DataFrame (one
  partition per text file, per run of row groups of a Parquet file) that knows each row's file and
  row number, so ids are ``<path>:<row>`` as ``stancekit predict`` makes them.
* :func:`predict_dataset`: what ``stancekit predict --engine dask`` does: read, score, write a
  partitioned Parquet dataset (``part.00000.parquet`` ...) into a temporary sibling folder that is
  renamed when every partition is written, and return the summed stats.

The model is never shipped with the tasks: a task carries the model's path and hash, and each
worker process loads it once (:func:`worker_predictor`). Tasks are pure (a partition in, its rows
out, one part file written atomically), so Dask may rerun any of them after a worker dies and
every row is still written exactly once. Dask is imported inside the functions that need it.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError, UsageError
from stancekit.scoring.cluster import (
    INSTALL_HINT,
    DaskMissingError,
    cluster_client,
    dashboard_link,
    require_dask,
)
from stancekit.scoring.columns import (
    ROW_COLUMN,
    SOURCE_COLUMN,
    arrow_schema,
    empty_frame,
    output_columns,
)
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.partition import score_partition
from stancekit.scoring.pieces import (
    object_frame,
    piece_columns,
    pieces_of,
    read_piece,
    table_files,
)
from stancekit.scoring.rows import PartitionResult, ScoringStats, nothing
from stancekit.scoring.segment import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    import pandas as pd

    from stancekit.scoring.predictor import StancePredictor
    from stancekit.scoring.read import SourceOptions

__all__ = [
    "INSTALL_HINT",
    "DaskMissingError",
    "ModelRef",
    "cluster_client",
    "predict_dataset",
    "read_tables",
    "refuse_options",
    "require_dask",
    "score_dataframe",
]


@dataclass(frozen=True)
class ModelRef:
    """What a task carries instead of the model: its folder, its hash, its labels."""

    path: str
    sha256: str
    labels: tuple[str, ...]
    language: str | None = None
    paragraph_only: bool = False


def model_ref(
    model: str | Path | None, language: str | None = None, paragraph_only: bool = False
) -> ModelRef:
    """The reference to ``model`` (a folder, ``$STANCEKIT_MODEL`` or ``models/``), read from its
    card without loading it; ``language`` forces every text's language."""
    from stancekit.model.locate import resolve_model_dir
    from stancekit.model.persist import read_card

    folder = resolve_model_dir(model).resolve()
    card = read_card(folder)
    return ModelRef(str(folder), card.model_sha256, tuple(card.labels), language, paragraph_only)


_PREDICTORS: dict[tuple[str, str, str | None, bool], StancePredictor] = {}
_LOCK = threading.Lock()


def worker_predictor(ref: ModelRef) -> StancePredictor:
    """The model of ``ref``, loaded once per process (each Dask worker keeps its own)."""
    key = (ref.path, ref.sha256, ref.language, ref.paragraph_only)
    with _LOCK:
        if key not in _PREDICTORS:
            from stancekit.scoring.predictor import StancePredictor

            _PREDICTORS[key] = StancePredictor.load(
                ref.path, language=ref.language, paragraph_only=ref.paragraph_only
            )
        return _PREDICTORS[key]


def _score(
    frame: pd.DataFrame, model: ModelRef | StancePredictor, options: ScoreOptions, source: str
) -> PartitionResult:
    from stancekit.scoring.frames import frame_columns

    predictor = worker_predictor(model) if isinstance(model, ModelRef) else model
    return score_partition(frame_columns(frame), predictor, options, source=source)


def _score_frame(
    frame: pd.DataFrame,
    model: ModelRef | StancePredictor,
    options: ScoreOptions,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    from stancekit.scoring.frames import pandas_rows

    number = partition_info["number"] if partition_info else 0
    return pandas_rows(_score(frame, model, options, f"partition-{number}").table)


def score_dataframe(
    ddf: Any,
    text_column: str = "text",
    id_column: str | None = None,
    model: str | Path | StancePredictor | None = None,
    unit: str = "paragraph",
    threshold: float | None = None,
    explain: int = 0,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Any:
    """Score every paragraph (or document) of a Dask DataFrame, lazily.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        One document per row; every column but the text is passed through.
    text_column, id_column : str
        The text column; the id column (default: ``<path>:<row>`` when the frame comes from
        :func:`read_tables`, else ``partition-<n>:<row>``).
    model : path or StancePredictor, optional
        The model folder (default ``$STANCEKIT_MODEL``, else ``models/``): each worker loads it
        once, so it must be readable at the same path on every worker. Or a loaded predictor,
        broadcast: it is one object in the task graph, sent to each worker once (for a cluster
        that cannot see the model's folder).
    unit, threshold, explain, max_chars
        As for ``stancekit predict``.

    Returns
    -------
    dask.dataframe.DataFrame
        The scored rows, partition by partition in input order, with the columns of ``stancekit
        predict --format parquet`` (``paragraph_index`` a nullable integer).

    Raises
    ------
    DaskMissingError
        Dask is not installed.
    UsageError, InputError
        A bad option, a missing column (checked on the frame's columns before anything runs).
    """
    require_dask()
    options = ScoreOptions(text_column, id_column, unit, threshold, explain, max_chars)
    columns = [str(c) for c in ddf.columns]
    for option, column in (("--text-column", text_column), ("--id-column", id_column)):
        if column is not None and column not in columns:
            raise InputError(f"no column {column!r} ({option}); columns are: {', '.join(columns)}.")
    if hasattr(model, "pipeline") and hasattr(model, "labels"):  # a loaded StancePredictor
        import dask

        labels = tuple(model.labels)  # type: ignore[union-attr]
        shared: Any = dask.delayed(model, pure=True)  # one key in the graph: sent once a worker
    else:
        shared = model_ref(model)  # type: ignore[arg-type]
        labels = shared.labels
    meta = empty_frame(output_columns(labels, columns, text_column, explain))
    return ddf.map_partitions(_score_frame, shared, options, meta=meta, enforce_metadata=False)


def read_tables(
    inputs: Sequence[str], encoding: str = "utf-8", text_column: str | None = None
) -> Any:
    """A Dask DataFrame of the tables ``inputs`` name (see :func:`table_files`), built with
    ``dask.dataframe.from_map`` over :func:`read_piece`; nothing is read but the first file's
    columns (and Parquet footers) until it is computed. With ``text_column``, a JSON Lines row
    without that field is refused, as ``stancekit predict`` refuses it (else it reads as empty)."""
    require_dask()
    import dask
    import dask.dataframe as dd

    pieces = pieces_of(table_files(inputs), encoding, text_column)
    meta = object_frame({n: [] for n in [*piece_columns(pieces[0]), SOURCE_COLUMN]}, 0)
    meta[ROW_COLUMN] = range(0)
    # Values stay as read (no conversion to Arrow strings): what stancekit predict passes through.
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(read_piece, pieces, meta=meta, enforce_metadata=False)


# -- writing a dataset on a cluster ------------------------------------------------------------


def score_piece_to_file(
    frame: pd.DataFrame,
    ref: ModelRef,
    options: ScoreOptions,
    source: str,
    columns: Sequence[str],
    target: str,
) -> ScoringStats:
    """Score one partition and write its rows to ``target`` (a Parquet file, written under a
    temporary name and renamed, so a rerun after a lost worker writes it whole, once)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    result = _score(frame, ref, options, source)
    if result.table.column_names != list(columns):
        raise InputError(
            f"{source}: its columns ({', '.join(c for c in frame.columns if c[:2] != '__')}) "
            "differ from the first file's; give tables with the same columns."
        )
    # the pandas metadata Dask's parts carry (dd.read_parquet reads the meta's dtypes back)
    meta = pa.Table.from_pandas(empty_frame(columns), arrow_schema(columns), preserve_index=False)
    table = result.table.replace_schema_metadata(meta.schema.metadata)
    temporary = f"{target}.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, temporary)
    os.replace(temporary, target)
    return result.stats


@dataclass(frozen=True)
class DaskRun:
    """What :func:`predict_dataset` did: the dataset written, its partitions, the summed stats,
    and the dashboard's address (``None`` when there is none)."""

    output: Path
    partitions: int
    stats: ScoringStats
    dashboard: str | None


def refuse_options(
    output: str | Path | None,
    output_format: str,
    aggregate: bool,
    source_options: SourceOptions,
    jobs: int,
    model: Any = None,
) -> None:
    """Refuse the ``predict`` options the Dask engine cannot honour (it writes a Parquet dataset
    of paragraph rows, reads tables only, and dates from a column named ``date``).

    Raises
    ------
    UsageError
        Naming the option to drop (or ``-o OUT_DIR`` to give).
    """
    from stancekit.scoring.options import table_route_blockers

    tables_only = "--engine dask reads tables only: drop --lines, --glob and --jobs."
    fix = {  # in the order checked
        "output": "--engine dask writes a Parquet dataset: give -o OUT_DIR.",
        "format": f"--engine dask writes Parquet, not {output_format}: drop --format.",
        "aggregate": "--engine dask writes paragraph rows: drop --aggregate.",
        "lines": tables_only,
        "glob": tables_only,
        "jobs": tables_only,  # Dask's workers are the cluster's, not --jobs
        "date_column": "--engine dask reads dates from a column named date: drop --date-column.",
        "date_format": "--engine dask reads dates by the stated rule (day first): "
        "drop --date-format.",
    }
    blockers = table_route_blockers(output, output_format, aggregate, source_options)
    if jobs != 1:
        blockers.append("jobs")
    for name, message in fix.items():
        if name in blockers:
            raise UsageError(message)
    if hasattr(model, "pipeline"):  # a loaded StancePredictor
        raise UsageError(
            "--engine dask loads the model in every worker: give the model's folder, "
            "or use score_dataframe."
        )


def _check_output(output: Path) -> None:
    if output.exists():
        raise UsageError(
            f"--output: {output} exists; the dask engine writes a new folder: remove it or "
            "choose another name."
        )
    if not output.parent.is_dir():
        raise UsageError(f"--output: {output.parent} is not a folder.")


def predict_dataset(
    inputs: Sequence[str],
    output: str | Path,
    options: ScoreOptions | None = None,
    *,
    model: str | Path | None = None,
    encoding: str = "utf-8",
    scheduler: Any = None,
    on_submit: Callable[[list[Any], str | None], None] | None = None,
    language: str | None = None,
    paragraph_only: bool = False,
) -> DaskRun:
    """Score the tables ``inputs`` name on a Dask cluster into the Parquet dataset ``output``.

    Every partition is written as ``output/part.<n>.parquet`` (rows in input order within and
    across parts), first into a temporary sibling folder that is renamed to ``output`` once every
    part is written: a failed run leaves no ``output``.

    Parameters
    ----------
    inputs : sequence of str
        Parquet, CSV, TSV or JSONL files, globs or folders (see :func:`table_files`).
    output : path
        The dataset folder to create (must not exist).
    options : ScoreOptions, optional
        Text and id columns, unit, threshold, explain, max_chars, as for ``stancekit predict``.
    model, encoding
        As for ``stancekit predict``; the model folder must be readable by every worker.
    scheduler : str or distributed.Client, optional
        A scheduler address, a client, or ``None`` for a ``LocalCluster`` on this machine.
    on_submit : callable, optional
        Called with the futures and the dashboard link once the work is submitted (the CLI shows
        Dask's progress bar there).
    language : str, optional
        Score every text as this language instead of identifying it.
    paragraph_only : bool
        Score each paragraph alone, without its document's prior
        (:func:`stancekit.scoring.batch.document_prior`).

    Raises
    ------
    DaskMissingError, UsageError, InputError
        Dask not installed; bad options or an existing output; unreadable input (the message
        names the file), nothing to score, an unreachable scheduler.
    """
    require_dask()
    options = options if options is not None else ScoreOptions()
    output = Path(output)
    _check_output(output)
    ref = model_ref(model, language, paragraph_only)
    files = table_files(inputs)
    pieces = pieces_of(files, encoding)
    first_columns = piece_columns(pieces[0])
    columns = output_columns(ref.labels, first_columns, options.text_column, options.explain)
    ddf = read_tables([str(f) for f in files], encoding, options.text_column)
    import dask

    staging = output.parent / f".{output.name}.tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        tasks = [
            dask.delayed(score_piece_to_file, pure=True)(
                part, ref, options, piece.path, columns, str(staging / f"part.{n:05d}.parquet")
            )
            for n, (part, piece) in enumerate(zip(ddf.to_delayed(), pieces, strict=True))
        ]
        with cluster_client(scheduler) as client:
            link = dashboard_link(client)
            futures = client.compute(tasks)
            try:
                if on_submit is not None:
                    on_submit(futures, link)
                stats = sum(client.gather(futures), ScoringStats(max_chars=options.max_chars))
            except BaseException:
                client.cancel(futures)  # no part written into a folder about to be removed
                raise
        if not stats.units:
            raise nothing("score")
        for leftover in staging.glob("*.tmp"):  # from a task that died while writing
            leftover.unlink()
        os.replace(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return DaskRun(output, len(pieces), stats, link)
