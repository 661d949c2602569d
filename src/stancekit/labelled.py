"""A user's labelled table (JSONL, CSV or TSV) read into evaluation rows."""

from __future__ import annotations

from pathlib import Path

from stancekit.corpus import Row
from stancekit.errors import InputError
from stancekit.labels import LABELS


def read_labelled_table(
    path: str | Path,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = None,
) -> list[Row]:
    """Read a labelled JSONL or CSV/TSV file into rows with ``text``, ``label`` and ``doc_id``.

    The group (bootstrap unit) is ``group_column`` if given, else a ``doc_id`` column if there is
    one, else each row on its own. A ``hard`` column (true/yes/1, any case, or false), when present,
    marks the hard cases the evaluation scores separately.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown format, missing column (the message lists the columns
        that exist), or a label outside the stancekit labels.
    """
    from stancekit.cells import cell_text
    from stancekit.sources import check_columns, open_table

    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a labelled .jsonl, .csv or .tsv file.")
    if suffix not in (".jsonl", ".ndjson", ".csv", ".tsv"):
        raise InputError(f"{path}: unknown format {suffix!r}; use .jsonl, .csv or .tsv.")
    records = list(open_table(path))  # one-line InputErrors for unreadable files and bad rows
    if not records:
        raise InputError(f"{path}: no rows.")
    columns = list(records[0])
    check_columns(
        path,
        columns,
        {
            "--text-column": text_column,
            "--label-column": label_column,
            "--group-column": group_column,
        },
    )
    group = group_column or ("doc_id" if "doc_id" in columns else None)
    rows = []
    for number, record in enumerate(records, start=1):
        for column in (text_column, label_column, group):
            if column is not None and column not in record:
                raise InputError(f"{path}: row {number} has no {column!r} field.")
        label = str(record[label_column]).strip()
        if label not in LABELS:
            raise InputError(
                f"{path}: row {number} has label {label!r}; labels are {', '.join(LABELS)}."
            )
        text = cell_text(record[text_column], path, number, text_column)
        if not text.strip():
            raise InputError(f"{path}: row {number}: {text_column!r} is empty or not text.")
        rows.append(
            {
                "text": text,
                "label": label,
                "doc_id": str(record[group]) if group else f"row-{number}",
                "paragraph_index": record.get("paragraph_index"),
                "hard": str(record.get("hard")).strip().lower() in ("true", "1", "yes", "y"),
            }
        )
    return rows
