"""A user's labelled table (JSONL, CSV, TSV or Parquet) read into evaluation rows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from stancekit.corpus import Row
from stancekit.errors import InputError

FORMATS = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet", ".xlsx")


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
    rows with ``text``, ``label``, ``doc_id``, ``document`` and ``paragraph_index``.

    The document is ``doc_column`` if given, else a ``doc_id`` column if there is one, else
    each row on its own (``<file name>:<row>``); ``paragraph_index`` is that column's value if
    there is one, else the row's position in its document. ``doc_id`` is the group (bootstrap unit):
    ``group_column`` if given, else the document. ``input`` holds the row's other columns
    (id, group, anything else) as they are, for ``predictions.csv``. A ``hard`` column
    (true/yes/1, any case, or false), when present, marks the hard cases the evaluation scores
    separately. Labels are matched as :func:`stancekit.userlabels.resolve_label` does (any
    case, -isation or -ization, ``label_map``).

    Raises
    ------
    InputError
        Missing or unreadable file, unknown format, missing column (the message lists the columns
        that exist), or a label outside the stancekit labels and the label map.
    """
    from stancekit.cells import cell_text
    from stancekit.sources import check_columns
    from stancekit.userlabels import iter_table_records, resolve_label

    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder; give a labelled .jsonl, .csv, .tsv, .parquet or .xlsx file."
        )
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: unknown format {suffix!r}; use .jsonl, .csv, .tsv, .parquet or .xlsx."
        )
    records = list(iter_table_records(path, sheet))  # one-line InputErrors for unreadable files
    if not records:
        raise InputError(f"{path}: no rows.")
    columns = list(records[0][1])
    check_columns(
        path,
        columns,
        {
            "--text-column": text_column,
            "--label-column": label_column,
            "--group-column": group_column,
            "--doc-column": doc_column,
        },
    )
    document = doc_column or ("doc_id" if "doc_id" in columns else None)
    label_map = dict(label_map or {})
    rows = []
    next_index: dict[str, int] = {}
    for number, (_, record) in enumerate(records, start=1):
        for column in (text_column, label_column, group_column, document):
            if column is not None and column not in record:
                raise InputError(f"{path}: row {number} has no {column!r} field.")
        label = resolve_label(record[label_column], label_map, f"{path}: row {number}", InputError)
        text = cell_text(record[text_column], path, number, text_column)
        if not text.strip():
            raise InputError(f"{path}: row {number}: {text_column!r} is empty or not text.")
        doc = str(record[document]) if document else f"{path.name}:{number}"
        index = record.get("paragraph_index")
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        elif not isinstance(index, int) or isinstance(index, bool):
            index = next_index.get(doc, 0)
        next_index[doc] = max(next_index.get(doc, 0), index + 1)
        rows.append(
            {
                "text": text,
                "label": label,
                "doc_id": str(record[group_column]) if group_column else doc,
                "document": doc,
                "paragraph_index": index,
                "hard": str(record.get("hard")).strip().lower() in ("true", "1", "yes", "y"),
                "input": {k: v for k, v in record.items() if k not in (text_column, label_column)},
            }
        )
    return rows
