"""The shapes every scoring stage passes on: a unit to score (:class:`Unit`), a scored unit
(:class:`ScoredParagraph`), a document's summary (:class:`DocumentSummary`), and what a run
saw (:class:`ScoringStats`; :class:`PartitionStats` for a table scored whole, which adds up
across partitions and converts to it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from stancekit.scoring.segment import DEFAULT_MAX_CHARS

if TYPE_CHECKING:
    import pandas as pd


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


_EXAMPLES = 5


@dataclass(frozen=True)
class PartitionStats:
    """What one partition held; partitions' stats add up with ``+`` (and ``sum(..., start)``).

    Attributes
    ----------
    rows : int
        Input rows (documents).
    units : int
        Paragraphs (or documents) scored: the output rows.
    empty : int
        Rows with no text, skipped.
    unknown : int
        Units in which the model knows no word (their label is only its prior).
    empty_examples, unknown_examples : tuple of str
        The first few ids of each (enough for a message).
    split, split_examples : int, tuple of str
        Paragraphs longer than ``max_chars`` that were split, and the first few documents.
    """

    rows: int = 0
    units: int = 0
    empty: int = 0
    unknown: int = 0
    empty_examples: tuple[str, ...] = field(default=(), compare=False)
    unknown_examples: tuple[str, ...] = field(default=(), compare=False)
    split: int = 0
    split_examples: tuple[str, ...] = field(default=(), compare=False)
    #: Units in a language the model has no model for, per language code.
    unsupported: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: PartitionStats) -> PartitionStats:
        if not isinstance(other, PartitionStats):
            return NotImplemented
        return PartitionStats(
            self.rows + other.rows,
            self.units + other.units,
            self.empty + other.empty,
            self.unknown + other.unknown,
            (self.empty_examples + other.empty_examples)[:_EXAMPLES],
            (self.unknown_examples + other.unknown_examples)[:_EXAMPLES],
            self.split + other.split,
            (self.split_examples + other.split_examples)[:_EXAMPLES],
            {
                code: self.unsupported.get(code, 0) + other.unsupported.get(code, 0)
                for code in sorted({*self.unsupported, *other.unsupported})
            },
        )

    def __radd__(self, other: Any) -> PartitionStats:
        return self if other == 0 else self.__add__(other)

    def scoring_stats(self) -> ScoringStats:
        """The same figures as the :class:`~stancekit.scoring.rows.ScoringStats` of
        ``predict``."""
        return ScoringStats(
            documents=self.rows,
            units=self.units,
            empty=Tally(self.empty, list(self.empty_examples)),
            unknown=Tally(self.unknown, list(self.unknown_examples)),
            split=Tally(self.split, list(self.split_examples)),
            unsupported=dict(self.unsupported),
        )


@dataclass(frozen=True)
class PartitionResult:
    """The scored rows of a partition (a pandas DataFrame) and what it held."""

    frame: pd.DataFrame
    stats: PartitionStats
