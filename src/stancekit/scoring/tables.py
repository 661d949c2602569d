"""Score Parquet tables whole, piece by piece, in this process: the partition scorer
(:func:`stancekit.scoring.partition.score_partition`, here :func:`score_arrow`, its rows straight
from and to Arrow without pandas) behind ``stancekit predict`` when it is faster.

Scoring a table a partition at a time skips the per-row Python work of the streaming path
(records, units, scored rows, one writer call per row). ``stancekit predict`` takes this path
when its output is the same: Parquet files in, a Parquet file out, one row per paragraph (or
document), in this process (see :func:`table_inputs`). The Dask engine writes its parts in the
same :func:`~stancekit.scoring.columns.arrow_schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.columns import (
    DATE_COLUMN,
    arrow_schema,
    output_columns,
    output_name,
    output_number,
)
from stancekit.scoring.rows import PartitionStats, ScoringStats
from stancekit.scoring.stream import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
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
    if (
        output_format != "parquet"
        or output is None
        or aggregate
        or not in_process
        or options.lines
        or options.glob is not None
        or options.date_column is not None
        or options.date_format is not None
        or not inputs
    ):
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
    *,
    text_column: str = "text",
    id_column: str | None = None,
    unit: str = "paragraph",
    threshold: float | None = None,
    explain: int = 0,
    max_chars: int = DEFAULT_MAX_CHARS,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[int, ScoringStats]:
    """Score the Parquet ``files`` a piece at a time and write the rows to ``handle`` as one
    Parquet file; return the rows written and the run's stats.

    Raises
    ------
    InputError
        A missing column (naming the file), an unreadable file, a missing id.
    """
    import pyarrow.parquet as pq

    from stancekit.scoring.pieces import pieces_of

    columns = output_columns(
        predictor.labels, pq.ParquetFile(files[0]).schema_arrow.names, text_column, explain
    )
    writer = pq.ParquetWriter(handle, arrow_schema(columns))
    stats = PartitionStats()
    try:
        for piece in pieces_of(list(files), "utf-8"):
            path = Path(piece.path)
            try:
                table = pq.ParquetFile(path).read_row_groups(list(piece.row_groups or ()))
            except Exception as exc:
                raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None
            scored, piece_stats = score_arrow(
                table,
                predictor,
                text_column=text_column,
                id_column=id_column,
                unit=unit,
                threshold=threshold,
                explain=explain,
                source=piece.path,
                first_row=piece.first_row,
                max_chars=max_chars,
            )
            stats += piece_stats
            if scored is not None:
                writer.write_table(scored)
            if on_progress is not None:
                on_progress(piece_stats.units)
    finally:
        writer.close()
    scoring = stats.scoring_stats()
    scoring.max_chars = max_chars
    if not stats.units:
        raise InputError("nothing to score: every input was empty.")
    return stats.units, scoring


def _missing(value: Any) -> bool:
    """A cell pandas's ``isna`` calls missing (None, NaN, a Decimal NaN): the cells
    :func:`stancekit.scoring.partition.score_partition` reads as ``None``."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _values(table: Any, column: str) -> list[Any]:
    return [None if _missing(v) else v for v in table.column(column).to_pylist()]


def _arrow_array(values: list[Any], kind: Any) -> Any:
    """``pa.array(values, kind)`` for the output's types (text, int64, float64; ``None`` is
    null), built without ``pa.array``, which imports pandas (0.3 s) to ask whether ``values`` is
    a pandas object."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_string(kind):
        builder = pa.lib.StringBuilder()
        builder.append_values(values)
        return builder.finish()
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    nulls = len(values) - int(valid.sum())
    if nulls:
        values = [0 if v is None else v for v in values]
    data = np.asarray(values, dtype=kind.to_pandas_dtype())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(kind, len(values), [bitmap, pa.py_buffer(data)], nulls)


def _batch_ends(groups: list[str], size: int) -> list[int]:
    """Where batches of about ``size`` units end: never inside a group (document), which
    takes its short paragraphs' language from the whole of itself."""
    last = {group: i for i, group in enumerate(groups)}
    ends, reach, start = [], -1, 0
    for i, group in enumerate(groups):
        if i - start >= size and reach < i:
            ends.append(i)
            start = i
        reach = max(reach, last[group])
    ends.append(len(groups))
    return ends


def _predict_in_batches(router: Any, units: list[str], explain: int, groups: list[str]) -> Any:
    """:func:`~stancekit.scoring.batch.predict_batch` of ``units``, a batch of the stream's
    size at a time (whole groups): the same numbers (each row is scored alone), faster and in
    less memory than one batch of a 100,000-row partition."""
    import numpy as np

    from stancekit.scoring.batch import BatchResult, predict_batch
    from stancekit.scoring.options import DEFAULT_BATCH_SIZE

    ends = _batch_ends(groups, DEFAULT_BATCH_SIZE)
    if len(ends) == 1:
        return predict_batch(router, units, explain, None, groups)
    parts, start = [], 0
    for end in ends:
        parts.append(
            (start, predict_batch(router, units[start:end], explain, None, groups[start:end]))
        )
        start = end
    first = parts[0][1]
    return BatchResult(
        np.concatenate([part.proba for _, part in parts]),
        None if first.tops is None else [top for _, part in parts for top in part.tops],
        [start + row for start, part in parts for row in part.unknown_rows],
        None if first.languages is None else [c for _, part in parts for c in part.languages],
    )


def score_arrow(
    table: Any,
    predictor: StancePredictor,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    unit: str = "paragraph",
    threshold: float | None = None,
    explain: int = 0,
    source: str = "partition",
    first_row: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> tuple[Any, PartitionStats]:
    """:func:`~stancekit.scoring.partition.score_partition` of an Arrow table, without pandas:
    the same rows (as an Arrow table in :func:`~stancekit.scoring.columns.arrow_schema`, or
    ``None`` when there are none) and stats. Ids are ``<source>:<row>`` unless ``id_column``."""
    import pyarrow as pa

    from stancekit.io.cells import cell_id, cell_text
    from stancekit.scoring.batch import decide
    from stancekit.scoring.columns import output_text
    from stancekit.scoring.options import check_options
    from stancekit.scoring.partition import _segment, _unsupported
    from stancekit.scoring.rows import _EXAMPLES

    check_options(unit=unit, threshold=threshold, explain=explain, max_chars=max_chars)
    columns = [str(c) for c in table.column_names]
    for option, column in (("--text-column", text_column), ("--id-column", id_column)):
        if column is not None and column not in columns:
            shown = ", ".join(columns)
            raise InputError(f"{source}: no column {column!r} ({option}); columns are: {shown}.")
    labels = predictor.labels
    names = output_columns(labels, columns, text_column, explain)
    if id_column is None:
        ids = [f"{source}:{first_row + i}" for i in range(table.num_rows)]
    else:  # by predict's rule (stancekit.io.cells.cell_id)
        ids = [
            v if isinstance(v, str) and v else cell_id(v, source, first_row + i, id_column)
            for i, v in enumerate(_values(table, id_column))
        ]
    texts = [
        v
        if isinstance(v, str)
        else ""
        if v is None
        else cell_text(v, source, first_row + i, text_column)
        for i, v in enumerate(_values(table, text_column))
    ]
    rows, indices, units, dates, empty, split = _segment(texts, ids, unit, max_chars)
    stats = PartitionStats(
        table.num_rows,
        len(units),
        len(empty),
        0,
        tuple(empty[:_EXAMPLES]),
        split=len(split),
        split_examples=tuple(split[:_EXAMPLES]),
    )
    if not units:
        return None, stats
    doc_ids = [ids[row] for row in rows]
    result = _predict_in_batches(predictor.router, units, explain, doc_ids)
    proba = result.proba
    if unit == "paragraph" and predictor.document_prior:
        from stancekit.scoring.context import document_prior

        proba = document_prior(proba, rows, predictor.document_prior)
    label_names, margins = decide(proba, labels, threshold)
    out: dict[str, Any] = {"doc_id": doc_ids, "paragraph_index": indices, "label": label_names}
    for column, label in enumerate(labels):
        out[f"p_{label}"] = [output_number(v) for v in proba[:, column].tolist()]
    out["margin"] = [output_number(v) for v in margins]
    out["language"] = result.languages
    if DATE_COLUMN in columns and text_column != DATE_COLUMN:
        from stancekit.io.cells import cell_date

        cells = [cell_date(v) for v in _values(table, DATE_COLUMN)]
        dates = [cells[row] or date for row, date in zip(rows, dates, strict=True)]
    out["date"] = dates
    for column in columns:
        if column in (text_column, DATE_COLUMN):
            continue
        values = _values(table, column)
        out[output_name(column)] = [
            None if values[i] is None else output_text(values[i]) for i in rows
        ]
    out["text"] = units
    if result.tops is not None:
        for label in labels:
            out[f"explain_{label}"] = [
                output_text([[t, v] for t, v in tops[label]]) for tops in result.tops
            ]
    schema = arrow_schema(names)
    scored = pa.Table.from_arrays(
        [_arrow_array(out[f.name], f.type) for f in schema], schema=schema
    )
    unknown = [
        doc_ids[i] if indices[i] is None else f"{doc_ids[i]}#{indices[i]}"
        for i in result.unknown_rows[:_EXAMPLES]
    ]
    return scored, PartitionStats(
        stats.rows,
        stats.units,
        stats.empty,
        len(result.unknown_rows),
        stats.empty_examples,
        tuple(unknown),
        stats.split,
        stats.split_examples,
        _unsupported(result.languages, proba),
    )
