"""The one scoring core of every route: a batch of whole documents, as columns, in; its scored
units, as columns, out.

:func:`score_documents` takes the documents' ids, texts and date cells (plain lists: a batch of
the stream's records, an Arrow table's columns, a Dask partition's), segments them
(:func:`~stancekit.scoring.units.document_units`), scores the units through the one batch scorer
(:func:`~stancekit.scoring.batch.score_batch`, whole documents of about ``batch_size`` units at
a time, so each document's prior is taken within itself), decides the labels and counts the
batch's :class:`~stancekit.scoring.rows.ScoringStats`. It returns :class:`ScoredUnits`, from
which the whole-table route builds Arrow (:func:`stancekit.scoring.partition.score_partition`)
and the stream builds its rows (:func:`stancekit.scoring.stream.score_records`); pass-through
values stay with the caller, which picks them by each unit's ``rows`` entry. A module-level
function, so that worker processes can run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from stancekit.scoring.batch import ScoredBatch, count_unsupported, score_batch
from stancekit.scoring.options import ScoreOptions
from stancekit.scoring.rows import ScoringStats, Tally
from stancekit.scoring.units import count_date, document_units


class ScoredUnits(NamedTuple):
    """The scored units of a batch of documents, as columns (one entry per unit).

    Attributes
    ----------
    rows : list of int
        The document (its position in the batch) each unit comes from.
    doc_ids : list of str
        Each unit's document id.
    indices : list of int or None
        Each unit's paragraph index (``None``: a whole document).
    texts : list of str
        Each unit's text.
    dates : list of str or None
        Each unit's date: its document's date cell, else the date its text begins with.
    scored : ScoredBatch
        Probabilities, labels, margins, top terms and languages of the units.
    stats : ScoringStats
        What the batch held.
    """

    rows: list[int]
    doc_ids: list[str]
    indices: list[int | None]
    texts: list[str]
    dates: list[str | None]
    scored: ScoredBatch
    stats: ScoringStats


def _segment(
    texts: Sequence[str], ids: Sequence[str], unit: str, stats: ScoringStats
) -> tuple[list[int], list[int | None], list[str], list[str | None]]:
    """Each unit's row, paragraph index, text and date (from its text), by the one segmentation
    (:func:`stancekit.scoring.units.document_units`), counted in ``stats``."""
    rows: list[int] = []
    indices: list[int | None] = []
    units: list[str] = []
    dates: list[str | None] = []
    whole = unit == "document"
    for row, (doc_id, text) in enumerate(zip(ids, texts, strict=True)):
        found, date = document_units(doc_id, text, unit, stats.max_chars, stats)
        if found:
            n = len(found)
            rows.extend([row] * n)
            indices.extend([None] if whole else range(n))
            units.extend(found)
            dates.extend([date] * n)
    return rows, indices, units, dates


def batch_ends(groups: Sequence[Any], size: int) -> list[int]:
    """Where batches of about ``size`` units end: never inside a group (a document, which
    takes its short paragraphs' language and its prior from the whole of itself)."""
    last = {group: i for i, group in enumerate(groups)}
    ends, reach, start = [], -1, 0
    for i, group in enumerate(groups):
        if i - start >= size and reach < i:
            ends.append(i)
            start = i
        reach = max(reach, last[group])
    ends.append(len(groups))
    return ends


def _score_in_batches(
    pipeline: Any,
    labels: tuple[str, ...],
    units: list[str],
    groups: list[str],
    rows: list[int],
    options: ScoreOptions,
    alpha: float,
) -> ScoredBatch:
    """:func:`~stancekit.scoring.batch.score_batch` of ``units``, whole documents of about
    ``options.batch_size`` units at a time: the same numbers (each unit is scored alone, each
    document's prior within itself), in less memory than one batch of a 100,000-row table."""
    import numpy as np

    threshold, explain = options.threshold, options.explain
    parts, start = [], 0
    for end in batch_ends(groups, options.batch_size):
        part = score_batch(
            pipeline,
            units[start:end],
            labels,
            threshold,
            explain,
            None,
            groups[start:end],
            rows[start:end],
            alpha,
        )
        parts.append((start, part))
        start = end
    if len(parts) == 1:
        return parts[0][1]
    first = parts[0][1]
    return ScoredBatch(
        np.concatenate([part.proba for _, part in parts]),
        [name for _, part in parts for name in part.labels],
        [margin for _, part in parts for margin in part.margins],
        None if first.tops is None else [top for _, part in parts for top in part.tops],
        [start + row for start, part in parts for row in part.unknown_rows],
        None if first.languages is None else [c for _, part in parts for c in part.languages],
    )


def score_documents(
    pipeline: Any,
    labels: tuple[str, ...],
    ids: Sequence[str],
    texts: Sequence[str],
    cells: Sequence[str | None] | None,
    options: ScoreOptions,
    alpha: float = 0.0,
) -> ScoredUnits:
    """Segment, score and label a batch of whole documents.

    Parameters
    ----------
    pipeline : fitted pipeline or LanguageRouter
        The model (a :class:`~stancekit.model.bundle.LanguageRouter` scores each unit with its
        language's model).
    labels : tuple of str
        The model's labels, in its column order.
    ids, texts : sequence of str
        Each document's id and text (ids may repeat: documents are told apart by position).
    cells : sequence of str or None, optional
        Each document's date cell (read by :func:`stancekit.io.cells.cell_date`): it wins over
        the date its text begins with, and one that is not a date is counted; ``None``: no date
        column.
    options : ScoreOptions
        The unit, threshold, ``explain``, ``max_chars`` and ``batch_size`` (units per call of
        the batch scorer).
    alpha : float
        The document prior's weight (used with ``unit="paragraph"`` only).

    Returns
    -------
    ScoredUnits
        One entry per unit, in document order, and the batch's stats.
    """
    stats = ScoringStats(max_chars=options.max_chars)
    rows, indices, units, dates = _segment(texts, ids, options.unit, stats)
    if cells is not None:
        for doc_id, cell in zip(ids, cells, strict=True):
            count_date(doc_id, cell, stats)
        dates = [cells[row] or date for row, date in zip(rows, dates, strict=True)]
    doc_ids = [ids[row] for row in rows]
    if options.unit != "paragraph":
        alpha = 0.0
    if units:
        scored = _score_in_batches(pipeline, labels, units, doc_ids, rows, options, alpha)
    else:
        import numpy as np

        scored = ScoredBatch(np.zeros((0, len(labels))), [], [], None, [], None)
    unknown = [
        doc_ids[i] if indices[i] is None else f"{doc_ids[i]}#{indices[i]}"
        for i in scored.unknown_rows[: stats.unknown.keep]
    ]
    stats.unknown = Tally.of(unknown, len(scored.unknown_rows))
    counts: dict[str, int] = {}
    count_unsupported(scored.languages, scored.proba, counts)
    stats.unsupported = dict(sorted(counts.items()))
    return ScoredUnits(rows, doc_ids, indices, units, dates, scored, stats)
