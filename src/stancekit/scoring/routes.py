"""The routes of a predict run, each returning a :class:`PredictRun`: the stream, whole Parquet
tables, or a Dask cluster.

:func:`stancekit.scoring.run.predict_inputs` chooses the route, here sent on: the stream (records
-> units -> batches -> writer, any input, any output), whole Parquet tables scored a piece at a
time in this process (:mod:`stancekit.scoring.tables`), or a Dask cluster writing a Parquet
dataset (:mod:`stancekit.scoring.distributed`). Every route scores batches of whole documents
with the one core, :func:`stancekit.scoring.core.score_documents`, and counts in one
:class:`~stancekit.scoring.rows.ScoringStats`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from stancekit.errors import OutputError
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.rows import ScoringStats, nothing

if TYPE_CHECKING:
    from stancekit.scoring.engines import Engine
    from stancekit.scoring.predictor import StancePredictor
    from stancekit.scoring.read import SourceRecord

#: The engine that sends a run to a Dask cluster (``--engine dask``).
DASK = "dask"


@dataclass(frozen=True)
class PredictRun:
    """What :func:`stancekit.scoring.run.predict_inputs` did.

    Attributes
    ----------
    rows : int
        Rows written (paragraphs, or documents with ``aggregate``).
    output : Path or None
        The file (or, on Dask, the dataset folder) written, or ``None`` for standard output.
    output_format : str
        The format written (``auto`` resolved).
    stats : ScoringStats
        Documents read, units scored, empty inputs skipped, units with no known word.
    partitions : int or None
        On Dask: the partitions (part files) written.
    dashboard : str or None
        On Dask: the dashboard's address (``None`` when there is none).
    """

    rows: int
    output: Path | None
    output_format: str
    stats: ScoringStats = field(default_factory=ScoringStats)
    partitions: int | None = None
    dashboard: str | None = None


def _write_stdout(scored: Any, stdout: TextIO, *args: Any) -> int:
    """Write to standard output; a full disk becomes an :class:`OutputError`."""
    from stancekit.io.files import os_error_reason
    from stancekit.scoring.write import write_results

    try:
        rows = write_results(scored, stdout, *args)
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"standard output: cannot write ({os_error_reason(exc)}).") from None
    return rows


def predict_stream(
    records: Iterable[SourceRecord],
    predictor: StancePredictor,
    options: ScoreOptions,
    *,
    path: Path | None,
    output_format: str,
    aggregate: bool,
    runner: Engine,
    jobs: int,
    on_progress: Callable[[int], None] | None,
    stdout: TextIO,
) -> PredictRun:
    """Stream ``records`` through the model on ``runner`` and write the rows to ``path`` (or
    ``stdout``): any input, any output."""
    from stancekit.scoring.stream import score_record_batches
    from stancekit.scoring.write import write_results

    stats = ScoringStats()
    scored = score_record_batches(
        predictor.router,
        records,
        options,
        alpha=predictor.document_prior,
        jobs=jobs,
        engine=runner,
        on_progress=on_progress,
        stats=stats,
    )
    args = (output_format, predictor.labels, aggregate, options.threshold is not None)
    if path is None:
        rows = _write_stdout(scored, stdout, *args)
    else:
        from stancekit.io.files import atomic_write
        from stancekit.scoring.write import BINARY_FORMATS

        with atomic_write(path, "wb" if output_format in BINARY_FORMATS else "w") as handle:
            rows = write_results(scored, handle, *args)
            if not rows:  # leave no empty output file behind
                raise nothing("score")
    if not rows:
        raise nothing("score")
    return PredictRun(rows, path, output_format, stats)


def predict_tables(
    tables: list[Path],
    predictor: StancePredictor,
    options: ScoreOptions,
    path: Path,
    on_progress: Callable[[int], None] | None,
) -> PredictRun:
    """Score the Parquet ``tables`` whole, a piece at a time, into the Parquet file ``path``."""
    from stancekit.io.files import atomic_write
    from stancekit.scoring.tables import score_tables

    with atomic_write(path, "wb") as handle:
        rows, stats = score_tables(tables, predictor, handle, options, on_progress)
    return PredictRun(rows, path, "parquet", stats)


def predict_dask(
    inputs: Sequence[str],
    output: str | Path,
    options: ScoreOptions,
    *,
    model: str | Path | None,
    encoding: str,
    scheduler: Any,
    on_submit: Callable[[list[Any], str | None], None] | None,
    language: str | None,
    paragraph_only: bool,
) -> PredictRun:
    """Score the tables ``inputs`` name on a Dask cluster into the Parquet dataset ``output``
    (see :func:`stancekit.scoring.distributed.predict_dataset`)."""
    from stancekit.scoring.distributed import predict_dataset

    run = predict_dataset(
        inputs,
        output,
        options,
        model=model,
        encoding=encoding,
        scheduler=scheduler,
        on_submit=on_submit,
        language=language,
        paragraph_only=paragraph_only,
    )
    stats = run.stats
    return PredictRun(stats.units, run.output, "parquet", stats, run.partitions, run.dashboard)
