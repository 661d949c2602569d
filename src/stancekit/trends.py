"""Stance by group and over time, from the rows ``stancekit predict`` writes.

``trends`` answers "did this coalition's language move toward the Nordic model after 2016?":
for every group (an ``org`` column, say) and period (year, quarter or month of each row's
``date``) it gives the number of documents and paragraphs, each label's share of the paragraphs
with a 95% interval, and each label's mean probability.

Scale: the scored rows are never loaded into memory. DuckDB reads the file (JSON Lines, CSV,
TSV, Parquet, or a folder of Parquet files such as a partitioned cluster output) and reduces it
to one summary per document: its paragraphs, its paragraphs per label and its sum of
probabilities per label. The intervals come from a percentile bootstrap over those document
summaries (paragraphs of one document are not independent), seeded, so the same input gives the
same table.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stancekit.errors import InputError, UsageError
from stancekit.labels import UNCERTAIN
from stancekit.trends_source import FILE_COLUMN, column_types, text_sql, with_partitions

PERIODS = ("year", "quarter", "month")
DEFAULT_MIN_DOCS = 20
DEFAULT_RESAMPLES = 1000
#: Dates before this year, or after next year, are no dates (``0000``, ``9999``, typos).
MIN_YEAR = 1000
#: Cells of the resample matrix drawn at once (resamples x documents): bounds the bootstrap's
#: memory whatever the size of a cell.
_DRAW_BLOCK = 250_000
_PERIOD_SQL = {
    "year": "strftime(d, '%Y')",
    "quarter": "strftime(d, '%Y') || '-Q' || CAST(quarter(d) AS VARCHAR)",
    "month": "strftime(d, '%Y-%m')",
}


@dataclass(frozen=True)
class LabelShare:
    """A label's share of the paragraphs in a cell, with its 95% bootstrap interval."""

    share: float
    low: float
    high: float


@dataclass(frozen=True)
class TrendCell:
    """One group in one period."""

    group: str
    period: str
    documents: int
    paragraphs: int
    shares: dict[str, LabelShare]
    mean_probabilities: dict[str, float]
    thin: bool


@dataclass(frozen=True)
class TrendsResult:
    """The table :func:`compute_trends` gives, and how it was made.

    Attributes
    ----------
    by, every : str
        The grouping column and the period.
    labels : tuple of str
        The model's labels (from the ``p_<label>`` columns); ``shown`` adds ``uncertain`` when
        some rows carry it.
    cells : list of TrendCell
        Sorted by group, then period.
    min_docs : int
        Cells with fewer documents are ``thin``: too few to read.
    skipped_paragraphs : dict
        Paragraphs left out, by reason (``no date``, ``no <by>``).
    """

    by: str
    every: str
    labels: tuple[str, ...]
    shown: tuple[str, ...]
    cells: list[TrendCell]
    min_docs: int
    resamples: int
    seed: int
    source: str
    skipped_paragraphs: dict[str, int] = field(default_factory=dict)

    @property
    def thin_cells(self) -> list[TrendCell]:
        return [cell for cell in self.cells if cell.thin]

    @property
    def groups(self) -> list[str]:
        return sorted({cell.group for cell in self.cells})

    @property
    def periods(self) -> list[str]:
        return sorted({cell.period for cell in self.cells})


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def source_sql(path: str | Path) -> str:
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
        # Partition folders (org=X/) are read by trends_source.with_partitions, never over a
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
    if suffix in (".jsonl", ".ndjson"):
        return f"read_json({name}, format = 'newline_delimited')"
    if suffix in (".csv", ".tsv"):
        delim = _sql_string("\t" if suffix == ".tsv" else ",")
        return f"read_csv({name}, header = true, delim = {delim}, all_varchar = true)"
    raise InputError(
        f"{path}: trends reads the .jsonl, .csv, .tsv or .parquet output of `stancekit predict` "
        "(or a folder of .parquet files)."
    )


def _connect() -> Any:
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _check_columns(path: str | Path, columns: list[str], by: str, date_column: str) -> list[str]:
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
        if column not in columns:
            raise InputError(
                f"{path}: no column {column!r} ({option}); columns are: {', '.join(columns)}."
            )
    return labels


def document_summaries(
    path: str | Path, by: str, every: str = "year", date_column: str = "date"
) -> tuple[list[str], dict[str, Any], dict[str, int]]:
    """Reduce scored rows to one summary per document, in DuckDB (never all rows in memory).

    Returns
    -------
    labels : list of str
        From the ``p_<label>`` columns.
    summaries : dict of numpy arrays
        ``group``, ``period``, ``paragraphs``, ``count_<label>`` (and ``count_uncertain``),
        ``psum_<label>``; one entry per (group, period, document).
    skipped : dict
        Paragraphs without a date or a group, left out.

    Raises
    ------
    UsageError
        An unknown period.
    InputError
        An unreadable file, or a missing column (the message lists those there are).
    Documents are sorted (group, period, doc_id), so that the seeded bootstrap gives the same
    intervals however the input was split into files.
    """
    if every not in PERIODS:
        raise UsageError(f"--every: {every!r} is not one of {', '.join(PERIODS)}.")
    con = _connect()
    source = source_sql(path)
    types = column_types(con, source, path)
    columns = list(types)
    if Path(path).is_dir():
        source, columns = with_partitions(con, source, Path(path), columns, (by, date_column))
        types = column_types(con, source, path)
    labels = _check_columns(path, columns, by, date_column)
    counts = ", ".join(
        f"count_if(label = {_sql_string(name)}) AS {_ident('count_' + name)}"
        for name in [*labels, UNCERTAIN]
    )
    sums = ", ".join(  # rows without a probability count for no mean (never as 0)
        f"coalesce(sum(CAST({_ident('p_' + name)} AS DOUBLE)), 0) AS {_ident('psum_' + name)}, "
        f"count({_ident('p_' + name)}) AS {_ident('pn_' + name)}"
        for name in labels
    )
    query = f"""
        WITH rows AS (
            SELECT {text_sql(by, types)} AS g,
                   TRY_CAST(left({text_sql(date_column, types)}, 10) AS DATE) AS d0,
                   CASE WHEN year(d0) BETWEEN {MIN_YEAR} AND year(current_date) + 1
                        THEN d0 END AS d,
                   {text_sql("doc_id", types)} AS doc,
                   {text_sql("label", types)} AS label,
                   {", ".join(_ident("p_" + name) for name in labels)}
            FROM {source}
        )
        SELECT g AS "group", {_PERIOD_SQL[every]} AS period, count(*) AS paragraphs,
               {counts}, {sums}
        FROM rows
        GROUP BY g, period, doc
        ORDER BY g, period, doc
    """
    try:
        table = con.execute(query).fetchnumpy()
    except Exception as exc:
        message = str(exc).splitlines()[0]
        raise InputError(f"{path}: cannot aggregate the scored rows ({message}).") from None
    finally:
        con.close()
    return labels, *_drop_incomplete(table, by)


def _drop_incomplete(table: dict[str, Any], by: str) -> tuple[dict[str, Any], dict[str, int]]:
    import numpy as np

    group = np.asarray(table["group"], dtype=object)
    period = np.asarray(table["period"], dtype=object)
    no_group = np.array([g is None or g == "" for g in group], dtype=bool)
    no_date = np.array([p is None for p in period], dtype=bool) & ~no_group
    paragraphs = np.asarray(table["paragraphs"], dtype=np.int64)
    skipped = {
        "no date": int(paragraphs[no_date].sum()),
        f"no {by}": int(paragraphs[no_group].sum()),
    }
    keep = ~(no_group | no_date)
    kept = {}
    for key, values in table.items():
        array = np.asarray(values)[keep]
        kept[key] = array.astype(object) if key in ("group", "period") else array
    return kept, {reason: n for reason, n in skipped.items() if n}


def bootstrap_shares(
    paragraphs: Any, counts: Any, resamples: int, rng: Any
) -> tuple[Any, Any, Any]:
    """Each label's share of paragraphs, with a 95% percentile interval from resampling the
    documents (rows of ``counts``) with replacement.

    Parameters
    ----------
    paragraphs : array of shape (n,)
        Paragraphs per document.
    counts : array of shape (n, k)
        Paragraphs per document and label.
    resamples : int
        Bootstrap resamples (0: no interval, low = high = share).
    rng : numpy.random.Generator

    Returns
    -------
    share, low, high : arrays of shape (k,)
    """
    import numpy as np

    paragraphs = np.asarray(paragraphs, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    share = counts.sum(axis=0) / paragraphs.sum()
    n = len(paragraphs)
    if resamples <= 0 or n < 2:
        return share, share.copy(), share.copy()
    stacked = np.column_stack([paragraphs, counts]).astype(np.float64)
    block = max(1, _DRAW_BLOCK // n)
    draws = []
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        # How often each document is drawn in each resample (one bincount for the block), then
        # one matrix product: the resampled totals, without copying rows.
        picks = rng.integers(0, n, size=(size, n), dtype=np.int64)
        picks += (np.arange(size, dtype=np.int64) * n)[:, None]
        weights = np.bincount(picks.ravel(), minlength=size * n).reshape(size, n)
        totals = weights.astype(np.float64) @ stacked
        draws.append(totals[:, 1:] / totals[:, :1])
    shares = np.concatenate(draws)
    low, high = np.percentile(shares, [2.5, 97.5], axis=0)
    return share, low, high


def compute_trends(
    path: str | Path,
    by: str,
    every: str = "year",
    date_column: str = "date",
    min_docs: int = DEFAULT_MIN_DOCS,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> TrendsResult:
    """Label shares (95% bootstrap intervals over documents) and mean probabilities per group
    and period of the scored rows in ``path``.

    Parameters
    ----------
    path : path
        ``stancekit predict`` paragraph rows: ``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``, or a
        folder of ``.parquet`` files (partitions included).
    by : str
        The grouping column (``org``).
    every : {"year", "quarter", "month"}
        The period of each row's date.
    date_column : str
        The date column (``date``: what ``predict`` writes).
    min_docs : int
        Cells with fewer documents are marked ``thin``.
    resamples : int
        Bootstrap resamples per cell.
    seed : int
        Seed of the bootstrap.

    Raises
    ------
    UsageError
        An unknown period, a negative ``min_docs`` or ``resamples``.
    InputError
        Unreadable input, missing columns, or no row with both a group and a date.
    """
    import numpy as np

    if min_docs < 0 or resamples < 0:
        raise UsageError("--min-docs and --resamples must be 0 or more.")
    labels, table, skipped = document_summaries(path, by, every, date_column)
    if not len(table["paragraphs"]):
        raise InputError(
            f"{path}: no row has both a {by!r} value and a date in {date_column!r}: "
            "score dated texts (a 'date YYYY-MM-DD' first line, or a table's date column)."
        )
    with_uncertain = int(table[f"count_{UNCERTAIN}"].sum()) > 0
    shown = (*labels, UNCERTAIN) if with_uncertain else tuple(labels)
    counts = np.column_stack([table[f"count_{name}"] for name in shown])
    psums = np.column_stack([table[f"psum_{name}"] for name in labels])
    known = np.column_stack([table[f"pn_{name}"] for name in labels])
    keys = list(zip(table["group"], table["period"], strict=True))
    starts = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    rng = np.random.default_rng(seed)
    cells = []
    for start, stop in itertools.pairwise(starts):
        paragraphs = table["paragraphs"][start:stop]
        share, low, high = bootstrap_shares(paragraphs, counts[start:stop], resamples, rng)
        total = int(paragraphs.sum())
        with np.errstate(invalid="ignore", divide="ignore"):  # NaN: no row has a probability
            means = psums[start:stop].sum(axis=0) / known[start:stop].sum(axis=0)
        documents = stop - start
        cells.append(
            TrendCell(
                group=str(keys[start][0]),
                period=str(keys[start][1]),
                documents=documents,
                paragraphs=total,
                shares={
                    name: LabelShare(float(share[i]), float(low[i]), float(high[i]))
                    for i, name in enumerate(shown)
                },
                mean_probabilities={name: float(means[i]) for i, name in enumerate(labels)},
                thin=documents < min_docs,
            )
        )
    return TrendsResult(
        by=by,
        every=every,
        labels=tuple(labels),
        shown=shown,
        cells=cells,
        min_docs=min_docs,
        resamples=resamples,
        seed=seed,
        source=str(path),
        skipped_paragraphs=skipped,
    )
