"""A user's own labelled table (JSONL, CSV, TSV, Parquet or xlsx) read into rows, by one set of
rules for ``train --data`` and ``data agreement`` (corpus rows: :func:`read_table`) and
``evaluate --data`` (evaluation rows: :func:`read_labelled_table`).

Labels are matched leniently by :func:`~stancekit.labels.label_key`: case, surrounding space,
hyphens, spaces and underscores do not count, and ``-ization`` is ``-isation``
(``decriminalization``, ``Decriminalisation``, ``DE-CRIMINALISATION`` are all
``decriminalisation``). Anything else is an error unless a label map
(``pro=decriminalisation,anti=abolitionist``) names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stancekit.data.corpus import EXTRA_FIELDS, ORIGINS, SCHEMA, Row, validate_row
from stancekit.errors import DataError, InputError
from stancekit.io.tables import iter_table_records
from stancekit.labels import resolve_label

#: The formats :func:`read_user_labels` reads, by file ending.
FORMATS = (".jsonl", ".ndjson", ".csv", ".tsv", ".parquet", ".xlsx")
#: Schema fields copied from a table when it has them (the rest are set by the reader).
_KEPT = (
    "source",
    "origin",
    "date",
    "genre",
    "voice",
    "country",
    "year",
    "hard",
    "boilerplate",
    "language",
    "register",
)
_TRUE = ("true", "1", "yes", "y")
_FALSE = ("false", "0", "no", "n", "")
#: The longest labelled text (and CSV cell) read: a row is one labelled unit, a paragraph or a
#: short document; a longer one would take gigabytes to train on.
MAX_TEXT_CHARS = 1_000_000
#: Line breaks inside a cell (a row is one labelled unit): read as one space.
_BREAKS = re.compile(r"\s*[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


@dataclass(frozen=True)
class Columns:
    """Which columns of a table hold what. ``doc`` ``None``: ``doc_id`` if the table has it,
    else each row is its own document (id ``<file name>:<row>``)."""

    text: str = "text"
    label: str = "label"
    doc: str | None = None
    index: str = "paragraph_index"
    #: ``.xlsx`` tables: the sheet to read (``None``: the first).
    sheet: str | None = None
    #: ``evaluate --group-column``: a column every row must fill (the bootstrap's unit, read by
    #: :func:`stancekit.data.labelled.read_labelled_table` from :attr:`LabelledRecord.record`).
    group: str | None = None


@dataclass(frozen=True)
class LabelledTable:
    """The rows of one table, and whether their documents came from a column."""

    path: Path
    rows: list[Row]
    has_documents: bool


@dataclass(frozen=True)
class LabelledRecord:
    """One row of a labelled table: where it is (for messages), the validated corpus row, and
    the table's cells as read."""

    where: str
    row: Row
    record: dict[str, Any]


def _index(value: Any, where: str, column: str) -> int:
    """A whole number from a cell: an int, a whole float, or text such as ``2`` or ``2.0`` (as
    spreadsheets and pandas write whole numbers in CSV)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = value
    if isinstance(value, str):
        if value.strip().isdigit():
            return int(value.strip())
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if isinstance(number, float) and number.is_integer():
        return int(number)
    raise DataError(f"{where}: {column!r} must be a whole number, got {value!r}.")


def _kept(record: Mapping[str, Any], name: str, where: str) -> Any:
    """A schema field from a table cell, with CSV's strings read as the schema's types."""
    value = record[name]
    types = SCHEMA[name][0]
    if isinstance(value, str) and bool in types:
        if value.strip().lower() not in _TRUE + _FALSE:
            raise DataError(f"{where}: {name!r} must be true or false, got {value!r}.")
        return value.strip().lower() in _TRUE
    if value == "" or (isinstance(value, float) and value != value):
        return None
    if name == "date" and not isinstance(value, str):
        from stancekit.io.cells import cell_date

        return cell_date(value)  # a Parquet date or timestamp
    if name == "year" and isinstance(value, str | float):
        return _index(value, where, name)
    return value


def read_table(
    path: str | Path,
    columns: Columns = Columns(),
    label_map: Mapping[str, str] | None = None,
    origin: str = "external",
) -> LabelledTable:
    """Read a labelled table into validated corpus rows
    (:func:`stancekit.data.corpus.validate_row`):
    the one reader of ``train --data``, ``evaluate --data`` (through
    :func:`stancekit.data.labelled.read_labelled_table`), ``data agreement`` and annotate's files.

    Parameters
    ----------
    path : path
        A ``.jsonl``/``.ndjson``, ``.csv``, ``.tsv``, ``.parquet`` or ``.xlsx`` file.
    columns : Columns
        Text, label, document and paragraph-index columns.
    label_map : mapping, optional
        The user's labels (keys as :func:`~stancekit.labels.label_key` gives them) ->
        stancekit labels.
    origin : str
        ``origin`` of rows whose table has no ``origin`` column.

    Returns
    -------
    LabelledTable
        Rows in the corpus schema (annotation fields of an annotate file kept); ``source`` is the
        table's column if present, else the file name; ``paragraph_index`` is the column's value if
        present (a whole number: ``2``, or ``2.0`` as spreadsheets write it), else the row's
        position within its document. Line breaks inside a text cell become one space (a row is
        one labelled unit); ``hard`` is true or false (``yes``/``no``, ``1``/``0``, any case).

    Raises
    ------
    InputError
        A file that cannot be read: missing, unknown format, no rows, a missing column (naming
        the option); a text cell that is not text (:func:`stancekit.io.cells.cell_text`).
    DataError
        A bad row: unknown label, empty text, a value of the wrong type (naming file and line).
    """
    rows: list[Row] = []
    has_documents = columns.doc is not None
    for item in iter_labelled(path, columns, label_map, origin):
        if not rows:
            has_documents = has_documents or "doc_id" in item.record
        rows.append(item.row)
    return LabelledTable(path=Path(path), rows=rows, has_documents=has_documents)


def iter_labelled(
    path: str | Path,
    columns: Columns = Columns(),
    label_map: Mapping[str, str] | None = None,
    origin: str = "external",
) -> Iterator[LabelledRecord]:
    """Every row of a labelled table, read and checked by :func:`read_table`'s rules, with the
    table's cells as read (for readers that keep more, as ``evaluate --data`` does).

    Raises
    ------
    InputError, DataError
        As :func:`read_table`.
    """
    from stancekit.io.cells import cell_text
    from stancekit.io.tables import check_columns

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a labelled {'/'.join(FORMATS)} file.")
    if path.suffix.lower() not in FORMATS:
        raise InputError(
            f"{path}: unknown format {path.suffix!r}; use {', '.join(FORMATS)} for labelled data."
        )
    if origin not in ORIGINS:
        raise InputError(f"origin must be one of {list(ORIGINS)}, got {origin!r}.")
    label_map = dict(label_map or {})
    doc_column = columns.doc
    seen_in_doc: dict[str, int] = {}
    number = 0
    for number, (where, record) in enumerate(
        iter_table_records(path, columns.sheet, MAX_TEXT_CHARS), start=1
    ):
        if number == 1:
            check_columns(
                path,
                list(record),
                {
                    "--text-column": columns.text,
                    "--label-column": columns.label,
                    "--group-column": columns.group,
                    "--doc-column": doc_column,
                },
            )
            if doc_column is None and "doc_id" in record:
                doc_column = "doc_id"
        for column in (columns.text, columns.label, columns.group, doc_column):
            if column is not None and column not in record:
                raise DataError(f"{where}: no {column!r} field; every row needs one.")
        text = _BREAKS.sub(" ", cell_text(record[columns.text], path, number, columns.text))
        if not text.strip():
            raise DataError(f"{where}: {columns.text!r} is empty; a labelled row needs text.")
        if len(text) > MAX_TEXT_CHARS:
            raise DataError(
                f"{where}: {columns.text!r} holds {len(text):,} characters, more than the "
                f"{MAX_TEXT_CHARS:,} of a labelled row; split the text into paragraphs."
            )
        if doc_column is not None and record[doc_column] not in (None, ""):
            doc_id = str(record[doc_column])
        elif doc_column is not None:
            raise DataError(f"{where}: {doc_column!r} is empty; give every row a document.")
        else:
            doc_id = f"{path.name}:{number}"
        if columns.group is not None and record[columns.group] in (None, ""):
            raise DataError(f"{where}: {columns.group!r} is empty; give every row a group.")
        if columns.index in record and record[columns.index] not in (None, ""):
            index = _index(record[columns.index], where, columns.index)
        else:
            index = seen_in_doc.get(doc_id, 0)
        seen_in_doc[doc_id] = max(seen_in_doc.get(doc_id, 0), index + 1)
        row: Row = {
            "doc_id": doc_id,
            "paragraph_index": index,
            "text": text,
            "label": resolve_label(record[columns.label], label_map, where),
            "source": path.name,
            "origin": origin,
        }
        for name in _KEPT:
            if name in record and record[name] is not None:
                value = _kept(record, name, where)
                if value is not None or name not in ("source", "origin"):
                    row[name] = value
        for name in EXTRA_FIELDS:
            if name in record and record[name] is not None:
                row[name] = record[name]
        yield LabelledRecord(where, validate_row(row, where), record)
    if not number:
        raise InputError(f"{path}: no rows.")


def read_user_labels(
    paths: str | Path | list[str | Path] | tuple[str | Path, ...],
    columns: Columns = Columns(),
    label_map: Mapping[str, str] | None = None,
    origin: str = "external",
) -> list[Row]:
    """Read one or several labelled tables (see :func:`read_table`) into one list of rows; a
    document may live in one file only.

    Raises
    ------
    InputError, DataError
        As :func:`read_table`; or a document id found in two files.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    rows: list[Row] = []
    owner: dict[str, Path] = {}
    for path in map(Path, paths):
        table = read_table(path, columns, label_map, origin)
        for doc_id in sorted({row["doc_id"] for row in table.rows}):
            if doc_id in owner:
                raise DataError(
                    f"{path}: document {doc_id!r} is also in {owner[doc_id]}; "
                    "give each document one id in one file."
                )
            owner[doc_id] = path
        rows.extend(table.rows)
    return rows


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
    by the rules of :func:`stancekit.data.labelled.read_table` (line breaks in a cell read as a
    space, ``hard`` true or false, ``paragraph_index`` a whole number).

    The document is ``doc_column`` if given, else a ``doc_id`` column if there is one, else
    each row on its own (``<file name>:<row>``); ``paragraph_index`` is that column's value if
    there is one, else the row's position in its document. ``doc_id`` is the group (bootstrap
    unit): ``group_column`` if given, else the document. ``input`` holds the row's other columns
    (id, group, anything else) as they are, for ``predictions.csv``. A ``hard`` column marks the
    hard cases the evaluation scores separately. Labels are matched as
    :func:`stancekit.labels.resolve_label` does (any case, -isation or -ization,
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
