"""Score Parquet tables whole, piece by piece, in this process: the partition scorer
(:func:`stancekit.scoring.partition.score_partition`) behind ``stancekit predict`` when it is
faster.

Scoring a table a partition at a time skips the per-row Python work of the streaming path
(records, units, scored rows, one writer call per row). ``stancekit predict`` takes this path
when its output is the same: Parquet files in, a Parquet file out, one row per paragraph (or
document), in this process (see :func:`table_inputs`). Arrow from end to end: the row groups
read, the rows scored and written, without pandas. The Dask engine writes its parts in the
same :func:`~stancekit.scoring.columns.arrow_schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.scoring.columns import arrow_schema, output_columns
from stancekit.scoring.partition import score_partition
from stancekit.scoring.rows import ScoringStats, nothing

if TYPE_CHECKING:
    from stancekit.scoring.options import ScoreOptions
    from stancekit.scoring.predictor import StancePredictor
    from stancekit.scoring.read import SourceOptions


def table_inputs(
    inputs: Sequence[str],
    options: SourceOptions,
    *,
    output_format: str,
    output: Path | None,
    aggregate: bool,
    in_process: bool,
) -> list[Path] | None:
    """The Parquet files to score whole, or ``None`` when the streaming path must run.

    The whole-table path gives the same rows as the streaming one when every input is a Parquet
    file with the same columns, the output is a Parquet file of paragraph (or document) rows,
    scoring runs in this process, and dates come from a column named ``date`` (or the text).
    """
    from stancekit.scoring.options import table_route_blockers

    blockers = table_route_blockers(output, output_format, aggregate, options)
    if blockers or output_format != "parquet" or not in_process or not inputs:
        return None
    files = [Path(arg) for arg in inputs]
    if not all(f.suffix.lower() == ".parquet" and f.is_file() for f in files):
        return None
    import pyarrow.parquet as pq

    try:
        names = {tuple(pq.ParquetFile(f).schema_arrow.names) for f in files}
    except Exception:  # not Parquet after all: the streaming reader says why, naming the file
        return None
    return files if len(names) == 1 else None


def score_tables(
    files: Sequence[Path],
    predictor: StancePredictor,
    handle: Any,
    options: ScoreOptions,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[int, ScoringStats]:
    """Score the Parquet ``files`` a piece at a time with ``options`` and write the rows to
    ``handle`` as one Parquet file; return the rows written and the run's stats.

    Raises
    ------
    InputError
        A missing column (naming the file), an unreadable file, a missing id.
    """
    import pyarrow.parquet as pq

    from stancekit.scoring.pieces import pieces_of, read_parquet_piece

    names = pq.ParquetFile(files[0]).schema_arrow.names
    columns = output_columns(predictor.labels, names, options.text_column, options.explain)
    writer = pq.ParquetWriter(handle, arrow_schema(columns))
    stats = ScoringStats(max_chars=options.max_chars)
    try:
        for piece in pieces_of(list(files), "utf-8"):
            result = score_partition(
                read_parquet_piece(piece),
                predictor,
                options,
                source=piece.path,
                first_row=piece.first_row,
            )
            stats += result.stats
            if result.table.num_rows:
                writer.write_table(result.table)
            if on_progress is not None:
                on_progress(stats.units)
    finally:
        writer.close()
    if not stats.units:
        raise nothing("score")
    return stats.units, stats
