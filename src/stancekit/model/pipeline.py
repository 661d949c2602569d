"""What a stancekit model is, and how one is fitted.

A model is a scikit-learn ``Pipeline([("tfidf", TfidfVectorizer), ("clf", classifier)])``. The
classifier is a ``LogisticRegression``, or, with ``train.calibration`` set, a
``CalibratedClassifierCV`` around one: its probabilities are recalibrated (Platt's sigmoid or
isotonic) on out-of-fold scores from folds that keep each document on one side, and its
predictions come from the logistic regression fitted on all rows (``ensemble=False``).
:func:`linear_step` gives the logistic regression either way (weights, explanations).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stancekit.errors import DataError
from stancekit.params import TrainParams

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline


#: English function words left out with ``train.stop_words: function``: scikit-learn's English
#: stop-word list without the words that carry stance (negations, "against", "without", ...).
KEEP_FROM_STOP_WORDS = frozenset(
    {"not", "no", "nor", "against", "without", "never", "cannot", "none", "nobody", "nothing"}
)


def stop_word_list(setting: str | None, strip_accents: str | None = "unicode") -> list[str] | None:
    """The stop words of a ``train.stop_words`` setting: ``None``, ``english``, ``function``, or
    a language's list from the ``stop-words`` package (``french``, ...), given as the tokens the
    vectorizer makes of them (accents stripped as ``strip_accents`` strips them), so that the
    list matches the text it filters."""
    if setting is None:
        return None
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if setting in ("english", "function"):
        words = (
            ENGLISH_STOP_WORDS
            if setting == "english"
            else ENGLISH_STOP_WORDS - KEEP_FROM_STOP_WORDS
        )
        return sorted(words)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from stop_words import get_stop_words

    vectorizer = TfidfVectorizer(strip_accents=strip_accents)
    preprocess, tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
    return sorted(
        {token for word in get_stop_words(setting) for token in tokenize(preprocess(word))}
    )


def build_pipeline(params: TrainParams, calibration_cv: Any = None) -> Pipeline:
    """An unfitted pipeline configured by ``params``.

    Parameters
    ----------
    params : TrainParams
        Vectoriser and classifier settings.
    calibration_cv : int or iterable of (train, test) index pairs, optional
        Folds for the calibration's out-of-fold scores; required when ``params.calibration`` is
        set.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    classifier: Any = LogisticRegression(
        C=params.C,
        class_weight=params.class_weight,
        max_iter=params.max_iter,
        solver=params.solver,
        random_state=params.seed,
    )
    if params.calibration is not None:
        from sklearn.calibration import CalibratedClassifierCV

        classifier = CalibratedClassifierCV(
            classifier, method=params.calibration, cv=calibration_cv, ensemble=False
        )
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    analyzer=params.analyzer,
                    ngram_range=tuple(params.ngram_range),
                    min_df=params.min_df,
                    max_df=params.max_df,
                    sublinear_tf=params.sublinear_tf,
                    strip_accents=params.strip_accents,
                    stop_words=stop_word_list(params.stop_words, params.strip_accents)
                    if params.analyzer == "word"
                    else None,
                ),
            ),
            ("clf", classifier),
        ]
    )


def linear_step(pipeline: Any) -> Any:
    """The fitted logistic regression of a model (inside its calibration, if any)."""
    classifier = pipeline.named_steps["clf"]
    calibrated = getattr(classifier, "calibrated_classifiers_", None)
    return calibrated[0].estimator if calibrated else classifier


def select_labels(
    texts: Sequence[str], labels: Sequence[str], keep: Sequence[str], groups: Sequence[str]
) -> tuple[list[str], list[str], list[str]]:
    """Keep only the rows whose label is in ``keep``."""
    rows = [(t, y, g) for t, y, g in zip(texts, labels, groups, strict=True) if y in keep]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def select_weights(
    weights: Sequence[float] | None, labels: Sequence[str], keep: Sequence[str]
) -> list[float] | None:
    """The weights of the rows :func:`select_labels` keeps (``None`` stays ``None``)."""
    if weights is None:
        return None
    return [w for w, y in zip(weights, labels, strict=True) if y in keep]


def calibration_folds(
    labels: Sequence[str], groups: Sequence[str], params: TrainParams
) -> list[tuple[Any, Any]]:
    """Document-grouped folds for the calibration's out-of-fold scores: ``calibration_folds``, or
    fewer when a label occurs in fewer documents (every label must stay in every training fold).

    Raises
    ------
    DataError
        If a label occurs in only one document: its out-of-fold scores cannot be had.
    """
    import numpy as np

    from stancekit.model.folds import group_folds

    documents_per_label: dict[str, set[str]] = {}
    for label, group in zip(labels, groups, strict=True):
        documents_per_label.setdefault(label, set()).add(group)
    fewest = min(documents_per_label.items(), key=lambda item: len(item[1]))
    if len(fewest[1]) < 2:
        raise DataError(
            f"label {fewest[0]!r} occurs in one document only: calibration needs every label in "
            "at least two documents. Add documents, or set train.calibration: null."
        )
    folds = min(params.calibration_folds, len(fewest[1]))
    return [
        (np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64))
        for train, test in group_folds(labels, groups, folds, params.seed)
    ]


def fit_pipeline(
    texts: Sequence[str],
    labels: Sequence[str],
    params: TrainParams,
    groups: Sequence[str] | None = None,
    sample_weight: Sequence[float] | None = None,
) -> Pipeline:
    """Fit a model on the rows whose labels are in ``params.labels`` (other rows are ignored).

    Parameters
    ----------
    texts, labels : sequences of str
        Training paragraphs and their labels.
    params : TrainParams
        Model settings.
    groups : sequence of str, optional
        Document of each row: calibration folds keep a document on one side. Default: each row
        its own document.
    sample_weight : sequence of float, optional
        Weight of each row, passed to the logistic regression and to the calibration (its
        out-of-fold fits and the calibrator). Default: every row weighs the same.

    Raises
    ------
    DataError
        If fewer than two of the wanted labels occur, the model does not converge, or the
        vectoriser keeps no term.
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    if groups is None:
        groups = [str(i) for i in range(len(texts))]
    weights = select_weights(sample_weight, labels, params.labels)
    texts, labels, groups = select_labels(texts, labels, params.labels, groups)
    present = sorted(set(labels))
    if len(present) < 2:
        raise DataError(
            f"training data has label(s) {present} only; train.labels wants {list(params.labels)}: "
            "add labelled paragraphs of every class."
        )
    cv = calibration_folds(labels, groups, params) if params.calibration is not None else None
    pipeline = build_pipeline(params, cv)
    try:
        # One BLAS thread: the solver's sums then run in one order, so the same data give the
        # same model bytes whatever the machine's (or a parent process's) thread settings.
        with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
            warnings.simplefilter("error", ConvergenceWarning)
            if weights is None:
                pipeline.fit(texts, labels)
            else:
                pipeline.fit(texts, labels, clf__sample_weight=weights)
    except ConvergenceWarning:
        raise DataError(
            f"logistic regression did not converge in {params.max_iter} iterations: "
            "raise train.max_iter in params.yaml."
        ) from None
    except ValueError as exc:  # e.g. min_df/max_df leave no terms on a tiny corpus
        raise DataError(f"cannot fit the model: {exc}. Adjust min_df/max_df or add data.") from None
    if params.calibration is not None:
        pipeline.named_steps["clf"].cv = params.calibration_folds  # the folds, not their indexes
    drop_process_specific_state(pipeline.named_steps["tfidf"])
    return pipeline


def drop_process_specific_state(vectorizer: object) -> None:
    """Remove vectorizer attributes that differ from process to process, so that the same data and
    seed give a byte-identical model file.

    ``stop_words_`` (terms cut by min_df/max_df) is for introspection only and is a set whose
    pickled order follows hash randomisation; ``_stop_words_id`` caches ``id()`` of the stop-word
    list to skip a re-check (set again by every ``transform``). Neither affects predictions.
    """
    vectorizer.stop_words_ = None  # type: ignore[attr-defined]
    if hasattr(vectorizer, "_stop_words_id"):
        del vectorizer._stop_words_id  # type: ignore[attr-defined]


def uncalibrated(pipeline: Any) -> Any:
    """The model without its calibration (the model itself if it has none); a
    :class:`~stancekit.model.portable.scorer.PortableModel` gives its own uncalibrated view."""
    if hasattr(pipeline, "uncalibrated"):
        return pipeline.uncalibrated()
    from sklearn.pipeline import Pipeline

    linear = linear_step(pipeline)
    if linear is pipeline.named_steps["clf"]:
        return pipeline
    return Pipeline([("tfidf", pipeline.named_steps["tfidf"]), ("clf", linear)])
