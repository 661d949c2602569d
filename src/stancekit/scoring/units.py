"""A document's units, counted: the one segmentation of every scoring route (the stream's
scoring core :func:`stancekit.scoring.core.score_documents`, and the stream's
:func:`stancekit.scoring.stream.iter_units` for ``explain`` and ``annotate``).

A unit is a paragraph (``unit="paragraph"``: paragraphs longer than ``max_chars`` are split,
see :mod:`stancekit.scoring.segment`) or the whole document (``"document"``: its paragraphs
joined by blank lines, never split). Every document is counted in the run's
:class:`~stancekit.scoring.rows.ScoringStats`: documents, units, empty documents (no unit),
paragraphs split, and a date cell that is not a date (:func:`count_date`).
"""

from __future__ import annotations

from stancekit.io.dates import is_read
from stancekit.scoring.rows import ScoringStats
from stancekit.scoring.segment import segment_document


def document_units(
    doc_id: str, text: str, unit: str, max_chars: int, stats: ScoringStats
) -> tuple[tuple[str, ...], str | None]:
    """The unit texts of one document and the date its text begins with (``date YYYY-MM-DD``).

    Parameters
    ----------
    doc_id : str
        The document's id, as named in ``stats`` (empty documents, split paragraphs).
    text : str
        The whole document.
    unit : {"paragraph", "document"}
        Its paragraphs (index ``i`` is paragraph ``i``), or the whole document as one unit.
    max_chars : int
        Paragraph units longer than this are split (one ``stats.split`` count per paragraph).
    stats : ScoringStats
        Counts the document, its units, and whether it was empty.

    Returns
    -------
    tuple of str, str or None
        The units (none for an empty document) and the date of the document's first line.
    """
    document = segment_document(text, max_chars if unit == "paragraph" else None)
    stats.documents += 1
    for _ in range(document.split):
        stats.split.add(doc_id)
    units = document.paragraphs
    if not units:
        stats.empty.add(doc_id)
    elif unit != "paragraph":
        units = ("\n\n".join(units),)
    stats.units += len(units)
    return units, document.date


def count_date(doc_id: str, date: str | None, stats: ScoringStats) -> None:
    """Count a document whose date cell holds something that is not a date (``date`` as
    :func:`stancekit.io.cells.cell_date` gives it: ISO when read, else the cell as written) in
    ``stats.bad_dates``, as ``doc_id: 'value'``; every route reports them the same way."""
    if date is not None and not is_read(date):
        stats.bad_dates.add(f"{doc_id}: {date!r}")
