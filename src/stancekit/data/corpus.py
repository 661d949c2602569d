"""Labelled paragraphs in and out.

The corpus is JSON Lines, one paragraph a line (schema in data/corpus/README.md). Rows are
validated as they are read, with the file and line number in every error, and loaded into a
Hugging Face ``datasets.Dataset`` whose ``label`` column is a ``ClassLabel`` over
:data:`stancekit.labels.LABELS`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import DataError
from stancekit.io.files import atomic_write
from stancekit.io.jsonl import read_jsonl
from stancekit.labels import LABELS

if TYPE_CHECKING:
    import datasets

#: Where a row came from: the users' seed documents, text written for the project, a user's own
#: labelled table (``external``), or ``stancekit annotate`` (``annotated``: partial documents).
ORIGINS = ("seed", "authored", "external", "annotated")

#: Field name -> (accepted Python types, required?)
SCHEMA: dict[str, tuple[tuple[type, ...], bool]] = {
    "doc_id": ((str,), True),
    "paragraph_index": ((int,), True),
    "text": ((str,), True),
    "label": ((str,), True),
    "source": ((str,), True),
    "origin": ((str,), True),
    "date": ((str, type(None)), False),
    "genre": ((str, type(None)), False),
    "voice": ((str, type(None)), False),
    "country": ((str, type(None)), False),
    "year": ((int, type(None)), False),
    "hard": ((bool,), False),
    "boilerplate": ((bool,), False),
    "language": ((str, type(None)), False),
    "register": ((str, type(None)), False),
}

#: Optional fields that ``stancekit annotate`` adds to a row: kept (and checked) when present,
#: never filled in, so rows without them stay as they are.
EXTRA_FIELDS: dict[str, tuple[type, ...]] = {
    "annotator": (str,),
    "timestamp": (str,),
    "model_probabilities": (dict,),
    "picked_by": (str,),
    "model_round": (int,),
}
PICKED_BY = ("uncertainty", "random")

Row = dict[str, Any]
#: The largest ``paragraph_index`` and ``year`` a row may have (they are stored as int32).
INT32_MAX = 2**31 - 1

#: How labelled files are read (:func:`stancekit.io.jsonl.read_jsonl`): UTF-8, errors as DataError.
LABELLED_JSONL: dict[str, Any] = {
    "error": DataError,
    "fix_missing": "check prepare.data in params.yaml",
    "unique_keys": True,
}

#: Characters a paragraph may not hold: line breaks that some reader would split the row at
#: (``str.splitlines`` splits at U+2028, U+2029, U+0085, form feeds...) and other controls.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _check_characters(row: Row, where: str) -> None:
    """Refuse lone surrogates in any string field and line breaks or controls in the text."""
    for name, value in row.items():
        if isinstance(value, str) and not value.isprintable():
            for ch in value:
                if 0xD800 <= ord(ch) <= 0xDFFF:
                    raise DataError(
                        f"{where}: field '{name}' holds a lone surrogate (U+{ord(ch):04X}), "
                        "which is not text; fix the encoding of the row."
                    )
            if name == "text":
                for ch in value:
                    if ch in _LINE_BREAKS or (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
                        raise DataError(
                            f"{where}: text holds U+{ord(ch):04X} (a line break or control "
                            "character); a row is one paragraph: replace it with a space."
                        )


def _check_extra_fields(row: Row, clean: Row, where: str) -> None:
    """Copy the annotation fields of :data:`EXTRA_FIELDS` that ``row`` has into ``clean``."""
    for name, types in EXTRA_FIELDS.items():
        if name not in row:
            continue
        value = row[name]
        if not isinstance(value, types) or isinstance(value, bool):
            kind = "/".join("object" if t is dict else t.__name__ for t in types)
            raise DataError(f"{where}: field '{name}' must be {kind}, got {value!r}.")
        if name == "model_probabilities" and not all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in value.items()
        ):
            raise DataError(f"{where}: field 'model_probabilities' must map labels to numbers.")
        if name == "picked_by" and value not in PICKED_BY:
            raise DataError(f"{where}: picked_by must be one of {list(PICKED_BY)}, got {value!r}.")
        clean[name] = value


def validate_row(row: Any, where: str) -> Row:
    """Check one parsed row against :data:`SCHEMA`; return it with optional fields filled in.

    Raises
    ------
    DataError
        Naming ``where`` (file:line), the field, and the accepted values.
    """
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}.")
    unknown = sorted(set(row) - set(SCHEMA) - set(EXTRA_FIELDS))
    if unknown:
        raise DataError(
            f"{where}: unknown field(s) {unknown}; known fields: "
            f"{list(SCHEMA) + list(EXTRA_FIELDS)}."
        )
    clean: Row = {}
    for name, (types, required) in SCHEMA.items():
        if name not in row:
            if required:
                raise DataError(f"{where}: missing required field '{name}'.")
            clean[name] = False if name in ("hard", "boilerplate") else None
            continue
        value = row[name]
        # bool is an int subclass: never accept it for an int field.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            names = "/".join("null" if t is type(None) else t.__name__ for t in types)
            raise DataError(f"{where}: field '{name}' must be {names}, got {value!r}.")
        clean[name] = value
    _check_extra_fields(row, clean, where)
    if clean["label"] not in LABELS:
        raise DataError(
            f"{where}: unknown label {clean['label']!r}; labels are {', '.join(LABELS)}."
        )
    if clean["origin"] not in ORIGINS:
        raise DataError(f"{where}: origin must be one of {list(ORIGINS)}, got {clean['origin']!r}.")
    if not clean["text"].strip():
        raise DataError(f"{where}: empty text.")
    _check_characters(clean, where)
    if clean["paragraph_index"] < 0:
        raise DataError(f"{where}: paragraph_index must be >= 0.")
    for name in ("paragraph_index", "year"):  # stored as 32-bit integers (see features())
        if clean[name] is not None and abs(clean[name]) > INT32_MAX:
            raise DataError(
                f"{where}: {name} {clean[name]:.3g} is out of range (at most {INT32_MAX:,}); "
                f"fix the {name} of this row."
            )
    return clean


def read_rows(path: str | Path) -> list[Row]:
    """Read and validate every row of one labelled JSON Lines file.

    Raises
    ------
    DataError
        If the file is missing or unreadable, a line is not a JSON object, or a row breaks the
        schema; the message names the file and line.
    """
    return [validate_row(row, where) for where, row in read_jsonl(path, **LABELLED_JSONL)]


def read_split(path: str | Path) -> list[Row]:
    """Read a split that ``stancekit prepare`` writes (``data/prepared/train.jsonl``, say).

    Raises
    ------
    DataError
        If it is missing (run ``stancekit prepare`` first), or as :func:`read_rows`.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} not found: run `stancekit prepare` first.")
    return read_rows(path)


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The labelled files named by ``paths``: a file as given, a folder as its ``*.jsonl`` files
    in name order (so ``prepare.data`` can name a folder that grows batch by batch). A folder
    may be empty (``data/labels/`` before anything is annotated) as long as some file is found.

    Raises
    ------
    DataError
        If only folders are named and none holds a ``.jsonl`` file.
    """
    files: list[Path] = []
    folders: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            folders.append(path)
            files.extend(sorted(path.glob("*.jsonl")))
        else:
            files.append(path)
    if not files and folders:
        named = ", ".join(f"{folder}/" for folder in folders)
        raise DataError(f"{named} hold(s) no .jsonl file; check prepare.data in params.yaml.")
    return files


def read_corpus(paths: Iterable[str | Path]) -> list[Row]:
    """Read several labelled files (or folders of them, see :func:`corpus_files`) into one list
    of rows; a ``doc_id`` may live in one file only."""
    rows: list[Row] = []
    owner: dict[str, Path] = {}
    for path in corpus_files(paths):
        path = Path(path)
        file_rows = read_rows(path)
        for doc_id in {row["doc_id"] for row in file_rows}:
            if doc_id in owner:
                raise DataError(
                    f"{path}: document '{doc_id}' is also in {owner[doc_id]}; "
                    "give each document one id in one file."
                )
            owner[doc_id] = path
        rows.extend(file_rows)
    if not rows:
        raise DataError("the corpus is empty: add labelled rows to the files in prepare.data.")
    return rows


def write_rows(path: str | Path, rows: Iterable[Row]) -> None:
    """Write rows as JSON Lines, atomically."""
    with atomic_write(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def features() -> datasets.Features:
    """The ``datasets`` features of a corpus: ``label`` is a ``ClassLabel`` over all labels."""
    import datasets

    string = datasets.Value("string")
    return datasets.Features(
        {
            "doc_id": string,
            "paragraph_index": datasets.Value("int32"),
            "text": string,
            "label": datasets.ClassLabel(names=list(LABELS)),
            "source": string,
            "origin": string,
            "date": string,
            "genre": string,
            "voice": string,
            "country": string,
            "year": datasets.Value("int32"),
            "hard": datasets.Value("bool"),
            "boilerplate": datasets.Value("bool"),
        }
    )


def to_dataset(rows: Sequence[Row]) -> datasets.Dataset:
    """Turn validated rows into a ``datasets.Dataset`` with a ``ClassLabel`` label column."""
    import datasets

    wanted = features()
    # Annotation fields (EXTRA_FIELDS) are not columns of the dataset.
    return datasets.Dataset.from_list(
        [{name: row.get(name) for name in wanted} for row in rows], features=wanted
    )


def load_corpus(paths: Iterable[str | Path]) -> datasets.Dataset:
    """Read and validate labelled JSON Lines files into one ``datasets.Dataset``."""
    return to_dataset(read_corpus(paths))
