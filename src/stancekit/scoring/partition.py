"""Score a whole table partition at once: a pure function from a pandas DataFrame (or an Arrow
table) to the scored rows, for any engine that splits a corpus into partitions (Dask, Spark's
``mapInPandas``, a loop over Parquet files).

:func:`score_partition` gives the same rows as ``stancekit predict --format parquet`` on the same
table: the same segmentation (``unit`` paragraph or document), probabilities ``p_<label>``,
``uncertain`` threshold, margin, pass-through columns (strings; renamed ``input_<name>`` on a
clash), text and explanations, in the same column order. It works column-wise on the batch (one
model call, numpy for labels and margins, no record per row), and returns its
:class:`~stancekit.scoring.rows.ScoringStats` (rows read, units scored, empty rows, units with no
word the model knows) that add up across partitions. It knows nothing of Dask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.batch import count_unsupported, score_batch
from stancekit.scoring.columns import (
    DATE_COLUMN,
    HIDDEN_COLUMNS,
    ROW_COLUMN,
    SOURCE_COLUMN,
    empty_frame,
    output_columns,
    typed_values,
)
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.rows import PartitionResult, ScoringStats, Tally
from stancekit.scoring.units import document_units

if TYPE_CHECKING:
    import pandas as pd

    from stancekit.scoring.predictor import StancePredictor


def _texts(
    values: list[Any], frame: pd.DataFrame, text_column: str, source: str, first_row: int
) -> list[str]:
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
            path, row = _row_name(frame, source, first_row, position)
            out.append(cell_text(value, path, row, text_column))
    return out


def _ids(frame: pd.DataFrame, id_column: str | None, source: str, first_row: int) -> list[str]:
    if id_column is not None:  # by predict's rule (stancekit.io.cells.cell_id)
        from stancekit.io.cells import cell_id

        ids = []
        for position, value in enumerate(_column_values(frame[id_column])):
            if isinstance(value, str) and value:
                ids.append(value)
            else:
                where, row = _row_name(frame, source, first_row, position)
                ids.append(cell_id(value, where, row, id_column))
        return ids
    if SOURCE_COLUMN in frame.columns and ROW_COLUMN in frame.columns:
        sources, rows = frame[SOURCE_COLUMN].tolist(), frame[ROW_COLUMN].tolist()
        return [f"{s}:{r}" for s, r in zip(sources, rows, strict=True)]
    return [f"{source}:{first_row + i}" for i in range(len(frame))]


def _row_name(frame: pd.DataFrame, source: str, first_row: int, position: int) -> tuple[str, int]:
    if SOURCE_COLUMN in frame.columns and ROW_COLUMN in frame.columns:
        return str(frame[SOURCE_COLUMN].iat[position]), int(frame[ROW_COLUMN].iat[position])
    return source, first_row + position


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


def _as_strings(values: Any) -> list[Any]:
    """A pass-through column as ``stancekit predict``'s Parquet writer stores it: text, or None."""
    from stancekit.scoring.columns import output_text

    return [None if v is None else output_text(v) for v in values]


def _column_values(series: pd.Series) -> list[Any]:
    missing = series.isna().to_numpy()
    values = series.tolist()
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    return values


def score_partition(
    frame: Any,
    predictor: StancePredictor,
    options: ScoreOptions | None = None,
    *,
    source: str = "partition",
    first_row: int = 1,
) -> PartitionResult:
    """Score every paragraph (or document) of a table partition.

    Parameters
    ----------
    frame : pandas.DataFrame or pyarrow.Table
        One document per row: text in ``options.text_column``; every other column is passed
        through.
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
        The scored rows (same columns, order and values as ``stancekit predict --format
        parquet``; ``paragraph_index`` is a nullable integer) and the partition's stats.

    Raises
    ------
    InputError
        A missing column (lists those there are), a missing id, a text cell that is not text
        (:func:`stancekit.io.cells.cell_text`: a number, a list, bytes that are not UTF-8).
    """
    import numpy as np

    from stancekit.scoring.columns import output_name, output_number

    options = options if options is not None else ScoreOptions()
    text_column, id_column, unit = options.text_column, options.id_column, options.unit
    threshold, explain = options.threshold, options.explain
    if not hasattr(frame, "iloc"):  # an Arrow table
        frame = frame.to_pandas()
    columns = [str(c) for c in frame.columns]
    for option, column in (("--text-column", text_column), ("--id-column", id_column)):
        if column is not None and column not in columns:
            shown = ", ".join(c for c in columns if c not in HIDDEN_COLUMNS)
            raise InputError(f"{source}: no column {column!r} ({option}); columns are: {shown}.")
    labels = predictor.labels
    names = output_columns(labels, columns, text_column, explain)
    ids = _ids(frame, id_column, source, first_row)
    texts = _texts(_column_values(frame[text_column]), frame, text_column, source, first_row)
    stats = ScoringStats(max_chars=options.max_chars)
    rows, indices, units, dates = _segment(texts, ids, unit, stats)
    if not units:
        return PartitionResult(empty_frame(names), stats)
    taken = np.asarray(rows, dtype=np.int64)
    groups = np.asarray(ids, dtype=object)[taken].tolist()
    alpha = predictor.document_prior if unit == "paragraph" else 0.0
    result = score_batch(
        predictor.router, units, labels, threshold, explain, None, groups, rows, alpha
    )
    proba, label_names, margins = result.proba, result.labels, result.margins
    doc_ids = np.asarray(ids, dtype=object)[taken]
    out: dict[str, Any] = {
        "doc_id": doc_ids,
        "paragraph_index": indices,
        "label": label_names,
    }
    for column, label in enumerate(labels):
        out[f"p_{label}"] = [output_number(v) for v in proba[:, column].tolist()]
    out["margin"] = [output_number(v) for v in margins]
    out["language"] = result.languages
    if DATE_COLUMN in columns and text_column != DATE_COLUMN:
        from stancekit.io.cells import cell_date

        cells = [cell_date(v) for v in _column_values(frame[DATE_COLUMN])]
        dates = [cells[row] or date for row, date in zip(rows, dates, strict=True)]
    out["date"] = dates
    for column in columns:
        if column in (text_column, DATE_COLUMN) or column in HIDDEN_COLUMNS:
            continue
        values = _column_values(frame[column])
        out[output_name(column)] = _as_strings([values[i] for i in rows])
    out["text"] = units
    if result.tops is not None:
        from stancekit.scoring.columns import output_text

        for label in labels:
            out[f"explain_{label}"] = [
                output_text([[t, v] for t, v in tops[label]]) for tops in result.tops
            ]
    import pandas as pd

    scored = pd.DataFrame({name: typed_values(out[name], name) for name in names})
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
