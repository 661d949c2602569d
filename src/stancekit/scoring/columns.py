"""The scored row, in one place for every writer and engine: its columns (names, order,
dtypes, the Arrow schema of Parquet output), how a pass-through column is named
(:func:`output_name`), and how each value is written (:func:`output_number`,
:func:`output_text`, :func:`paragraph_record` and :func:`paragraph_records` for a batch,
:func:`document_record`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

from stancekit.scoring.rows import (
    DocumentSummary,
    ScoredParagraph,
    ScoredRows,
)

if TYPE_CHECKING:
    import pandas as pd


_RESERVED = {
    "doc_id",
    "paragraph_index",
    "label",
    "margin",
    "language",
    "text",
    "date",
    "paragraphs",
}


_RESERVED_PREFIXES = ("p_", "explain_", "share_", "mean_p_", "input_")


def output_name(key: str) -> str:
    """The output column of input column ``key``: ``input_<key>`` if it clashes with an output
    column, else ``key``."""
    if key in _RESERVED or str(key).startswith(_RESERVED_PREFIXES):
        return f"input_{key}"
    return key


#: Output names of pass-through columns already worked out: the same few keys on every row.
_NAMES: dict[Any, str] = {}
_MAX_NAMES = 10_000


def _extra(record: dict[str, Any], extra: dict[str, Any]) -> None:
    names = _NAMES
    for key, value in extra.items():
        name = names.get(key)
        if name is None:
            name = output_name(key)
            if len(names) < _MAX_NAMES:
                names[key] = name
        record[name] = value


def output_number(value: float) -> float | None:
    """A probability or margin for output: 6 decimals; ``None`` (empty) for NaN, a paragraph in
    a language the model does not read."""
    return None if value != value else round(value, 6)


def paragraph_record(p: ScoredParagraph) -> dict[str, Any]:
    """The flat output row of one scored paragraph."""
    record: dict[str, Any] = {
        "doc_id": p.doc_id,
        "paragraph_index": p.paragraph_index,
        "label": p.label,
    }
    for label, value in p.probabilities.items():
        record[f"p_{label}"] = output_number(value)
    record["margin"] = output_number(p.margin)
    record["language"] = p.language
    record["date"] = p.date
    _extra(record, p.extra)
    record["text"] = p.text
    if p.explanation is not None:
        _explain(record, p.explanation)
    return record


def _explain(record: dict[str, Any], explanation: dict[str, list[tuple[str, float]]]) -> None:
    for label, terms in explanation.items():
        record[f"explain_{label}"] = [[t, v] for t, v in terms]


def paragraph_records(rows: ScoredRows) -> list[dict[str, Any]]:
    """The flat output rows of a scored batch, built column by column: what
    :func:`paragraph_record` gives for each of ``rows.paragraphs()`` (numbers rounded by
    Python's ``round``, as there: numpy's can differ in the last digit)."""
    p_keys = [f"p_{label}" for label in rows.names]
    # by column (a few lists, not one per row: fewer objects for the garbage collector to track)
    columns = [[None if v != v else round(v, 6) for v in col] for col in rows.proba.T.tolist()]
    probabilities = zip(*columns, strict=True) if columns else repeat(())
    margins = [None if m != m else round(m, 6) for m in rows.margins]  # output_number
    languages = repeat(None) if rows.languages is None else rows.languages
    records = []
    append = records.append
    for doc_id, index, label, values, margin, language, date, extra, text in zip(
        rows.doc_ids,
        rows.indices,
        rows.labels,
        probabilities,
        margins,
        languages,
        rows.dates,
        rows.extras,
        rows.texts,
        strict=False,  # languages may repeat None; the rest are the batch's columns
    ):
        # a dict literal, then the keys in order: faster here than dict(zip(...)) of each row
        record = {"doc_id": doc_id, "paragraph_index": index, "label": label}
        for key, value in zip(p_keys, values, strict=True):
            record[key] = value
        record["margin"] = margin
        record["language"] = language
        record["date"] = date
        if extra:
            _extra(record, extra)
        record["text"] = text
        append(record)
    if rows.tops is not None:
        for record, top in zip(records, rows.tops, strict=True):
            if top is not None:
                _explain(record, top)
    return records


def document_record(d: DocumentSummary) -> dict[str, Any]:
    """The flat output row of one document summary."""
    record: dict[str, Any] = {
        "doc_id": d.doc_id,
        "date": d.date,
        "paragraphs": d.paragraphs,
        "label": d.label,
    }
    record.update({f"share_{k}": round(v, 6) for k, v in d.label_shares.items()})
    record.update({f"mean_p_{k}": output_number(v) for k, v in d.mean_probabilities.items()})
    record["language"] = d.language
    _extra(record, d.extra)
    return record


def jsonable(value: Any) -> str:
    """What orjson cannot encode itself: bytes as UTF-8 text, anything else (Decimal) as str."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def output_text(value: Any) -> str:
    """A non-None output cell as text for CSV, TSV and Parquet string columns: lists and dicts
    as JSON (not to be confused with :func:`stancekit.io.cells.cell_text`, which reads input)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=jsonable)
    return jsonable(value)


#: Hidden columns a reader may add: the file a row comes from and its 1-based row number there,
#: from which the default id ``<path>:<row>`` is made (as ``stancekit predict`` makes it).
SOURCE_COLUMN = "__stancekit_source__"


ROW_COLUMN = "__stancekit_row__"


HIDDEN_COLUMNS = (SOURCE_COLUMN, ROW_COLUMN)


#: A table column with this name gives each row's date (``stancekit predict`` reads it too).
DATE_COLUMN = "date"


def output_columns(
    labels: Sequence[str],
    input_columns: Sequence[str],
    text_column: str = "text",
    explain: int = 0,
) -> list[str]:
    """The output columns, in order, for a table with ``input_columns`` (what ``stancekit
    predict`` writes: ``doc_id, paragraph_index, label, p_<label>..., margin, date, <inputs>,
    text`` and ``explain_<label>...`` with ``explain``). A ``date`` input column becomes the
    rows' ``date``, as in ``predict``."""
    from stancekit.scoring.columns import output_name

    passed = [
        output_name(c)
        for c in input_columns
        if c not in (text_column, DATE_COLUMN) and c not in HIDDEN_COLUMNS
    ]
    head = [
        "doc_id",
        "paragraph_index",
        "label",
        *[f"p_{label}" for label in labels],
        "margin",
        "language",
        "date",
    ]
    tail = [f"explain_{label}" for label in labels] if explain else []
    return [*head, *passed, "text", *tail]


def column_kind(name: str) -> str:
    """What an output column holds, whatever the route and format writes it: ``"int"`` (a
    paragraph's index, a document's paragraph count), ``"float"`` (probabilities, shares,
    margins) or ``"string"`` (everything else, pass-through columns included)."""
    if name in ("paragraph_index", "paragraphs"):
        return "int"
    if name == "margin" or name.startswith(("p_", "share_", "mean_p_")):
        return "float"
    return "string"


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """A frame with no rows and the output's dtypes (Dask's ``meta``)."""
    import pandas as pd

    dtypes = {"int": "Int64", "float": "float64", "string": "object"}
    return pd.DataFrame({name: pd.Series([], dtype=dtypes[column_kind(name)]) for name in columns})


def arrow_schema(columns: Sequence[str]) -> Any:
    """The Arrow schema ``stancekit predict --format parquet`` writes for these columns (on
    every route: :func:`column_kind` as Arrow types)."""
    import pyarrow as pa

    types = {"int": pa.int64(), "float": pa.float64(), "string": pa.string()}
    return pa.schema([(name, types[column_kind(name)]) for name in columns])
