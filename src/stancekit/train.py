"""The ``train`` stage: fit TF-IDF + logistic regression and save it with its card."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from stancekit.corpus import read_split
from stancekit.errors import DataError
from stancekit.files import sha256_file
from stancekit.params import TrainParams
from stancekit.persist import DEFAULT_MODEL_DIR, ModelCard, save_model

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

DEFAULT_TRAIN_PATH = Path("data/prepared/train.jsonl")


def build_pipeline(params: TrainParams) -> Pipeline:
    """An unfitted ``Pipeline(TfidfVectorizer, LogisticRegression)`` configured by ``params``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=tuple(params.ngram_range),
                    min_df=params.min_df,
                    max_df=params.max_df,
                    sublinear_tf=params.sublinear_tf,
                    strip_accents="unicode",
                ),
            ),
            (
                "clf",
                LogisticRegression(
                    C=params.C,
                    class_weight=params.class_weight,
                    max_iter=params.max_iter,
                    random_state=params.seed,
                ),
            ),
        ]
    )


def select_labels(
    texts: list[str], labels: list[str], keep: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Keep only the (text, label) pairs whose label is in ``keep``."""
    pairs = [(text, label) for text, label in zip(texts, labels, strict=True) if label in keep]
    return [text for text, _ in pairs], [label for _, label in pairs]


def fit_pipeline(texts: list[str], labels: list[str], params: TrainParams) -> Pipeline:
    """Fit a pipeline on texts whose labels are in ``params.labels`` (other rows are ignored).

    Raises
    ------
    DataError
        If fewer than two of the wanted labels occur in the data.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    texts, labels = select_labels(texts, labels, params.labels)
    present = sorted(set(labels))
    if len(present) < 2:
        raise DataError(
            f"training data has label(s) {present} only; train.labels wants {list(params.labels)}: "
            "add labelled paragraphs of every class."
        )
    pipeline = build_pipeline(params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            pipeline.fit(texts, labels)
    except ConvergenceWarning:
        raise DataError(
            f"logistic regression did not converge in {params.max_iter} iterations: "
            "raise train.max_iter in params.yaml."
        ) from None
    except ValueError as exc:  # e.g. min_df/max_df leave no terms on a tiny corpus
        raise DataError(f"cannot fit the model: {exc}. Adjust min_df/max_df or add data.") from None
    _drop_process_specific_state(pipeline.named_steps["tfidf"])
    return pipeline


def _drop_process_specific_state(vectorizer: object) -> None:
    """Remove vectorizer attributes that differ from process to process, so that the same data and
    seed give a byte-identical model file.

    ``stop_words_`` (terms cut by min_df/max_df) is for introspection only and is a set whose
    pickled order follows hash randomisation; ``_stop_words_id`` caches ``id()`` of the stop-word
    list to skip a re-check. Neither affects predictions.
    """
    vectorizer.stop_words_ = None  # type: ignore[attr-defined]
    if hasattr(vectorizer, "_stop_words_id"):
        del vectorizer._stop_words_id  # type: ignore[attr-defined]


def train(
    params: TrainParams,
    train_path: str | Path = DEFAULT_TRAIN_PATH,
    model_dir: str | Path = DEFAULT_MODEL_DIR,
) -> ModelCard:
    """Fit the model on ``train_path`` and save it with its card in ``model_dir``.

    Returns
    -------
    ModelCard
        The card written beside the model.
    """
    from stancekit.corpus import to_dataset

    train_path = Path(train_path)
    dataset = to_dataset(read_split(train_path))
    names = dataset.features["label"].names
    texts = list(dataset["text"])
    labels = [names[i] for i in dataset["label"]]
    pipeline = fit_pipeline(texts, labels, params)
    used = [label for label in labels if label in params.labels]
    doc_ids = {
        doc for doc, label in zip(dataset["doc_id"], labels, strict=True) if label in params.labels
    }
    card = ModelCard(
        labels=[str(c) for c in pipeline.classes_],
        params=asdict(params),
        training_data={
            "path": str(train_path),
            "sha256": sha256_file(train_path),
            "rows": len(used),
            "documents": len(doc_ids),
            "rows_per_label": dict(sorted(Counter(used).items())),
        },
    )
    return save_model(pipeline, card, model_dir)
