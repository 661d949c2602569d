"""A user's own labelled table (JSONL, CSV, TSV or Parquet) read into corpus rows.

Labels are matched leniently by :func:`label_key`: case, surrounding space, hyphens, spaces
and underscores do not count, and ``-ization`` is ``-isation`` (``decriminalization``,
``Decriminalisation``, ``DE-CRIMINALISATION`` are all ``decriminalisation``). Anything else is
an error unless a label map (``pro=decriminalisation,anti=abolitionist``) names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stancekit.data.corpus import EXTRA_FIELDS, ORIGINS, SCHEMA, Row, validate_row
from stancekit.errors import DataError, InputError, StancekitError
from stancekit.labels import LABELS

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


def label_key(value: str) -> str:
    """The spelling-insensitive key of a label: casefolded, without spaces, hyphens and
    underscores, ``isation`` read as ``ization``.

    Examples
    --------
    >>> label_key(" De-criminalisation ") == label_key("decriminalization")
    True
    """
    key = value.casefold().strip()
    for mark in (" ", "-", "_"):
        key = key.replace(mark, "")
    return key.replace("isation", "ization")


_CANONICAL = {label_key(label): label for label in LABELS}


def canonical_label(value: str) -> str | None:
    """The stancekit label that ``value`` spells (see :func:`label_key`), or ``None``."""
    return _CANONICAL.get(label_key(value))


def parse_label_map(spec: str | None) -> dict[str, str]:
    """Parse ``--label-map 'pro=decriminalisation,anti=abolitionist,other=neutral'``.

    Keys are the user's labels (matched by :func:`label_key`); values must be stancekit labels
    (spelt leniently too). An empty or missing spec is no map.

    Raises
    ------
    InputError
        One line naming the bad entry.
    """
    if spec is None or not spec.strip():
        return {}
    mapping: dict[str, str] = {}
    for entry in spec.split(","):
        name, sep, target = entry.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputError(
                f"--label-map: {entry.strip()!r} is not YOURS=LABEL; write e.g. "
                "'pro=decriminalisation,anti=abolitionist,other=neutral'."
            )
        label = canonical_label(target)
        if label is None:
            raise InputError(
                f"--label-map: {target.strip()!r} (for {name.strip()!r}) is not a stancekit "
                f"label; map to {', '.join(LABELS)}."
            )
        key = label_key(name)
        if key in mapping and mapping[key] != label:
            raise InputError(f"--label-map: {name.strip()!r} is mapped twice.")
        mapping[key] = label
    return {key: mapping[key] for key in sorted(mapping)}


def resolve_label(
    value: Any,
    label_map: Mapping[str, str],
    where: str,
    error: type[StancekitError] = DataError,
) -> str:
    """The stancekit label of a table's label cell: the label map first, then the lenient
    spelling of a stancekit label.

    Raises
    ------
    DataError
        (or ``error``) Naming the value, ``where`` (file and line) and ``--label-map``.
    """
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    label = label_map.get(label_key(text)) or canonical_label(text)
    if label is None:
        mapped = f" or {', '.join(sorted(label_map))}" if label_map else ""
        raise error(
            f"{where}: unknown label {text!r}; labels are {', '.join(LABELS)}{mapped} (any case, "
            "-isation or -ization): map your own with --label-map 'yours=decriminalisation,...'."
        )
    return label


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


def iter_table_records(
    path: Path, sheet: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` for every row: ``file:line`` for JSON Lines, ``file: row N`` else
    (``.xlsx``: the first sheet, or ``sheet``)."""
    from stancekit.io.jsonl import read_jsonl
    from stancekit.io.tablecheck import refuse_binary_table

    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from stancekit.io.spreadsheet import read_xlsx_rows

        for number, record in enumerate(read_xlsx_rows(path, sheet), start=1):
            yield f"{path}: row {number}", record
        return
    if suffix in (".jsonl", ".ndjson"):
        refuse_binary_table(path)
        yield from read_jsonl(path, error=InputError, unique_keys=True)
        return
    if suffix == ".parquet":
        from stancekit.io.tables import parquet_rows

        for number, record in enumerate(parquet_rows(path), start=1):
            yield f"{path}: row {number}", record
        return
    from stancekit.io.jsonl import CONVERT_TO_UTF8
    from stancekit.io.tables import open_table

    cells = open_table(path, fix_encoding=CONVERT_TO_UTF8, field_limit=MAX_TEXT_CHARS)
    for number, record in enumerate(cells, start=1):
        yield f"{path}: row {number}", record


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
        The user's labels (keys as :func:`label_key` gives them) -> stancekit labels.
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
    for number, (where, record) in enumerate(iter_table_records(path, columns.sheet), start=1):
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
