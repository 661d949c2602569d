"""Document rows from paragraph rows: each document's label (:func:`document_label`), the
share of its paragraphs per label and their mean probabilities, for a list of paragraphs or a
stream of them (:class:`DocumentAggregator`; documents are contiguous)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from stancekit.labels import NEUTRAL, STANCES, UNCERTAIN
from stancekit.language import UNSUPPORTED
from stancekit.scoring.rows import DocumentSummary, ScoredParagraph


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
        language=Counter(languages).most_common(1)[0][0] if languages else None,
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
