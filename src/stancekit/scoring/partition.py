"""Score a whole table partition at once: a pure function from an Arrow table to the scored rows
as an Arrow table, for any engine that splits a corpus into partitions (Dask, a loop over
Parquet files).

:func:`score_partition` gives the same rows as ``stancekit predict --format parquet`` on the same
table: the same segmentation (``unit`` paragraph or document), probabilities ``p_<label>``,
``uncertain`` threshold, margin, pass-through columns (strings; renamed ``input_<name>`` on a
clash), text and explanations, in the same column order and
:func:`~stancekit.scoring.columns.arrow_schema`. It works column-wise (numpy for labels and
margins, no record per row), scores in batches of whole documents through the one batch scorer
(:func:`~stancekit.scoring.batch.score_batch`), builds its output without pandas, and returns
its :class:`~stancekit.scoring.rows.ScoringStats` (rows read, units scored, empty rows, units
with no word the model knows) that add up across partitions. It knows nothing of Dask; a caller
holding a pandas DataFrame converts it at the edge (:mod:`stancekit.scoring.frames`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.batch import ScoredBatch, count_unsupported, score_batch
from stancekit.scoring.columns import (
    DATE_COLUMN,
    HIDDEN_COLUMNS,
    ROW_COLUMN,
    SOURCE_COLUMN,
    arrow_schema,
    output_columns,
)
from stancekit.scoring.options import DEFAULT_BATCH_SIZE, ScoreOptions
from stancekit.scoring.rows import PartitionResult, ScoringStats, Tally
from stancekit.scoring.units import count_date, document_units

if TYPE_CHECKING:
    from stancekit.scoring.predictor import StancePredictor


def _missing(value: Any) -> bool:
    """Whether a cell is missing as pandas's ``isna`` has it (None, a float NaN, a Decimal NaN):
    the cells every route reads as ``None``."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def _values(table: Any, column: str) -> list[Any]:
    return [None if _missing(v) else v for v in table.column(column).to_pylist()]


class _Where:
    """Where each row of a partition comes from: the hidden columns :data:`SOURCE_COLUMN` and
    :data:`ROW_COLUMN` when a reader added them, else ``source`` and ``first_row``."""

    def __init__(self, table: Any, source: str, first_row: int) -> None:
        names = table.column_names
        self.hidden = SOURCE_COLUMN in names and ROW_COLUMN in names
        self.source, self.first_row = source, first_row
        if self.hidden:
            self.sources = table.column(SOURCE_COLUMN).to_pylist()
            self.rows = table.column(ROW_COLUMN).to_pylist()

    def __call__(self, position: int) -> tuple[str, int]:
        if self.hidden:
            return str(self.sources[position]), int(self.rows[position])
        return self.source, self.first_row + position

    def ids(self, n: int) -> list[str]:
        """The default id of every row, ``<source>:<row>``."""
        if self.hidden:
            return [f"{s}:{r}" for s, r in zip(self.sources, self.rows, strict=True)]
        return [f"{self.source}:{self.first_row + i}" for i in range(n)]


def _texts(values: list[Any], where: _Where, text_column: str) -> list[str]:
    """The text of each cell by ``predict``'s one rule (:func:`stancekit.io.cells.cell_text`):
    strings as they are, missing cells empty, bytes decoded, anything else refused."""
    from stancekit.io.cells import cell_text

    out = []
    for position, value in enumerate(values):
        if isinstance(value, str):
            out.append(value)
        elif value is None:
            out.append("")
        else:
            path, row = where(position)
            out.append(cell_text(value, path, row, text_column))
    return out


def _ids(table: Any, id_column: str | None, where: _Where) -> list[str]:
    if id_column is None:
        return where.ids(table.num_rows)
    from stancekit.io.cells import cell_id  # by predict's rule

    ids = []
    for position, value in enumerate(_values(table, id_column)):
        if isinstance(value, str) and value:
            ids.append(value)
        else:
            path, row = where(position)
            ids.append(cell_id(value, path, row, id_column))
    return ids


def _segment(
    texts: list[str], ids: list[str], unit: str, stats: ScoringStats
) -> tuple[list[int], list[int | None], list[str], list[str | None]]:
    """Each unit's row, paragraph index, text and date (from its text), by the one segmentation
    (:func:`stancekit.scoring.units.document_units`), counted in ``stats``."""
    rows: list[int] = []
    indices: list[int | None] = []
    units: list[str] = []
    dates: list[str | None] = []
    whole = unit == "document"
    for row, (doc_id, text) in enumerate(zip(ids, texts, strict=True)):
        found, date = document_units(doc_id, text, unit, stats.max_chars, stats)
        if found:
            n = len(found)
            rows.extend([row] * n)
            indices.extend([None] if whole else range(n))
            units.extend(found)
            dates.extend([date] * n)
    return rows, indices, units, dates


def _batch_ends(groups: list[str], size: int) -> list[int]:
    """Where batches of about ``size`` units end: never inside a group (a document, which
    takes its short paragraphs' language and its prior from the whole of itself)."""
    last = {group: i for i, group in enumerate(groups)}
    ends, reach, start = [], -1, 0
    for i, group in enumerate(groups):
        if i - start >= size and reach < i:
            ends.append(i)
            start = i
        reach = max(reach, last[group])
    ends.append(len(groups))
    return ends


def _score_in_batches(
    predictor: StancePredictor,
    units: list[str],
    groups: list[str],
    rows: list[int],
    options: ScoreOptions,
) -> ScoredBatch:
    """:func:`~stancekit.scoring.batch.score_batch` of ``units``, whole documents of about
    :data:`DEFAULT_BATCH_SIZE` units at a time: the same numbers (each unit is scored alone, each
    document's prior within itself), faster and in less memory than one batch of a 100,000-row
    partition."""
    import numpy as np

    alpha = predictor.document_prior if options.unit == "paragraph" else 0.0
    labels, threshold, explain = predictor.labels, options.threshold, options.explain
    parts, start = [], 0
    for end in _batch_ends(groups, DEFAULT_BATCH_SIZE):
        part = score_batch(
            predictor.router,
            units[start:end],
            labels,
            threshold,
            explain,
            None,
            groups[start:end],
            rows[start:end],
            alpha,
        )
        parts.append((start, part))
        start = end
    if len(parts) == 1:
        return parts[0][1]
    first = parts[0][1]
    return ScoredBatch(
        np.concatenate([part.proba for _, part in parts]),
        [name for _, part in parts for name in part.labels],
        [margin for _, part in parts for margin in part.margins],
        None if first.tops is None else [top for _, part in parts for top in part.tops],
        [start + row for start, part in parts for row in part.unknown_rows],
        None if first.languages is None else [c for _, part in parts for c in part.languages],
    )


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


def score_partition(
    table: Any,
    predictor: StancePredictor,
    options: ScoreOptions | None = None,
    *,
    source: str = "partition",
    first_row: int = 1,
) -> PartitionResult:
    """Score every paragraph (or document) of a table partition.

    Parameters
    ----------
    table : pyarrow.Table or FrameColumns
        One document per row: text in ``options.text_column``; every other column is passed
        through. (A pandas DataFrame: read it through
        :func:`stancekit.scoring.frames.frame_columns`.)
    predictor : StancePredictor
        The model.
    options : ScoreOptions, optional
        The text column; the id column (default: ``<source>:<row>``, or the hidden columns
        :data:`SOURCE_COLUMN` and :data:`ROW_COLUMN` when a reader added them); the unit
        (paragraph or document); the threshold below which the label is ``"uncertain"``;
        ``explain``, each label's strongest terms to add (JSON text, as in Parquet output);
        ``max_chars``, the length above which paragraphs are split (counted in the stats'
        ``split``), as in predict. Default: :class:`ScoreOptions`'s.
    source, first_row : str, int
        For default ids and messages: the partition's name and the number of its first row.

    Returns
    -------
    PartitionResult
        The scored rows as an Arrow table in :func:`~stancekit.scoring.columns.arrow_schema`
        (same columns, order and values as ``stancekit predict --format parquet``; no rows when
        there is nothing to score) and the partition's stats.

    Raises
    ------
    InputError
        A missing column (lists those there are), a missing id, a text cell that is not text
        (:func:`stancekit.io.cells.cell_text`: a number, a list, bytes that are not UTF-8).
    """
    import pyarrow as pa

    from stancekit.scoring.columns import output_name, output_number, output_text

    options = options if options is not None else ScoreOptions()
    text_column, id_column = options.text_column, options.id_column
    columns = [str(c) for c in table.column_names]
    for option, column in (("--text-column", text_column), ("--id-column", id_column)):
        if column is not None and column not in columns:
            shown = ", ".join(c for c in columns if c not in HIDDEN_COLUMNS)
            raise InputError(f"{source}: no column {column!r} ({option}); columns are: {shown}.")
    labels = predictor.labels
    schema = arrow_schema(output_columns(labels, columns, text_column, options.explain))
    where = _Where(table, source, first_row)
    ids = _ids(table, id_column, where)
    texts = _texts(_values(table, text_column), where, text_column)
    stats = ScoringStats(max_chars=options.max_chars)
    rows, indices, units, dates = _segment(texts, ids, options.unit, stats)
    cells = None  # a date column gives each row's date, as in predict
    if DATE_COLUMN in columns and text_column != DATE_COLUMN:
        from stancekit.io.cells import cell_date

        cells = [cell_date(v) for v in _values(table, DATE_COLUMN)]
        for doc_id, cell in zip(ids, cells, strict=True):
            count_date(doc_id, cell, stats)
    if not units:
        return PartitionResult(schema.empty_table(), stats)
    doc_ids = [ids[row] for row in rows]
    result = _score_in_batches(predictor, units, doc_ids, rows, options)
    proba = result.proba
    out: dict[str, Any] = {
        "doc_id": doc_ids,
        "paragraph_index": indices,
        "label": result.labels,
    }
    for column, label in enumerate(labels):
        out[f"p_{label}"] = [output_number(v) for v in proba[:, column].tolist()]
    out["margin"] = [output_number(v) for v in result.margins]
    out["language"] = [None] * len(units) if result.languages is None else result.languages
    if cells is not None:
        dates = [cells[row] or date for row, date in zip(rows, dates, strict=True)]
    out["date"] = dates
    for column in columns:
        if column in (text_column, DATE_COLUMN) or column in HIDDEN_COLUMNS:
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
    scored = pa.Table.from_arrays(
        [_arrow_array(out[f.name], f.type) for f in schema], schema=schema
    )
    unknown = [
        doc_ids[i] if indices[i] is None else f"{doc_ids[i]}#{indices[i]}"
        for i in result.unknown_rows[: stats.unknown.keep]
    ]
    stats.unknown = Tally.of(unknown, len(result.unknown_rows))
    stats.unsupported = _unsupported(result.languages, proba)
    return PartitionResult(scored, stats)


def _unsupported(languages: list[str] | None, proba: Any) -> dict[str, int]:
    """Units no model scored, per language (as ``predict``'s stream counts them)."""
    counts: dict[str, int] = {}
    count_unsupported(languages, proba, counts)
    return dict(sorted(counts.items()))
