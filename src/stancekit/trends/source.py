"""Reading ``stancekit trends``' input as DuckDB SQL: partition folders as columns that never
override the rows' own, parts of a folder scored with one model's labels, and JSON columns of
mixed types as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stancekit.errors import InputError


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_types(con: Any, source: str, path: str | Path) -> dict[str, str]:
    """Column name -> DuckDB type of ``source``.

    Raises
    ------
    InputError
        DuckDB cannot read it (the message says why).
    """
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        return {row[0]: row[1] for row in rows}
    except Exception as exc:  # duckdb raises its own types for unreadable files
        message = str(exc).splitlines()[0]
        raise InputError(f"{path}: cannot read it as scored rows ({message}).") from None


#: The column DuckDB puts each row's file name in (``read_parquet(..., filename = ...)``).
FILE_COLUMN = "__stancekit_file"


def _partition_keys(folder: Path) -> list[str]:
    """The keys of the ``key=value`` folders Parquet files sit in below ``folder``."""
    keys: set[str] = set()
    for file in folder.rglob("*.parquet"):
        keys.update(
            part.split("=", 1)[0] for part in file.relative_to(folder).parts[:-1] if "=" in part
        )
    return sorted(keys)


def with_partitions(
    con: Any, source: str, path: Path, columns: list[str], used: tuple[str, ...]
) -> tuple[str, list[str]]:
    """The folder's rows with its partition keys (``org=X/``) as columns, where the rows lack
    them: a column the rows carry keeps the rows' values, with a warning when the folder names
    disagree with them. Parts scored with different labels are refused (:func:`same_labels`)."""
    import warnings

    from stancekit.errors import StancekitWarning

    same_labels(con, path)

    def value(key: str) -> str:
        separator = "[/\\\\]"
        pattern = _sql_string(f"{separator}{re.escape(key)}=([^/\\\\]*){separator}")
        return f"nullif(regexp_extract({_ident(FILE_COLUMN)}, {pattern}, 1), '')"

    keys = _partition_keys(path)
    own = [c for c in columns if c != FILE_COLUMN]
    for key in (k for k in keys if k in own and k in used):
        differ = con.execute(
            f"SELECT count(*) FROM {source} WHERE {value(key)} IS DISTINCT FROM "
            f"CAST({_ident(key)} AS VARCHAR) AND {value(key)} IS NOT NULL"
        ).fetchone()[0]
        if differ:
            warnings.warn(
                f"{path}: {differ:,} row(s) sit in {key}=... folders that disagree with their "
                f"own {key!r} column; the rows' own values are used.",
                StancekitWarning,
                stacklevel=3,
            )
    extra = [k for k in keys if k not in own]
    select = ", ".join(
        [f"* EXCLUDE ({_ident(FILE_COLUMN)})", *(f"{value(k)} AS {_ident(k)}" for k in extra)]
    )
    return f"(SELECT {select} FROM {source})", own + extra


def text_sql(name: str, types: dict[str, str]) -> str:
    """Column ``name`` as text: a JSON column (mixed types in a JSON Lines file) gives its
    strings unquoted and its numbers as digits."""
    if types.get(name) == "JSON":
        return f"json_extract_string({_ident(name)}, '$')"
    return f"CAST({_ident(name)} AS VARCHAR)"


def same_labels(con: Any, folder: Path) -> None:
    """Refuse a folder whose Parquet files carry different ``p_<label>`` columns: parts scored
    by different models, whose shares cannot be added up.

    Raises
    ------
    InputError
        Naming two files and their labels.
    """
    pattern = _sql_string(str(folder / "**" / "*.parquet"))
    try:
        rows = con.execute(
            "SELECT file_name, list(name ORDER BY name) FILTER (WHERE starts_with(name, 'p_')) "
            f"FROM parquet_schema({pattern}) GROUP BY file_name ORDER BY file_name"
        ).fetchall()
    except Exception as exc:  # duckdb raises its own types for unreadable files
        message = str(exc).splitlines()[0]
        raise InputError(f"{folder}: cannot read it as scored rows ({message}).") from None
    first_file, first = rows[0][0], rows[0][1] or []
    for file, names in rows[1:]:
        if (names or []) != first:
            raise InputError(
                f"{folder}: its parts were scored with different labels ({first_file}: "
                f"{', '.join(first) or 'none'}; {file}: {', '.join(names or []) or 'none'}); "
                "give trends the output of one model at a time."
            )
