"""The stream route: records through the model in batches of whole documents, for any input
and any output.

``records -> batches of whole records -> the scoring core -> scored batches``: records are
gathered into batches of about ``batch_size`` units (:func:`_chunks`, bounded in characters
too), each batch is segmented, scored and labelled by the one core of every route
(:func:`stancekit.scoring.core.score_documents`, on the run's engine), and its rows take each
record's pass-through values as read: as columns that a writer writes at once
(:class:`~stancekit.scoring.rows.ScoredRows`, from :func:`score_record_batches`), or one row
at a time (:func:`score_records`). One batch is in memory at a time (a few with
``jobs > 1``), so peak memory follows ``batch_size``, not the input. A unit is a paragraph of a
record (``unit="paragraph"``) or the whole record (``"document"``). A batch never cuts a
document, so each document's prior is taken within its batch, and documents stay contiguous:
:class:`~stancekit.scoring.aggregate.DocumentAggregator` summarises each one as it ends (a
document starts at every paragraph with index 0, or ``None``: two inputs that share an id are
still summarised apart). :func:`iter_units` is the segmentation alone, for ``explain`` and
``annotate``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

from stancekit.scoring.core import ScoredUnits, score_documents
from stancekit.scoring.engines import Engine, LocalEngine, resolve_engine
from stancekit.scoring.options import BATCH_CHARS, ScoreOptions, check_options
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoredParagraph, ScoredRows, ScoringStats, Unit
from stancekit.scoring.segment import DEFAULT_MAX_CHARS
from stancekit.scoring.units import count_date, document_units


def iter_units(
    records: Iterable[SourceRecord],
    unit: str,
    stats: ScoringStats,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Unit]:
    """Split records into units (:func:`stancekit.scoring.units.document_units`); empty records
    are counted in ``stats.empty`` and skipped. Paragraphs longer than ``max_chars`` characters
    are split (bounded memory per paragraph) and counted in ``stats.split``; ``unit="document"``
    keeps every document whole. A record's own date (a table's date cell) wins over its text's
    date line; one that is not a date is counted in ``stats.bad_dates``."""
    check_options(unit=unit, max_chars=max_chars)
    stats.max_chars = max_chars
    whole = unit == "document"
    for record in records:
        texts, date = document_units(record.doc_id, record.text, unit, max_chars, stats)
        date = record.date or date
        count_date(record.doc_id, record.date, stats)
        for index, text in enumerate(texts):
            yield Unit(record.doc_id, None if whole else index, text, date, record.extra)


def _estimate(text: str, paragraphs: bool) -> int:
    """About how many units a document makes (its blank lines, counted in C): enough to size a
    batch without segmenting it here."""
    return text.count("\n\n") + 1 if paragraphs else 1


def _chunks(
    records: Iterable[Any], size: int, max_chars: int = BATCH_CHARS, paragraphs: bool = True
) -> Iterator[list[Any]]:
    """Batches of whole records (anything with a ``text``) of about ``size`` units, or fewer
    when their texts reach ``max_chars`` characters. A record longer than a batch is a batch of
    its own: never cut."""
    batch: list[Any] = []
    units = chars = 0
    for record in records:
        batch.append(record)
        text = record.text
        chars += len(text)
        units += _estimate(text, paragraphs)
        if units >= size or chars >= max_chars:
            yield batch
            batch, units, chars = [], 0, 0
    if batch:
        yield batch


def _rows(batch: list[SourceRecord], units: ScoredUnits, labels: tuple[str, ...]) -> ScoredRows:
    """The scored rows of a batch, as columns: the core's, and each record's own pass-through
    values (their Python objects, as read)."""
    scored = units.scored
    return ScoredRows(
        labels,
        units.doc_ids,
        units.indices,
        units.texts,
        units.dates,
        scored.labels,
        scored.proba,
        scored.margins,
        scored.tops,
        scored.languages,
        [batch[row].extra for row in units.rows],
    )


def score_record_batches(
    pipeline: Any,
    records: Iterable[SourceRecord],
    options: ScoreOptions | None = None,
    *,
    alpha: float = 0.0,
    jobs: int = 1,
    engine: str | Engine | None = None,
    on_progress: Callable[[int], None] | None = None,
    stats: ScoringStats | None = None,
) -> Iterator[ScoredRows]:
    """Score records in order, whole documents of about ``options.batch_size`` units at a time,
    through the one scoring core (:func:`stancekit.scoring.core.score_documents`) on ``engine``,
    and yield each batch's rows as columns (:class:`~stancekit.scoring.rows.ScoredRows`, never
    empty), for a writer to write at once; an engine with workers is used once the input
    reaches its ``min_units`` (see :mod:`stancekit.scoring.engines`).

    Parameters
    ----------
    pipeline : fitted pipeline or LanguageRouter
    records : iterable of SourceRecord
        Read lazily: one batch in memory at a time (a few with workers).
    options : ScoreOptions, optional
        The unit, threshold, ``explain``, ``max_chars`` and ``batch_size`` (units per batch: sets
        peak memory, with :data:`BATCH_CHARS` characters).
    alpha : float
        The document prior's weight (``unit="paragraph"`` only); batches hold whole documents,
        so each document's prior is taken within its batch.
    jobs : int
        Worker processes; ``-1`` uses all cores.
    engine : {"local", "joblib"} or Engine, optional
        Where batches are scored (see :func:`stancekit.scoring.engines.resolve_engine`); default:
        joblib when ``jobs`` is not 1, else in this process.
    on_progress : callable, optional
        Called with the number of units finished after each batch.
    stats : ScoringStats, optional
        Gets each batch's stats (documents, units, empty inputs, split paragraphs, bad dates,
        units with no known word, unsupported languages) as it is scored.

    Raises
    ------
    UsageError
        A ``jobs`` or ``engine`` that cannot work.
    """
    options = options if options is not None else ScoreOptions()
    runner = resolve_engine(engine, jobs)
    stats = stats if stats is not None else ScoringStats()
    stats.max_chars = options.max_chars
    labels = tuple(str(c) for c in pipeline.classes_)
    paragraphs = options.unit == "paragraph"
    records = iter(records)
    head: list[SourceRecord] = []
    seen = 0
    while seen < runner.min_units:
        record = next(records, None)
        if record is None:
            runner = LocalEngine()
            break
        head.append(record)
        seen += _estimate(record.text, paragraphs)
    pending: deque[list[SourceRecord]] = deque()

    def tasks() -> Iterator[tuple]:
        for batch in _chunks(chain(head, records), options.batch_size, BATCH_CHARS, paragraphs):
            pending.append(batch)
            ids, texts = [r.doc_id for r in batch], [r.text for r in batch]
            yield (pipeline, labels, ids, texts, [r.date for r in batch], options, alpha)

    done = 0
    for units in runner.map(score_documents, tasks()):
        batch = pending.popleft()
        stats += units.stats
        if units.rows:
            yield _rows(batch, units, labels)
        done += len(units.rows)
        if on_progress and units.rows:
            on_progress(done)


def score_records(
    pipeline: Any,
    records: Iterable[SourceRecord],
    options: ScoreOptions | None = None,
    *,
    alpha: float = 0.0,
    jobs: int = 1,
    engine: str | Engine | None = None,
    on_progress: Callable[[int], None] | None = None,
    stats: ScoringStats | None = None,
) -> Iterator[ScoredParagraph]:
    """:func:`score_record_batches`, one scored row at a time (the same parameters)."""
    for rows in score_record_batches(
        pipeline,
        records,
        options,
        alpha=alpha,
        jobs=jobs,
        engine=engine,
        on_progress=on_progress,
        stats=stats,
    ):
        yield from rows.paragraphs()
