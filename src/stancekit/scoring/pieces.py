"""Read Parquet, CSV, TSV and JSONL tables in pieces for a cluster: one piece per text file, one
per run of row groups (about :data:`PARQUET_PARTITION_ROWS` rows) of a Parquet file.

A piece is read into object columns holding the values as ``stancekit predict`` reads them (CSV
cells as text, JSON and Parquet values as they are), plus the hidden columns
:data:`~stancekit.scoring.columns.SOURCE_COLUMN` and
:data:`~stancekit.scoring.columns.ROW_COLUMN` (the file
and the row number there), so ids are ``<path>:<row>`` as ``stancekit predict`` makes them. Every
error names the file. No Dask here: :func:`stancekit.scoring.distributed.read_tables` maps these
over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.columns import ROW_COLUMN, SOURCE_COLUMN

if TYPE_CHECKING:
    import pandas as pd

#: Rows per partition when a Parquet file is split at row-group boundaries.
PARQUET_PARTITION_ROWS = 100_000
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SUFFIXES[".parquet"] = "parquet"


def table_files(inputs: Sequence[str]) -> list[Path]:
    """The table files ``inputs`` name: files, globs (``data/*.parquet``) and folders (every
    ``.parquet``, ``.csv``, ``.tsv``, ``.jsonl`` below, hidden folders skipped), in order, all of
    one kind.

    Raises
    ------
    InputError
        Nothing matches, a file that is not a table, tables of different kinds.
    """
    import glob

    files: list[Path] = []
    for arg in inputs:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in _SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{arg}: no .parquet, .csv, .tsv or .jsonl files in this folder.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif any(ch in arg for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
            if not found:
                raise InputError(f"{arg}: no files match.")
            files.extend(found)
        else:
            raise InputError(f"{arg}: no such file or folder.")
    if not files:
        raise InputError("nothing to score: give Parquet, CSV, TSV or JSONL files or folders.")
    kinds = set()
    for file in files:
        if file.suffix.lower() not in _SUFFIXES:
            raise InputError(
                f"{file}: the dask engine reads tables only (.parquet, .csv, .tsv, .jsonl)."
            )
        kinds.add(_SUFFIXES[file.suffix.lower()])
    if len(kinds) > 1:
        raise InputError(f"tables of different kinds ({', '.join(sorted(kinds))}): give one kind.")
    return files


@dataclass(frozen=True)
class Piece:
    """One partition to read: a file, and for Parquet its row groups and first row number."""

    path: str
    kind: str
    encoding: str = "utf-8"
    row_groups: tuple[int, ...] | None = None
    first_row: int = 1
    #: The column every row of a CSV, TSV or JSON Lines file must have, as ``predict`` wants.
    text_column: str | None = None


def pieces_of(files: list[Path], encoding: str, text_column: str | None = None) -> list[Piece]:
    pieces = []
    for file in files:
        kind = _SUFFIXES[file.suffix.lower()]
        if kind != "parquet":
            pieces.append(Piece(str(file), kind, encoding, text_column=text_column))
            continue
        import pyarrow.parquet as pq

        try:
            metadata = pq.ParquetFile(file).metadata
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise InputError(f"{file}: not a readable Parquet file ({exc}).") from None
        groups: list[int] = []
        rows, first = 0, 1
        for index in range(metadata.num_row_groups):
            groups.append(index)
            rows += metadata.row_group(index).num_rows
            if rows >= PARQUET_PARTITION_ROWS:
                pieces.append(Piece(str(file), kind, encoding, tuple(groups), first))
                first, rows, groups = first + rows, 0, []
        if groups or first == 1:
            pieces.append(Piece(str(file), kind, encoding, tuple(groups), first))
    return pieces


def object_frame(columns: dict[str, list[Any]], n: int) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    return frame if len(frame.columns) else pd.DataFrame(index=range(n))


def read_parquet_piece(piece: Piece) -> Any:
    """The row groups of a Parquet piece as an Arrow table (what the whole-table route scores).

    Raises
    ------
    InputError
        Naming the file: not a readable Parquet file.
    """
    import pyarrow.parquet as pq

    path = Path(piece.path)
    try:
        return pq.ParquetFile(path).read_row_groups(list(piece.row_groups or ()))
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{path}: not a readable Parquet file ({exc}).") from None


def read_piece(piece: Piece) -> pd.DataFrame:
    """Read one partition as object columns (values as ``stancekit predict`` reads them), plus
    the hidden columns :data:`SOURCE_COLUMN` and :data:`ROW_COLUMN`.

    Raises
    ------
    InputError
        Naming the file: undecodable bytes, broken CSV or JSON, not Parquet, a row without
        the :attr:`Piece.text_column` field.
    """
    import pandas as pd

    path = Path(piece.path)
    if piece.kind == "parquet":
        table = read_parquet_piece(piece)
        frame = object_frame({n: table.column(n).to_pylist() for n in table.column_names}, 0)
    else:  # CSV, TSV and JSONL through predict's own readers: the same values and errors
        from stancekit.io.tables import open_table

        rows = list(open_table(path, piece.encoding))
        if rows and piece.text_column is not None:  # as predict: a missing field is no empty cell
            from stancekit.io.tables import check_columns

            column = piece.text_column
            check_columns(path, list(rows[0]), {"--text-column": column})
            for number, row in enumerate(rows, start=1):
                if column not in row:
                    raise InputError(f"{path}: row {number} has no {column!r} field.")
        if rows:
            frame = pd.DataFrame(rows, dtype=object)
        else:
            frame = object_frame({n: [] for n in piece_columns(piece)}, 0)
    frame[SOURCE_COLUMN] = piece.path
    frame[ROW_COLUMN] = range(piece.first_row, piece.first_row + len(frame))
    return frame


def piece_columns(piece: Piece) -> list[str]:
    """The columns of a piece's file, from its header (or first row, or Parquet schema)."""
    import pandas as pd

    path = Path(piece.path)
    if piece.kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if piece.kind == "jsonl":
        from stancekit.io.tables import open_table

        first = next(iter(open_table(path, piece.encoding)), None)
        return list(first) if first else []
    try:
        from stancekit.io.tables import file_encoding

        header = pd.read_csv(
            path,
            sep="\t" if piece.kind == "tsv" else ",",
            nrows=0,
            encoding=file_encoding(piece.encoding),
        )
    except Exception:  # the partition's reader gives the error, naming the file
        return []
    return [str(c) for c in header.columns]
