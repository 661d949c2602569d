"""The stream route: documents through the model in batches, for any input and any output.

``records -> units -> batches -> scored paragraphs``, one batch in memory at a time (a few with
``jobs > 1``), so peak memory follows ``batch_size``, not the input. A unit is a paragraph of a
record (``unit="paragraph"``, the pipeline's segmenter) or the whole record (``"document"``).
Documents stay contiguous, so
:class:`~stancekit.scoring.aggregate.DocumentAggregator` can summarise each one as it ends. A
document starts at every paragraph with index 0 (or ``None``: a whole document), so two inputs that
share an id are still summarised apart.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any

from stancekit.model.vectorize import FastWordFeatures, fast_features
from stancekit.scoring.batch import ScoredBatch, count_unsupported, score_batch
from stancekit.scoring.engines import Engine, LocalEngine, resolve_engine
from stancekit.scoring.options import BATCH_CHARS, DEFAULT_BATCH_SIZE, check_options
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoredParagraph, ScoringStats, Unit
from stancekit.scoring.segment import DEFAULT_MAX_CHARS
from stancekit.scoring.units import count_date, document_units


def _unit_name(unit: Unit) -> str:
    return unit.doc_id if unit.paragraph_index is None else f"{unit.doc_id}#{unit.paragraph_index}"


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


def _chunks(units: Iterator[Unit], size: int, max_chars: int = BATCH_CHARS) -> Iterator[list[Unit]]:
    """Batches of ``size`` units, or fewer when their texts reach ``max_chars`` characters."""
    batch: list[Unit] = []
    chars = 0
    for unit in units:
        batch.append(unit)
        chars += len(unit.text)
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _to_scored(
    batch: list[Unit],
    result: ScoredBatch,
    labels: tuple[str, ...],
    stats: ScoringStats | None,
) -> Iterator[ScoredParagraph]:
    proba, names, margins, tops, unknown, languages = result
    if stats is not None:
        for row in unknown:
            stats.unknown.add(_unit_name(batch[row]))
        count_unsupported(languages, proba, stats.unsupported)
    for row, (unit, values) in enumerate(zip(batch, proba.tolist(), strict=True)):
        yield ScoredParagraph(
            unit.doc_id,
            unit.paragraph_index,
            unit.text,
            unit.date,
            names[row],
            dict(zip(labels, values, strict=True)),
            margins[row],
            unit.extra,
            None if tops is None else tops[row],
            None if languages is None else languages[row],
        )


def score_units(
    pipeline: Any,
    units: Iterable[Unit],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    threshold: float | None = None,
    explain: int = 0,
    jobs: int = 1,
    engine: str | Engine | None = None,
    on_progress: Callable[[int], None] | None = None,
    stats: ScoringStats | None = None,
    features: FastWordFeatures | None = None,
) -> Iterator[ScoredParagraph]:
    """Score units in order, ``batch_size`` at a time, on ``engine``; an engine with workers is
    used once the input reaches its ``min_units`` (see :mod:`stancekit.scoring.engines`).

    Parameters
    ----------
    pipeline : fitted scikit-learn pipeline
    units : iterable of Unit
    batch_size : int
        Units per batch: sets peak memory.
    threshold : float, optional
        Below this top probability the label is ``"uncertain"``.
    explain : int
        Attach each label's top ``explain`` terms (0: none).
    jobs : int
        Worker processes; ``-1`` uses all cores.
    engine : {"local", "joblib"} or Engine, optional
        Where batches are scored (see :func:`stancekit.scoring.engines.resolve_engine`); default:
        joblib when ``jobs`` is not 1, else in this process.
    on_progress : callable, optional
        Called with the number of units finished after each batch.
    stats : ScoringStats, optional
        Gets the units in which the model knew no word (``stats.unknown``).
    features : FastWordFeatures, optional
        The pipeline's fast vectorizer path, if already built (``StancePredictor.features``);
        built here otherwise.

    Raises
    ------
    UsageError
        An option value that cannot work (see :func:`check_options`).
    """
    check_options(batch_size=batch_size, threshold=threshold, explain=explain, jobs=jobs)
    runner = resolve_engine(engine, jobs)
    labels = tuple(str(c) for c in pipeline.classes_)
    if features is None:
        features = fast_features(pipeline)
    units = iter(units)
    head = list(islice(units, runner.min_units))
    if len(head) < runner.min_units:
        runner = LocalEngine()
    pending: deque[list[Unit]] = deque()

    def tasks() -> Iterator[tuple]:
        for batch in _chunks(chain(head, units), batch_size):
            pending.append(batch)
            texts, groups = [u.text for u in batch], [u.doc_id for u in batch]
            yield (pipeline, texts, labels, threshold, explain, features, groups)

    done = 0
    for result in runner.map(score_batch, tasks()):
        batch = pending.popleft()
        yield from _to_scored(batch, result, labels, stats)
        done += len(batch)
        if on_progress:
            on_progress(done)
