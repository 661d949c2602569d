"""Score a whole table partition at once: a pure function from an Arrow table to the scored rows
as an Arrow table, for any engine that splits a corpus into partitions (Dask, a loop over
Parquet files).

:func:`score_partition` gives the same rows as ``stancekit predict --format parquet`` on the same
table: the same segmentation (``unit`` paragraph or document), probabilities ``p_<label>``,
``uncertain`` threshold, margin, pass-through columns (strings; renamed ``input_<name>`` on a
clash), text and explanations, in the same column order and
:func:`~stancekit.scoring.columns.arrow_schema`. It works column-wise (numpy for labels and
margins, no record per row), segments and scores through the one core of every route
(:func:`~stancekit.scoring.core.score_documents`, which the stream uses too), builds its output
without pandas, and returns
its :class:`~stancekit.scoring.rows.ScoringStats` (rows read, units scored, empty rows, units
with no word the model knows) that add up across partitions. It knows nothing of Dask; a caller
holding a pandas DataFrame converts it at the edge (:mod:`stancekit.scoring.frames`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.columns import (
    DATE_COLUMN,
    HIDDEN_COLUMNS,
    ROW_COLUMN,
    SOURCE_COLUMN,
    arrow_schema,
    output_columns,
)
from stancekit.scoring.core import score_documents
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.rows import PartitionResult

if TYPE_CHECKING:
    from stancekit.scoring.predictor import StancePredictor


def _values(table: Any, column: str) -> list[Any]:
    """A column's cells, missing ones ``None``: :func:`stancekit.io.cells.is_missing`, and a
    Decimal NaN (pandas's ``isna`` calls it missing, so a Dask partition reads it so too)."""
    from stancekit.io.cells import is_missing

    return [
        None if is_missing(v) or (isinstance(v, Decimal) and v.is_nan()) else v
        for v in table.column(column).to_pylist()
    ]


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
    cells = None  # a date column gives each row's date, as in predict
    if DATE_COLUMN in columns and text_column != DATE_COLUMN:
        from stancekit.io.cells import cell_date

        cells = [cell_date(v) for v in _values(table, DATE_COLUMN)]
    units = score_documents(
        predictor.router, labels, ids, texts, cells, options, predictor.document_prior
    )
    rows, result, stats = units.rows, units.scored, units.stats
    if not rows:
        return PartitionResult(schema.empty_table(), stats)
    proba = result.proba
    out: dict[str, Any] = {
        "doc_id": units.doc_ids,
        "paragraph_index": units.indices,
        "label": result.labels,
    }
    for column, label in enumerate(labels):
        out[f"p_{label}"] = [output_number(v) for v in proba[:, column].tolist()]
    out["margin"] = [output_number(v) for v in result.margins]
    out["language"] = [None] * len(rows) if result.languages is None else result.languages
    out["date"] = units.dates
    for column in columns:
        if column in (text_column, DATE_COLUMN) or column in HIDDEN_COLUMNS:
            continue
        values = _values(table, column)
        out[output_name(column)] = [
            None if values[i] is None else output_text(values[i]) for i in rows
        ]
    out["text"] = units.texts
    if result.tops is not None:
        for label in labels:
            out[f"explain_{label}"] = [
                output_text([[t, v] for t, v in tops[label]]) for tops in result.tops
            ]
    scored = pa.Table.from_arrays(
        [_arrow_array(out[f.name], f.type) for f in schema], schema=schema
    )
    return PartitionResult(scored, stats)
