"""Score one batch of texts and decide each row's label: the step every scoring route shares
(``stancekit predict``'s stream, whole Parquet tables, Dask partitions).

:func:`score_batch` is the one "score a batch of units" function of every route: it scores the
texts (:func:`predict_batch`: each text with its language's model when given a
:class:`~stancekit.model.bundle.LanguageRouter`), moves each paragraph toward its document
(:func:`document_prior`, when the batch holds whole documents), and decides each label
(:func:`decide`: the most probable label, ``uncertain`` below a threshold, ``unsupported`` for a
text in a language with no model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from stancekit.labels import UNCERTAIN
from stancekit.language import UNSUPPORTED
from stancekit.model.vectorize import FastWordFeatures, predict_proba_and_coverage


class BatchResult(NamedTuple):
    """What scoring one batch gives: probabilities (NaN rows: no model for the language), each
    label's top terms (with ``explain``), the rows in which the model knows no word (their label
    is only its prior), and the language of each row (``None`` for a model without languages)."""

    proba: Any
    tops: list | None
    unknown_rows: list[int]
    languages: list[str] | None = None


def _explain_tops(pipeline: Any, texts: list[str], explain: int) -> list[dict]:
    from stancekit.model.explain import explain_texts

    return [
        {label: e.top(label, explain) for label in e.contributions}
        for e in explain_texts(pipeline, texts)
    ]


def predict_batch(
    pipeline: Any,
    texts: list[str],
    explain: int,
    features: FastWordFeatures | None = None,
    groups: list[str] | None = None,
) -> BatchResult:
    """Score ``texts`` (through ``features`` when given: same numbers, faster). A
    :class:`~stancekit.model.bundle.LanguageRouter` scores each text with its language's model;
    ``groups`` (the document of each text) lets short texts take their document's language.

    A module-level function so that joblib workers can run it.
    """
    languages = None
    if hasattr(pipeline, "languages_of"):
        languages = pipeline.languages_of(texts, groups)
        proba, known = pipeline.score(texts, languages)
    else:
        proba, known = predict_proba_and_coverage(pipeline, texts, features)
    unknown = [] if known is None else (known == 0).nonzero()[0].tolist()
    if not explain:
        return BatchResult(proba, None, unknown, languages)
    if languages is None:
        return BatchResult(proba, _explain_tops(pipeline, texts, explain), unknown, languages)
    labels = [str(c) for c in pipeline.classes_]
    tops: list[dict] = [{label: [] for label in labels} for _ in texts]
    for code in sorted(set(languages) & set(pipeline.languages)):
        rows = [i for i, lang in enumerate(languages) if lang == code]
        found = _explain_tops(pipeline.model(code), [texts[i] for i in rows], explain)
        for row, top in zip(rows, found, strict=True):
            tops[row] = top
    return BatchResult(proba, tops, unknown, languages)


def decide(
    proba: Any, labels: tuple[str, ...], threshold: float | None
) -> tuple[list[str], list[float]]:
    """Each row's label and margin: the most probable label, ``uncertain`` below ``threshold``,
    ``unsupported`` (margin NaN) for a NaN row (a language the model has no model for). The one
    label rule of every scoring route."""
    import numpy as np

    missing = np.isnan(proba).any(axis=1) if proba.size else np.zeros(len(proba), dtype=bool)
    filled = np.where(missing[:, None], 0.0, proba)
    best = filled.argmax(axis=1)
    ordered = np.sort(filled, axis=1)
    top = ordered[:, -1]
    margins = ordered[:, -1] - ordered[:, -2] if proba.shape[1] > 1 else top
    margins = np.where(missing, np.nan, margins)
    names = np.asarray(labels, dtype=object)[best]
    if threshold is not None:
        names[top < threshold] = UNCERTAIN
    names[missing] = UNSUPPORTED
    return names.tolist(), margins.tolist()


def count_unsupported(languages: list[str] | None, proba: Any, counts: dict[str, int]) -> None:
    """Add the rows of ``proba`` that no model scored to ``counts``, per language."""
    if languages is None:
        return
    import numpy as np

    for row in np.isnan(proba).any(axis=1).nonzero()[0].tolist():
        code = languages[row]
        counts[code] = counts.get(code, 0) + 1


def document_prior(proba: Any, groups: Sequence[Any], alpha: float) -> Any:
    """``proba`` with each row moved toward the mean of the other rows of its group.

    Parameters
    ----------
    proba : ndarray of shape (n, k)
        Probabilities; NaN rows are left as they are and do not count in any mean.
    groups : sequence
        The document of each row.
    alpha : float
        Weight of the document's mean (0: no change).
    """
    import numpy as np

    proba = np.asarray(proba, dtype=np.float64)
    if alpha == 0 or len(proba) < 2:
        return proba
    scored = ~np.isnan(proba).any(axis=1)
    keys: dict[Any, int] = {}
    index = np.fromiter((keys.setdefault(g, len(keys)) for g in groups), dtype=np.int64)
    sums = np.zeros((len(keys), proba.shape[1]))
    np.add.at(sums, index[scored], proba[scored])
    counts = np.bincount(index[scored], minlength=len(keys)).astype(np.float64)
    others = counts[index] - 1
    moved = scored & (others > 0)
    if not moved.any():
        return proba
    out = proba.copy()
    mean = (sums[index[moved]] - proba[moved]) / others[moved][:, None]
    logits = np.log(np.clip(proba[moved], 1e-12, 1.0)) + alpha * np.log(np.clip(mean, 1e-12, 1.0))
    logits -= logits.max(axis=1, keepdims=True)
    mixed = np.exp(logits)
    out[moved] = mixed / mixed.sum(axis=1, keepdims=True)
    return out


class ScoredBatch(NamedTuple):
    """A scored batch: probabilities (after the document prior, if any), each row's label and
    margin, each label's top terms (with ``explain``), the rows in which the model knows no
    word, and each row's language (``None`` for a model without languages)."""

    proba: Any
    labels: list[str]
    margins: list[float]
    tops: list | None
    unknown_rows: list[int]
    languages: list[str] | None


def score_batch(
    pipeline: Any,
    texts: list[str],
    labels: tuple[str, ...],
    threshold: float | None,
    explain: int = 0,
    features: FastWordFeatures | None = None,
    groups: list[str] | None = None,
    documents: Sequence[Any] | None = None,
    alpha: float = 0.0,
) -> ScoredBatch:
    """Score a batch of units and decide each one's label: the stream's batches (on any engine:
    a module-level function, so that workers can run it) and a whole table's partitions.

    Parameters
    ----------
    pipeline : fitted pipeline or LanguageRouter
    texts : list of str
        The units' texts.
    labels : tuple of str
        The model's labels, in its column order.
    threshold : float, optional
        Below this highest probability the label is ``"uncertain"``.
    explain : int
        Each label's top terms per row (0: none).
    features : FastWordFeatures, optional
        The pipeline's fast vectorizer path (same numbers, faster).
    groups : list of str, optional
        The document id of each text (a short text takes its document's language).
    documents, alpha : sequence, float
        The document of each row and the prior's weight (:func:`document_prior`): every route's
        batches hold their documents whole (:func:`stancekit.scoring.core.score_documents`).
    """
    result = predict_batch(pipeline, texts, explain, features, groups)
    proba = result.proba
    if alpha and documents is not None:
        proba = document_prior(proba, documents, alpha)
    names, margins = decide(proba, labels, threshold)
    return ScoredBatch(proba, names, margins, result.tops, result.unknown_rows, result.languages)
