"""The SQL half of :mod:`stancekit.trends.compute`: DuckDB reads the scored rows (JSON Lines, CSV,
TSV, Parquet, a folder of Parquet files, or an xlsx sheet) and reduces them to one summary per
document, with each row's date read by :mod:`stancekit.io.dates` (each distinct value once)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from stancekit.errors import InputError, UsageError
from stancekit.labels import UNCERTAIN
from stancekit.language import UNSUPPORTED
from stancekit.trends.source import FILE_COLUMN, column_types, text_sql, with_partitions

PERIODS = ("year", "quarter", "month", "all")
#: The group of every row when no ``--by`` is given.
EVERYONE = "all"
_PERIOD_SQL = {
    "year": "strftime(d, '%Y')",
    "quarter": "strftime(d, '%Y') || '-Q' || CAST(quarter(d) AS VARCHAR)",
    "month": "strftime(d, '%Y-%m')",
    "all": "'all'",
}
#: Precisions (``stancekit.io.dates.precision``) too coarse for a period.
_TOO_COARSE = {"quarter": ("year",), "month": ("year",)}


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def source_sql(path: str | Path, con: Any = None, sheet: str | None = None) -> str:
    """The DuckDB table expression that reads ``path`` (a file, or a folder of Parquet files).

    Raises
    ------
    InputError
        A missing path, an empty folder, or a file ending DuckDB is not asked to read.
    """
    path = Path(path)
    if path.is_dir():
        files = [p for p in path.rglob("*.parquet") if p.is_file()]
        if not files:
            raise InputError(f"{path}: no .parquet files in this folder (or below it).")
        pattern = _sql_string(str(path / "**" / "*.parquet"))
        # Partition folders (org=X/) are read by trends.source.with_partitions, never over a
        # column the rows carry.
        return (
            f"read_parquet({pattern}, hive_partitioning = false, union_by_name = true, "
            f"filename = {_sql_string(FILE_COLUMN)})"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder.")
    suffix, name = path.suffix.lower(), _sql_string(str(path))
    if suffix == ".parquet":
        return f"read_parquet({name})"
    if suffix == ".xlsx" and con is not None:
        return _register_xlsx(con, path, sheet)
    if suffix in (".jsonl", ".ndjson"):
        return f"read_json({name}, format = 'newline_delimited')"
    if suffix in (".csv", ".tsv"):
        delim = _sql_string("\t" if suffix == ".tsv" else ",")
        return f"read_csv({name}, header = true, delim = {delim}, all_varchar = true)"
    raise InputError(
        f"{path}: trends reads the .jsonl, .csv, .tsv, .parquet or .xlsx output of `stancekit "
        "predict` (or a folder of .parquet files)."
    )


def _register_xlsx(con: Any, path: Path, sheet: str | None) -> str:
    """Register the first sheet (or ``sheet``) of an xlsx workbook in ``con`` as text columns,
    as CSV is read (an xlsx sheet holds at most about a million rows); return its name."""
    import pyarrow as pa

    from stancekit.io.spreadsheet import read_xlsx_rows

    def text(value: Any) -> str | None:
        if value is None:
            return None
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    rows = list(read_xlsx_rows(path, sheet))
    names = list(rows[0]) if rows else []
    if not names:
        raise InputError(f"{path}: no rows in the sheet.")
    con.register(
        "stancekit_xlsx",
        pa.table({n: pa.array([text(r.get(n)) for r in rows], pa.string()) for n in names}),
    )
    return "stancekit_xlsx"


def _connect() -> Any:
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _check_columns(
    path: str | Path, columns: list[str], by: str | None, date_column: str | None
) -> list[str]:
    labels = [c[2:] for c in columns if c.startswith("p_")]
    if "doc_id" not in columns or "label" not in columns or not labels:
        hint = " (one row per document: run predict without --aggregate)" * (
            any(c.startswith("share_") for c in columns)
        )
        raise InputError(
            f"{path}: not the paragraph rows of `stancekit predict` (doc_id, label, p_<label> "
            f"columns){hint}; columns are: {', '.join(columns)}."
        )
    for option, column in (("--by", by), ("--date-column", date_column)):
        if column is not None and column not in columns:
            raise InputError(
                f"{path}: no column {column!r} ({option}); columns are: {', '.join(columns)}."
            )
    return labels


def document_summaries(
    path: str | Path,
    by: str | None,
    every: str = "year",
    date_column: str = "date",
    date_format: str | None = None,
    sheet: str | None = None,
) -> tuple[list[str], dict[str, Any], dict[str, int], list[str]]:
    """Reduce scored rows to one summary per document, in DuckDB (never all rows in memory).

    Dates are read by :mod:`stancekit.io.dates` (ISO, year, year-month, day/month/year, Excel
    serials; ``date_format`` first): each distinct value once, joined back in DuckDB.

    Returns
    -------
    labels : list of str
        From the ``p_<label>`` columns.
    summaries : dict of numpy arrays
        ``group``, ``period``, ``paragraphs``, ``count_<label>`` (and ``count_uncertain``),
        ``psum_<label>``; one entry per (group, period, document).
    skipped : dict
        Paragraphs left out, by reason: no date, a date that could not be read, a date too
        coarse for the period (the year only, for quarters and months), no group.
    unreadable : list of str
        Date values that could not be read, as written.

    Raises
    ------
    UsageError
        An unknown period.
    InputError
        An unreadable file, or a missing column (the message lists those there are).
    Documents are sorted (group, period, doc_id), so that the seeded bootstrap gives the same
    intervals however the input was split into files.
    """
    from stancekit.io.dates import register_date_table

    if every not in PERIODS:
        raise UsageError(f"--every: {every!r} is not one of {', '.join(PERIODS)}.")
    dated = every != "all"
    con = _connect()
    source = source_sql(path, con, sheet)
    types = column_types(con, source, path)
    columns = list(types)
    if Path(path).is_dir():
        used = tuple(c for c in (by, date_column if dated else None) if c)
        source, columns = with_partitions(con, source, Path(path), columns, used)
        types = column_types(con, source, path)
    labels = _check_columns(path, columns, by, date_column if dated else None)
    counts = ", ".join(
        f"count_if(label = {_sql_string(name)}) AS {_ident('count_' + name)}"
        for name in [*labels, UNCERTAIN]
    )
    sums = ", ".join(  # rows without a probability count for no mean (never as 0)
        f"coalesce(sum(CAST({_ident('p_' + name)} AS DOUBLE)), 0) AS {_ident('psum_' + name)}, "
        f"count({_ident('p_' + name)}) AS {_ident('pn_' + name)}"
        for name in labels
    )
    group = text_sql(by, types) if by else _sql_string(EVERYONE)
    raw = f"trim({text_sql(date_column, types)})" if dated else "NULL"
    coarse = ", ".join(_sql_string(p) for p in _TOO_COARSE.get(every, ())) or "NULL"
    try:
        unreadable: list[str] = []
        if dated:
            values = con.execute(
                f"SELECT DISTINCT {raw} AS raw FROM {source} WHERE {raw} <> '' ORDER BY raw"
            ).fetchall()
            unreadable = register_date_table(con, [v for (v,) in values], date_format)
        dates = "LEFT JOIN stancekit_dates USING (raw)" if dated else ""
        reason = (
            f"""CASE WHEN raw IS NULL OR raw = '' THEN 'no date'
                     WHEN p IS NULL THEN 'a date that could not be read'
                     WHEN p IN ({coarse}) THEN 'a date that gives the year only'
                END"""
            if dated
            else "NULL"
        )
        period = f"CASE WHEN reason IS NULL THEN {_PERIOD_SQL[every]} END" if dated else "'all'"
        query = f"""
            WITH source AS (
                SELECT {group} AS g, {raw} AS raw, {text_sql("doc_id", types)} AS doc,
                       {text_sql("label", types)} AS label,
                       {", ".join(_ident("p_" + name) for name in labels)}
                FROM {source}
                WHERE label IS NULL OR CAST(label AS VARCHAR) <> {_sql_string(UNSUPPORTED)}
            ),
            rows AS (SELECT *, {reason} AS reason FROM source {dates})
            SELECT g AS "group", {period} AS period, reason, count(*) AS paragraphs,
                   {counts}, {sums}
            FROM rows
            GROUP BY g, period, reason, doc
            ORDER BY g, period, doc
        """
        table = con.execute(query).fetchnumpy()
        (unsupported,) = con.execute(
            f"SELECT count(*) FROM {source} "
            f"WHERE CAST(label AS VARCHAR) = {_sql_string(UNSUPPORTED)}"
        ).fetchone()
    except Exception as exc:
        message = str(exc).splitlines()[0]
        raise InputError(f"{path}: cannot aggregate the scored rows ({message}).") from None
    finally:
        con.close()
    kept, skipped = _drop_incomplete(table, by)
    if unsupported:  # no stance to count: left out, and said
        skipped["no stance: a language the model does not read (unsupported)"] = int(unsupported)
    return labels, kept, skipped, unreadable


def _drop_incomplete(
    table: dict[str, Any], by: str | None
) -> tuple[dict[str, Any], dict[str, int]]:
    import numpy as np

    group = np.asarray(table.pop("group"), dtype=object)
    reason = np.asarray(table.pop("reason"), dtype=object)
    no_group = np.array([g is None or g == "" for g in group], dtype=bool)
    paragraphs = np.asarray(table["paragraphs"], dtype=np.int64)
    skipped = {f"no {by}": int(paragraphs[no_group].sum())}
    for why in sorted({r for r in reason[~no_group] if r is not None}):
        skipped[str(why)] = int(paragraphs[(reason == why) & ~no_group].sum())
    keep = ~no_group & np.array([r is None for r in reason], dtype=bool)
    kept = {"group": group[keep]}
    for key, values in table.items():
        array = np.asarray(values)[keep]
        kept[key] = array.astype(object) if key == "period" else array
    return kept, {why: n for why, n in skipped.items() if n}
