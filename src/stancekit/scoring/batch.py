"""Score one batch of texts and decide each row's label: the step every scoring route shares
(``stancekit predict``'s stream, whole Parquet tables, Dask partitions).

:func:`predict_batch` scores a batch (each text with its language's model when given a
:class:`~stancekit.model.bundle.LanguageRouter`); :func:`decide` turns probabilities into labels and
margins: the most probable label, ``uncertain`` below a threshold, ``unsupported`` for a text in
a language with no model.
"""

from __future__ import annotations

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
