"""``StancePredictor``: score texts and documents with a trained model.

A predictor holds a model and its card and nothing else: no caches, no global state. The model
is the portable one (:class:`stancekit.model.portable.scorer.PortableModel`, loaded from data
files, scored with numpy alone) unless the caller trusts and asks for the pickled scikit-learn
pipeline.
Prediction only reads the model, so one predictor can serve many threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import InputError
from stancekit.scoring.aggregate import group_documents, summarise_paragraphs
from stancekit.scoring.batch import decide
from stancekit.scoring.checks import checked_documents, checked_texts
from stancekit.scoring.options import DEFAULT_BATCH_SIZE, ScoreOptions
from stancekit.scoring.read import SourceRecord
from stancekit.scoring.rows import ScoredParagraph, ScoringStats
from stancekit.scoring.stream import score_records

if TYPE_CHECKING:
    import numpy as np

    from stancekit.model.explain import Explanation
    from stancekit.model.persist import ModelCard


@dataclass(frozen=True)
class StancePrediction:
    """The stance of one text.

    Attributes
    ----------
    label : str
        The most probable label, ``"uncertain"`` when a threshold was given and no label
        reaches it, or ``"unsupported"`` when the text is in a language the model has no model
        for.
    probabilities : dict of str to float
        The probability of every label, in the model's label order (NaN when unsupported).
    language : str
        The language the text was scored as (ISO 639-1).
    """

    label: str
    probabilities: dict[str, float]
    language: str | None = None


@dataclass(frozen=True)
class DocumentScore:
    """A document's scored paragraphs and their aggregate.

    Attributes
    ----------
    paragraphs : list of ScoredParagraph
        Label, probabilities and margin of each paragraph, in order.
    label : str
        The document's label from its paragraphs' labels
        (:func:`stancekit.scoring.aggregate.document_label`):
        the stance more paragraphs carry; neutral or uncertain when no paragraph has a stance.
    label_shares : dict of str to float
        Share of paragraphs predicted as each label (and as ``"uncertain"`` with a threshold).
    mean_probabilities : dict of str to float
        Mean probability of each label over the paragraphs.
    """

    doc_id: str
    date: str | None
    paragraphs: list[ScoredParagraph]
    label: str
    label_shares: dict[str, float]
    mean_probabilities: dict[str, float]


_checked = checked_texts


class StancePredictor:
    """Predict the stance of texts with a fitted TF-IDF + logistic-regression model.

    Parameters
    ----------
    pipeline : PortableModel or sklearn Pipeline
        The model: a :class:`~stancekit.model.portable.scorer.PortableModel` or a fitted pipeline,
        anything with ``predict_proba`` and ``classes_``.
    card : ModelCard, optional
        The model's card, when it was loaded from disk. Its ``language`` is the language of
        ``pipeline`` (English without a card).
    languages : dict of str to Path, optional
        Models of further languages: code -> model folder, loaded when a text needs one.
    language : str, optional
        Score every text as this language instead of identifying each text's language.
    trust_pickle : bool
        Load the further languages' pickled pipelines, as ``pipeline`` was.

    Notes
    -----
    Every text is scored by the model of its language, identified per text
    (:mod:`stancekit.language`). A text in a language with no model gets NaN probabilities from
    :meth:`predict_proba` and the label ``"unsupported"`` from :meth:`predict`: never a side,
    never a confident neutral.

    Attributes
    ----------
    pipeline : PortableModel or sklearn Pipeline
        The model (the name is kept from when it was always a pipeline).
    features : FastWordFeatures or None
        The exact, faster vectorizer path for this pipeline (see
        :mod:`stancekit.model.vectorize`), or ``None`` when the pipeline's vectorizer is not one
        it covers.
    router : LanguageRouter
        Scores each text with its language's model (:mod:`stancekit.model.bundle`).
    document_prior : float
        Weight of a document's other paragraphs on each paragraph's score in
        :meth:`score_documents` and ``stancekit predict``
        (:func:`stancekit.scoring.batch.document_prior`; the card's ``train.document_prior``, 0
        for cards without one). Texts given one by one to
        :meth:`predict` are scored alone.

    Examples
    --------
    >>> predictor = StancePredictor.load()                      # doctest: +SKIP
    >>> predictor.predict(["Sex work is work."])[0].label       # doctest: +SKIP
    'decriminalisation'
    """

    def __init__(
        self,
        pipeline: Any,
        card: ModelCard | None = None,
        *,
        languages: dict[str, Path] | None = None,
        language: str | None = None,
        trust_pickle: bool = False,
        document_prior: float | None = None,
    ) -> None:
        from stancekit.model.bundle import LanguageRouter

        if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "classes_"):
            raise TypeError("pipeline must be a fitted classifier with predict_proba and classes_")
        self.pipeline = pipeline
        self.card = card
        self.router = LanguageRouter(
            card.language if card is not None else "en",
            pipeline,
            languages,
            language=language,
            trust_pickle=trust_pickle,
        )
        # The same numbers as pipeline.predict_proba, faster (see stancekit.model.vectorize): built
        # once, by the router.
        self.features = self.router.features(self.router.main_language)
        if document_prior is None:
            params = card.params if card is not None else {}
            document_prior = float(params.get("document_prior", 0.0))
        self.document_prior = document_prior

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        trust_pickle: bool = False,
        language: str | None = None,
        paragraph_only: bool = False,
    ) -> StancePredictor:
        """Load a saved model: a model directory (or a file in it).

        Parameters
        ----------
        path : path, optional
            The model folder. By default, the first of ``$STANCEKIT_MODEL``, ``models/`` of the
            project the current folder is in, and the default model installed with stancekit
            (:func:`stancekit.model.locate.locate_model` says which and why).
        trust_pickle : bool
            Load the pickled scikit-learn pipeline (``model.joblib``) instead of the portable
            files. Unpickling runs any code the file holds: only for models from a source you
            trust. Without it nothing is unpickled and scikit-learn is not imported.
        language : str, optional
            Score every text as this language (ISO 639-1 code) instead of identifying it; the
            model must read it.
        paragraph_only : bool
            Score each paragraph of a document alone, without the document prior
            (:func:`stancekit.scoring.batch.document_prior`).

        Raises
        ------
        ModelNotFoundError, ModelLoadError
            No model, or files that are corrupt, replaced or break the schema.
        UntrustedModelError
            The model has no portable form and ``trust_pickle`` is not set.
        """
        from stancekit.model.bundle import language_folders
        from stancekit.model.locate import resolve_model_dir
        from stancekit.model.persist import load_model, load_portable_model

        if trust_pickle:
            pipeline, card = load_model(path, trust_pickle=True)
        else:
            pipeline, card = load_portable_model(path)
        return cls(
            pipeline,
            card,
            languages=language_folders(resolve_model_dir(path)),
            language=language,
            trust_pickle=trust_pickle,
            document_prior=0.0 if paragraph_only else None,
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in the column order of :meth:`predict_proba`."""
        return tuple(str(label) for label in self.pipeline.classes_)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model reads (ISO 639-1 codes), its main language first."""
        return self.router.languages

    def identify(self, texts: Sequence[str]) -> list[str]:
        """The language each text is scored as (forced, or identified: see
        :mod:`stancekit.language`)."""
        return self.router.languages_of(list(_checked(texts)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(self.labels))``, columns in ``labels`` order.

        A text in a language the model has no model for gets a row of NaN (see
        :attr:`languages`; :meth:`predict` labels it ``"unsupported"``).
        """
        texts = list(_checked(texts))
        if not texts:
            raise InputError("no texts to score: pass at least one non-empty text.")
        return self.router.predict_proba(texts)

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
        texts = list(_checked(texts))
        if not texts:
            raise InputError("no texts to score: pass at least one non-empty text.")
        return list(self.iter_predict(texts, batch_size=len(texts), threshold=threshold))

    def iter_predict(
        self,
        texts: Iterable[str],
        batch_size: int = DEFAULT_BATCH_SIZE,
        threshold: float | None = None,
    ) -> Iterator[StancePrediction]:
        """Predict a stream of texts lazily, ``batch_size`` at a time (memory stays bounded).

        Works on unbounded iterables (a file read line by line, a database cursor). Each text is
        scored as given: not segmented and with no document prior, so this calls the model and
        the one label rule (:func:`~stancekit.scoring.batch.decide`) directly, not the document
        core (:func:`stancekit.scoring.core.score_documents`, which :meth:`score_documents` and
        ``stancekit predict`` use).
        """
        if batch_size < 1:
            raise InputError(f"batch_size must be at least 1, got {batch_size}.")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold must be between 0 and 1, got {threshold}.")
        labels = self.labels
        stream = _checked(texts)
        while batch := list(islice(stream, batch_size)):
            languages = self.router.languages_of(batch)
            proba, _ = self.router.score(batch, languages)
            names, _ = decide(proba, labels, threshold)
            for name, row, language in zip(names, proba.tolist(), languages, strict=True):
                yield StancePrediction(
                    label=name,
                    probabilities=dict(zip(labels, row, strict=True)),
                    language=language,
                )

    def explain(self, texts: Sequence[str]) -> list[Explanation]:
        """Exact term contributions behind each text's score (see
        :mod:`stancekit.model.explain`)."""
        from stancekit.model.explain import explain_texts

        texts = list(_checked(texts))
        if not texts:
            raise InputError("no texts to explain: pass at least one non-empty text.")
        return explain_texts(self.pipeline, texts)

    def score_documents(
        self,
        documents: Iterable[tuple[str, str]],
        threshold: float | None = None,
        unit: str = "paragraph",
    ) -> list[DocumentScore]:
        """Split each ``(doc_id, text)`` into paragraphs (or keep it whole with
        ``unit="document"``), score them, and aggregate per document.

        Raises
        ------
        InputError
            If a document is empty.
        """
        stats = ScoringStats()
        records = (SourceRecord(doc_id, text) for doc_id, text in checked_documents(documents))
        options = ScoreOptions(unit=unit, threshold=threshold)
        alpha = self.document_prior
        scored = list(score_records(self.router, records, options, alpha=alpha, stats=stats))
        if stats.empty.count:
            raise InputError(f"{stats.empty.examples[0]}: empty document, nothing to score.")
        if not scored:
            raise InputError("no documents to score.")
        results = []
        for paragraphs in group_documents(scored):
            summary = summarise_paragraphs(paragraphs, self.labels, threshold is not None)
            results.append(
                DocumentScore(
                    summary.doc_id,
                    summary.date,
                    paragraphs,
                    summary.label,
                    summary.label_shares,
                    summary.mean_probabilities,
                )
            )
        return results
