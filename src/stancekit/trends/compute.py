"""The trends themselves: label shares per group and period with document-bootstrap intervals,
from the per-document summaries :mod:`stancekit.trends.sql` reduces the rows to.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stancekit.errors import InputError, UsageError
from stancekit.labels import UNCERTAIN
from stancekit.trends.sql import EVERYONE as EVERYONE
from stancekit.trends.sql import PERIODS as PERIODS
from stancekit.trends.sql import document_summaries
from stancekit.trends.sql import source_sql as source_sql

DEFAULT_MIN_DOCS = 20
DEFAULT_RESAMPLES = 1000
#: Dates before this year, or after next year, are no dates (``0000``, ``9999``, typos).
MIN_YEAR = 1000
#: Cells of the resample matrix drawn at once (resamples x documents): bounds the bootstrap's
#: memory whatever the size of a cell.
_DRAW_BLOCK = 250_000


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
        Paragraphs left out, by reason (``no date``, ``a date that could not be read``,
        ``a date that gives the year only``, ``no <by>``).
    unreadable_dates : tuple of str
        The first few date values that could not be read, as written.
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
    unreadable_dates: tuple[str, ...] = ()

    @property
    def thin_cells(self) -> list[TrendCell]:
        return [cell for cell in self.cells if cell.thin]

    @property
    def groups(self) -> list[str]:
        return sorted({cell.group for cell in self.cells})

    @property
    def periods(self) -> list[str]:
        return sorted({cell.period for cell in self.cells})


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
    by: str | None = None,
    every: str = "year",
    date_column: str = "date",
    min_docs: int = DEFAULT_MIN_DOCS,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    date_format: str | None = None,
    sheet: str | None = None,
) -> TrendsResult:
    """Label shares (95% bootstrap intervals over documents) and mean probabilities per group
    and period of the scored rows in ``path``.

    Parameters
    ----------
    path : path
        ``stancekit predict`` paragraph rows: ``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``, or a
        folder of ``.parquet`` files (partitions included).
    by : str, optional
        The grouping column (``org``); ``None``: every row in one group, ``all``.
    every : {"year", "quarter", "month", "all"}
        The period of each row's date; ``all``: the whole period in one cell (dates are not
        needed).
    date_column : str
        The date column (``date``: what ``predict`` writes).
    min_docs : int
        Cells with fewer documents are marked ``thin``.
    resamples : int
        Bootstrap resamples per cell.
    seed : int
        Seed of the bootstrap.
    date_format : str, optional
        A :func:`datetime.datetime.strptime` format tried before the forms
        :mod:`stancekit.io.dates` reads (``%m/%d/%Y``).
    sheet : str, optional
        ``.xlsx`` input: the sheet to read (default: the first).

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
    labels, table, skipped, unreadable = document_summaries(
        path, by, every, date_column, date_format, sheet
    )
    if not len(table["paragraphs"]):
        found = "; ".join(f"{n:,} paragraph(s) with {why}" for why, n in skipped.items())
        examples = ", ".join(repr(v) for v in unreadable[:5])
        raise InputError(
            f"{path}: no row has "
            + (f"both a {by!r} value and " if by else "")
            + f"a readable date in {date_column!r} ({found}"
            + (f"; unreadable: {examples}" if examples else "")
            + "): dates are read as ISO, year, year-month, day/month/year (day first) or Excel "
            "serials; pass --date-format for another form, or --every all for the whole period."
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
        by=by or "group",
        every=every,
        labels=tuple(labels),
        shown=shown,
        cells=cells,
        min_docs=min_docs,
        resamples=resamples,
        seed=seed,
        source=str(path),
        skipped_paragraphs=skipped,
        unreadable_dates=tuple(unreadable[:5]),
    )
