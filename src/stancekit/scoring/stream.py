"""Stream documents through the model in batches: the engine behind ``stancekit predict``.

``records -> units -> batches -> scored paragraphs``, one batch in memory at a time (a few with
``jobs > 1``), so peak memory follows ``batch_size``, not the input. A unit is a paragraph of a
record (``unit="paragraph"``, the pipeline's segmenter) or the whole record (``"document"``).
Documents stay contiguous, so :class:`DocumentAggregator` can summarise each one as it ends. A
document starts at every paragraph with index 0 (or ``None``: a whole document), so two inputs that
share an id are still summarised apart.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, NamedTuple

from stancekit.errors import UsageError
from stancekit.io.dates import is_read
from stancekit.labels import NEUTRAL, STANCES, UNCERTAIN
from stancekit.language import UNSUPPORTED
from stancekit.model.vectorize import FastWordFeatures, fast_features
from stancekit.scoring.batch import BatchResult, count_unsupported, decide, predict_batch
from stancekit.scoring.engines import Engine, LocalEngine, check_jobs, resolve_engine
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.segment import DEFAULT_MAX_CHARS, segment_document

UNITS = ("paragraph", "document")
DEFAULT_BATCH_SIZE = 5000
#: A batch also ends once its texts reach this many characters (long paragraphs).
BATCH_CHARS = 5_000_000


def check_options(
    *,
    unit: str = "paragraph",
    batch_size: int = DEFAULT_BATCH_SIZE,
    threshold: float | None = None,
    explain: int = 0,
    jobs: int = 1,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> None:
    """Refuse option values that cannot work: the one place that checks them.

    Raises
    ------
    UsageError
        An unknown unit, a batch size below 1, a threshold outside [0, 1], a negative
        ``explain``, or ``jobs`` that is neither a positive number nor -1.
    """
    if unit not in UNITS:
        raise UsageError(f"--unit: {unit!r} is not paragraph or document.")
    if batch_size < 1:
        raise UsageError(
            f"--batch-size: {batch_size} is not a number of paragraphs: give 1 or more."
        )
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--threshold: {threshold} is not a probability between 0 and 1.")
    if explain < 0:
        raise UsageError(f"--explain: {explain} is not a number of terms: give 0 or more.")
    if max_chars < 1:
        raise UsageError(f"--max-chars: {max_chars} is not a length: give 1 or more.")
    check_jobs(jobs)


class Unit(NamedTuple):
    """A text to score and where it comes from (a NamedTuple: built once per row, so cheap)."""

    doc_id: str
    paragraph_index: int | None
    text: str
    date: str | None
    extra: dict[str, Any]


class ScoredParagraph(NamedTuple):
    """One scored unit (an immutable NamedTuple).

    ``margin`` is the gap between the two highest probabilities (how decided the model is);
    ``explanation`` maps each label to its top ``(term, contribution)`` pairs when asked for;
    ``language`` is the language the unit was scored as. A unit in a language the model has no
    model for has the label ``unsupported`` and NaN probabilities and margin.
    """

    doc_id: str
    paragraph_index: int | None
    text: str
    date: str | None
    label: str
    probabilities: dict[str, float]
    margin: float
    extra: dict[str, Any]
    explanation: dict[str, list[tuple[str, float]]] | None = None
    language: str | None = None


@dataclass(frozen=True)
class DocumentSummary:
    """Per-document aggregate: label (:func:`document_label`), shares, means (over the
    paragraphs in a language the model reads), and the language most of its paragraphs are in."""

    doc_id: str
    date: str | None
    paragraphs: int
    label: str
    label_shares: dict[str, float]
    mean_probabilities: dict[str, float]
    extra: dict[str, Any]
    language: str | None = None


@dataclass
class Tally:
    """A count, and the first few names counted (enough for a message; bounded memory)."""

    count: int = 0
    examples: list[str] = field(default_factory=list)
    keep: int = 5

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.examples) < self.keep:
            self.examples.append(name)

    def describe(self) -> str:
        """``"a, b, c"`` or ``"a, b, c, d, e ..."``."""
        return ", ".join(self.examples) + (" ..." if self.count > len(self.examples) else "")


@dataclass
class ScoringStats:
    """What a run saw: documents, units scored, the ids of empty inputs it skipped, the units
    (``doc_id#paragraph``) in which the model knew no word, and the documents with a paragraph
    longer than ``max_chars`` that was split (``split``: one count per paragraph)."""

    documents: int = 0
    units: int = 0
    empty: Tally = field(default_factory=Tally)
    unknown: Tally = field(default_factory=Tally)
    split: Tally = field(default_factory=Tally)
    max_chars: int = DEFAULT_MAX_CHARS
    #: Units in a language the model has no model for, per language code.
    unsupported: dict[str, int] = field(default_factory=dict)
    #: Documents whose date cell holds a value that is not a date (``doc_id: 'value'``).
    bad_dates: Tally = field(default_factory=Tally)


def _unit_name(unit: Unit) -> str:
    return unit.doc_id if unit.paragraph_index is None else f"{unit.doc_id}#{unit.paragraph_index}"


def starts_document(paragraph: ScoredParagraph) -> bool:
    """Whether ``paragraph`` opens a new input record (its first paragraph, or a whole one)."""
    return paragraph.paragraph_index is None or paragraph.paragraph_index == 0


def group_documents(scored: Iterable[ScoredParagraph]) -> Iterator[list[ScoredParagraph]]:
    """Group a stream of scored units into one list per input record, in order."""
    current: list[ScoredParagraph] = []
    for paragraph in scored:
        if current and starts_document(paragraph):
            yield current
            current = []
        current.append(paragraph)
    if current:
        yield current


def iter_units(
    records: Iterable[SourceRecord],
    unit: str,
    stats: ScoringStats,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Unit]:
    """Split records into units; empty records are counted in ``stats.empty`` and skipped.
    Paragraphs longer than ``max_chars`` characters are split (bounded memory per paragraph)
    and counted in ``stats.split``; ``unit="document"`` keeps every document whole."""
    check_options(unit=unit, max_chars=max_chars)
    stats.max_chars = max_chars
    limit = max_chars if unit == "paragraph" else None
    for record in records:
        stats.documents += 1
        document = segment_document(record.text, limit)
        for _ in range(document.split):
            stats.split.add(record.doc_id)
        date = record.date or document.date
        if record.date is not None and not is_read(record.date):
            stats.bad_dates.add(f"{record.doc_id}: {record.date!r}")
        if not document.paragraphs:
            stats.empty.add(record.doc_id)
            continue
        if unit == "paragraph":
            for index, paragraph in enumerate(document.paragraphs):
                stats.units += 1
                yield Unit(record.doc_id, index, paragraph, date, record.extra)
        else:
            stats.units += 1
            yield Unit(record.doc_id, None, "\n\n".join(document.paragraphs), date, record.extra)


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
    result: BatchResult,
    labels: tuple[str, ...],
    threshold: float | None,
    stats: ScoringStats | None,
) -> Iterator[ScoredParagraph]:
    proba, tops, unknown, languages = result
    if stats is not None:
        for row in unknown:
            stats.unknown.add(_unit_name(batch[row]))
        count_unsupported(languages, proba, stats.unsupported)
    names, margins = decide(proba, labels, threshold)
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
            yield (pipeline, [u.text for u in batch], explain, features, [u.doc_id for u in batch])

    done = 0
    for result in runner.map(predict_batch, tasks()):
        batch = pending.popleft()
        yield from _to_scored(batch, result, labels, threshold, stats)
        done += len(batch)
        if on_progress:
            on_progress(done)


def document_label(
    shares: dict[str, float], means: dict[str, float], labels: tuple[str, ...]
) -> str:
    """A document's label, from its paragraphs' labels.

    The stance (decriminalisation or abolitionist) that more paragraphs carry, ties going to the
    higher mean probability; a document with no stance paragraph is ``neutral`` if any paragraph
    is neutral, else ``uncertain`` (every paragraph below the threshold). So a document of
    neutral and uncertain paragraphs is never given a side.
    """
    stances = [label for label in labels if label in STANCES and shares.get(label, 0.0) > 0]
    if stances:
        return max(stances, key=lambda label: (shares[label], means[label]))
    if shares.get(NEUTRAL, 0.0) > 0:
        return NEUTRAL
    return UNCERTAIN


def summarise_paragraphs(
    paragraphs: list[ScoredParagraph], labels: tuple[str, ...], abstains: bool
) -> DocumentSummary:
    """Summarise one document's scored paragraphs: its label (:func:`document_label`), the share
    of paragraphs per label (``uncertain`` too if ``abstains``), the mean probabilities."""
    n = len(paragraphs)
    scored = [p for p in paragraphs if p.label != UNSUPPORTED]
    means = {
        label: sum(p.probabilities[label] for p in scored) / len(scored) if scored else float("nan")
        for label in labels
    }
    shown = labels + ((UNCERTAIN,) if abstains else ())
    shares = {label: sum(p.label == label for p in paragraphs) / n for label in shown}
    languages = [p.language for p in paragraphs if p.language is not None]
    return DocumentSummary(
        doc_id=paragraphs[0].doc_id,
        date=paragraphs[0].date,
        paragraphs=n,
        label=document_label(shares, means, labels) if scored else UNSUPPORTED,
        label_shares=shares,
        mean_probabilities=means,
        extra=paragraphs[0].extra,
        language=max(set(languages), key=languages.count) if languages else None,
    )


class DocumentAggregator:
    """Summarise a stream of scored paragraphs (documents contiguous) document by document;
    a paragraph with index 0 or ``None`` starts a new document (see :func:`starts_document`).

    ``add`` returns the summary of the previous document when a new one starts; ``finish``
    returns the last one.
    """

    def __init__(self, labels: tuple[str, ...], abstains: bool) -> None:
        self.labels, self.abstains = labels, abstains
        self._current: list[ScoredParagraph] = []

    def add(self, paragraph: ScoredParagraph) -> DocumentSummary | None:
        done = None
        if self._current and starts_document(paragraph):
            done = self.finish()
        self._current.append(paragraph)
        return done

    def finish(self) -> DocumentSummary | None:
        paragraphs, self._current = self._current, []
        return summarise_paragraphs(paragraphs, self.labels, self.abstains) if paragraphs else None
