"""The document prior on the stream of scored paragraphs (:func:`with_document_prior`): a
paragraph of a press release that reads like news, or a news paragraph dense with one side's
words, is read in the light of the rest of its document.

Each paragraph's probabilities are multiplied by the mean probabilities of the *other*
paragraphs of its document raised to ``alpha`` (``train.document_prior``), and renormalised:
``p'_i ∝ p_i · mean_{j≠i}(p_j)^alpha``. A paragraph alone (one text, a one-paragraph document,
``--unit document``) keeps its own score, and ``alpha = 0`` (``--paragraph-only``) is the
paragraph model itself. Paragraphs in a language the model does not read (NaN rows) neither get
nor give a prior.

Chosen by grouped cross-validation (``make bench-context``, README "Document context"): on the
English corpus the prior raised three-class macro-F1 by +0.019, +0.016 and +0.014 leaving out
documents, voices and genres, alpha 0.5 chosen inside every training fold.

:func:`stancekit.scoring.batch.document_prior` (on arrays) lives with the batch scorer, which
applies it to batches of whole documents; :func:`with_document_prior` applies it to the stream,
whose documents may span batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from stancekit.scoring.aggregate import group_documents
from stancekit.scoring.batch import decide, document_prior
from stancekit.scoring.rows import ScoredParagraph


def with_document_prior(
    scored: Iterable[ScoredParagraph],
    labels: tuple[str, ...],
    alpha: float,
    threshold: float | None,
) -> Iterator[ScoredParagraph]:
    """The stream of scored paragraphs with :func:`document_prior` applied within each input
    record (documents are contiguous), labels and margins decided again. Memory: one document."""
    import numpy as np

    if alpha == 0:
        yield from scored
        return
    for document in group_documents(scored):
        if len(document) < 2:
            yield from document
            continue
        proba = np.array([[p.probabilities[label] for label in labels] for p in document])
        moved = document_prior(proba, [0] * len(document), alpha)
        names, margins = decide(moved, labels, threshold)
        for p, row, name, margin in zip(document, moved.tolist(), names, margins, strict=True):
            yield p._replace(
                label=name, probabilities=dict(zip(labels, row, strict=True)), margin=margin
            )
