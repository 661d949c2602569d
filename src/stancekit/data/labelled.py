"""A user's labelled table (JSONL, CSV, TSV, Parquet or xlsx) read into evaluation rows: a thin
layer over :func:`stancekit.data.userlabels.iter_labelled`, so ``evaluate --data`` reads a table by
the same rules, and with the same errors, as ``train --data`` and ``data agreement``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from stancekit.data.corpus import Row
from stancekit.data.userlabels import FORMATS, Columns, iter_labelled

__all__ = ["FORMATS", "read_labelled_table"]


def read_labelled_table(
    path: str | Path,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
    *,
    doc_column: str | None = None,
    label_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> list[Row]:
    """Read a labelled JSONL, CSV/TSV, Parquet or xlsx file (first sheet, or ``sheet``) into
    rows with ``text``, ``label``, ``doc_id``, ``document``, ``paragraph_index`` and ``hard``,
    by the rules of :func:`stancekit.data.userlabels.read_table` (line breaks in a cell read as a
    space, ``hard`` true or false, ``paragraph_index`` a whole number).

    The document is ``doc_column`` if given, else a ``doc_id`` column if there is one, else
    each row on its own (``<file name>:<row>``); ``paragraph_index`` is that column's value if
    there is one, else the row's position in its document. ``doc_id`` is the group (bootstrap
    unit): ``group_column`` if given, else the document. ``input`` holds the row's other columns
    (id, group, anything else) as they are, for ``predictions.csv``. A ``hard`` column marks the
    hard cases the evaluation scores separately. Labels are matched as
    :func:`stancekit.data.userlabels.resolve_label` does (any case, -isation or -ization,
    ``label_map``).

    Raises
    ------
    InputError
        Missing or unreadable file, unknown format, no rows, a missing column (the message lists
        the columns that exist).
    DataError
        A bad row (naming file and line): a label outside the stancekit labels and the label
        map, empty text, an empty document or group, a value of the wrong type.
    """
    columns = Columns(
        text=text_column, label=label_column, doc=doc_column, sheet=sheet, group=group_column
    )
    rows = []
    for item in iter_labelled(path, columns, label_map):
        row, record = item.row, item.record
        rows.append(
            {
                "text": row["text"],
                "label": row["label"],
                "doc_id": str(record[group_column]) if group_column else row["doc_id"],
                "document": row["doc_id"],
                "paragraph_index": row["paragraph_index"],
                "hard": row["hard"],
                "input": {k: v for k, v in record.items() if k not in (text_column, label_column)},
            }
        )
    return rows
