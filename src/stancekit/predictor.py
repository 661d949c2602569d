"""``StancePredictor``: score paragraphs and documents with a trained model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.labels import UNCERTAIN
from stancekit.segment import segment_document

if TYPE_CHECKING:
    import numpy as np

    from stancekit.persist import ModelCard


@dataclass(frozen=True)
class StancePrediction:
    """The stance of one text.

    Attributes
    ----------
    label : str
        The most probable label, or ``"uncertain"`` when a threshold was given and no label
        reaches it.
    probabilities : dict of str to float
        The probability of every label, in the model's label order.
    """

    label: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class ParagraphScore:
    """One paragraph of a document, with its prediction."""

    doc_id: str
    paragraph_index: int
    text: str
    prediction: StancePrediction


@dataclass(frozen=True)
class DocumentScore:
    """A document's paragraphs and their aggregate.

    Attributes
    ----------
    label : str
        The label with the highest mean probability over the document's paragraphs.
    label_shares : dict of str to float
        Share of paragraphs predicted as each label (and as ``"uncertain"`` with a threshold).
    mean_probabilities : dict of str to float
        Mean probability of each label over the paragraphs.
    """

    doc_id: str
    date: str | None
    paragraphs: list[ParagraphScore]
    label: str
    label_shares: dict[str, float]
    mean_probabilities: dict[str, float]


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("pass a list of texts, not a single string: predict([text]).")
    texts = list(texts)
    if not texts:
        raise InputError("no texts to score: pass at least one non-empty text.")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"text {index} is {type(text).__name__}, not str.")
        if not text.strip():
            raise InputError(f"text {index} is empty: remove it or give it some words.")
    return texts


class StancePredictor:
    """Predict the stance of texts with a fitted TF-IDF + logistic-regression pipeline.

    Parameters
    ----------
    pipeline : sklearn Pipeline
        A fitted pipeline with ``predict_proba`` and ``classes_``.
    card : ModelCard, optional
        The model's card, when it was loaded from disk.

    Examples
    --------
    >>> predictor = StancePredictor.load()                      # doctest: +SKIP
    >>> predictor.predict(["Sex work is work."])[0].label       # doctest: +SKIP
    'decriminalisation'
    """

    def __init__(self, pipeline: Any, card: ModelCard | None = None) -> None:
        if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "classes_"):
            raise TypeError("pipeline must be a fitted classifier with predict_proba and classes_")
        self.pipeline = pipeline
        self.card = card

    @classmethod
    def load(cls, path: str | Path | None = None) -> StancePredictor:
        """Load a saved model: a model directory, its ``model.joblib``, or by default ``models/``
        (or ``$STANCEKIT_MODEL``)."""
        from stancekit.persist import load_model

        pipeline, card = load_model(path)
        return cls(pipeline, card)

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of :meth:`predict_proba`."""
        return tuple(str(label) for label in self.pipeline.classes_)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(self.labels))``, columns in ``labels`` order."""
        return self.pipeline.predict_proba(_check_texts(texts))

    def predict(
        self, texts: Sequence[str], threshold: float | None = None
    ) -> list[StancePrediction]:
        """The label and every label's probability for each text.

        Parameters
        ----------
        texts : sequence of str
            Non-empty texts.
        threshold : float, optional
            If given, a text whose highest probability is below it gets the label
            ``"uncertain"`` (its probabilities are kept).
        """
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold must be between 0 and 1, got {threshold}.")
        labels = self.labels
        predictions = []
        for row in self.predict_proba(texts):
            best = int(row.argmax())
            sure = threshold is None or row[best] >= threshold
            predictions.append(
                StancePrediction(
                    label=labels[best] if sure else UNCERTAIN,
                    probabilities={label: float(p) for label, p in zip(labels, row, strict=True)},
                )
            )
        return predictions

    def score_documents(
        self, documents: Iterable[tuple[str, str]], threshold: float | None = None
    ) -> list[DocumentScore]:
        """Split each ``(doc_id, text)`` into paragraphs, score them, and aggregate per document.

        ``threshold`` works as in :meth:`predict`; the document's label is always the label with
        the highest mean probability.

        Raises
        ------
        InputError
            If a document has no paragraphs.
        """
        segmented = []
        for doc_id, text in documents:
            doc = segment_document(text)
            if not doc.paragraphs:
                raise InputError(f"{doc_id}: empty document, nothing to score.")
            segmented.append((doc_id, doc))
        if not segmented:
            raise InputError("no documents to score.")
        flat = [p for _, doc in segmented for p in doc.paragraphs]
        predictions = self.predict(flat, threshold)
        results, start = [], 0
        for doc_id, doc in segmented:
            preds = predictions[start : start + len(doc.paragraphs)]
            start += len(doc.paragraphs)
            paragraphs = [
                ParagraphScore(doc_id, i, text, pred)
                for i, (text, pred) in enumerate(zip(doc.paragraphs, preds, strict=True))
            ]
            results.append(self._aggregate(doc_id, doc.date, paragraphs, threshold is not None))
        return results

    def _aggregate(
        self, doc_id: str, date: str | None, paragraphs: list[ParagraphScore], abstains: bool
    ) -> DocumentScore:
        n = len(paragraphs)
        shares = {
            label: sum(p.prediction.label == label for p in paragraphs) / n
            for label in self.labels + ((UNCERTAIN,) if abstains else ())
        }
        means = {
            label: sum(p.prediction.probabilities[label] for p in paragraphs) / n
            for label in self.labels
        }
        return DocumentScore(
            doc_id=doc_id,
            date=date,
            paragraphs=paragraphs,
            label=max(means, key=means.__getitem__),
            label_shares=shares,
            mean_probabilities=means,
        )
