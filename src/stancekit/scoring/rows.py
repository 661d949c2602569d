"""The shapes every scoring stage passes on: a unit to score (:class:`Unit`), a scored unit
(:class:`ScoredParagraph`), a scored batch of them as columns (:class:`ScoredRows`), a
document's summary (:class:`DocumentSummary`), and what a run, a batch or a partition saw
(:class:`ScoringStats`, which adds up with ``+``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from stancekit.errors import InputError
from stancekit.scoring.segment import DEFAULT_MAX_CHARS


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


class ScoredRows(NamedTuple):
    """A scored batch of the stream as columns (one entry per unit), handed to a writer whole:
    the rows :meth:`paragraphs` gives, one at a time, without building them.

    ``names`` are the model's labels, the column order of ``proba`` (a float matrix, NaN for a
    language the model does not read); ``labels`` each row's label; ``tops`` each row's
    explanation (or ``None`` without ``explain``); ``languages`` each row's language (or
    ``None`` for a model without languages); ``extras`` each row's pass-through values.
    """

    names: tuple[str, ...]
    doc_ids: list[str]
    indices: list[int | None]
    texts: list[str]
    dates: list[str | None]
    labels: list[str]
    proba: Any
    margins: list[float]
    tops: list[dict[str, list[tuple[str, float]]]] | None
    languages: list[str | None] | None
    extras: list[dict[str, Any]]

    def paragraphs(self) -> Iterator[ScoredParagraph]:
        """The batch's rows, in order."""
        names, tops, languages = self.names, self.tops, self.languages
        for i, values in enumerate(self.proba.tolist()):
            yield ScoredParagraph(
                self.doc_ids[i],
                self.indices[i],
                self.texts[i],
                self.dates[i],
                self.labels[i],
                dict(zip(names, values, strict=True)),
                self.margins[i],
                self.extras[i],
                None if tops is None else tops[i],
                None if languages is None else languages[i],
            )


@dataclass(frozen=True)
class DocumentSummary:
    """Per-document aggregate: label (:func:`~stancekit.scoring.aggregate.document_label`),
    shares, means (over the paragraphs in a language the model reads), and the language most of
    its paragraphs are in."""

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

    @classmethod
    def of(cls, names: list[str], count: int | None = None) -> Tally:
        """A tally of ``names`` (or of ``count`` names, the first of which are ``names``)."""
        tally = cls(len(names) if count is None else count)
        tally.examples = names[: tally.keep]
        return tally

    def add(self, name: str) -> None:
        self.count += 1
        if len(self.examples) < self.keep:
            self.examples.append(name)

    def describe(self) -> str:
        """``"a, b, c"`` or ``"a, b, c, d, e ..."``."""
        return ", ".join(self.examples) + (" ..." if self.count > len(self.examples) else "")

    def __add__(self, other: Tally) -> Tally:
        """Both counts, and the first few names of ``self`` then ``other``."""
        if not isinstance(other, Tally):
            return NotImplemented
        examples = (self.examples + other.examples)[: self.keep]
        return Tally(self.count + other.count, examples, self.keep)


@dataclass
class ScoringStats:
    """What a run (or a batch, or a partition) saw: documents, units scored, the ids of empty
    inputs it skipped, the units (``doc_id#paragraph``) in which the model knew no word, and the
    documents with a paragraph longer than ``max_chars`` that was split (``split``: one count
    per paragraph). Every route returns one; partitions' stats add up with ``+`` (and
    ``sum(..., ScoringStats())``).

    Attributes
    ----------
    documents : int
        Input documents (table rows), empty ones included.
    units : int
        Paragraphs (or documents) scored: the output rows.
    empty, unknown, split, bad_dates : Tally
        Empty inputs skipped; units with no word the model knows (their label is only its
        prior); paragraphs split at ``max_chars``; documents whose date cell is not a date.
    max_chars : int
        The length at which paragraphs were split.
    unsupported : dict of str to int
        Units in a language the model has no model for, per language code.
    """

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

    def __add__(self, other: ScoringStats) -> ScoringStats:
        """Both stats added up: counts summed, the first few names kept, languages in order of
        their codes; ``max_chars`` is ``self``'s (``other``'s when ``self`` saw no document,
        so that ``sum(parts, ScoringStats())`` keeps the parts' length)."""
        if not isinstance(other, ScoringStats):
            return NotImplemented
        return ScoringStats(
            self.documents + other.documents,
            self.units + other.units,
            self.empty + other.empty,
            self.unknown + other.unknown,
            self.split + other.split,
            other.max_chars if self.documents == 0 else self.max_chars,
            {
                code: self.unsupported.get(code, 0) + other.unsupported.get(code, 0)
                for code in sorted({*self.unsupported, *other.unsupported})
            },
            self.bad_dates + other.bad_dates,
        )

    def __radd__(self, other: Any) -> ScoringStats:
        return self if other == 0 else self.__add__(other)

    def __iadd__(self, other: ScoringStats) -> ScoringStats:
        """``other`` added in place: whoever holds these stats (the caller of a stream) sees
        every batch counted as it is scored."""
        total = self.__add__(other)
        if total is NotImplemented:
            return NotImplemented
        vars(self).update(vars(total))
        return self


@dataclass(frozen=True)
class PartitionResult:
    """The scored rows of a partition (a ``pyarrow.Table`` in
    :func:`~stancekit.scoring.columns.arrow_schema`) and what it held."""

    table: Any
    stats: ScoringStats


def nothing(verb: str) -> InputError:
    """The error of a run whose every input was empty."""
    return InputError(f"nothing to {verb}: every input was empty.")
