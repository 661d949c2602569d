from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer

from conftest import ABOL, DECRIM, NEUTRAL
from stancekit.model.vectorize import FastWordFeatures, fast_features, predict_proba

TRAIN = DECRIM + ABOL + NEUTRAL
# Empty texts first, in the middle and last (batch boundaries), repeats, accents, punctuation,
# tokens outside the vocabulary, and a bigram whose first word max_df drops as a unigram.
TEXTS = [
    "",
    "!!!",
    "Sex work is work; sex work IS work.",
    "",
    "Café naïve façade: the Nordic model criminalises the buyers, the buyers, the buyers.",
    "zzz unknown tokens only",
    "sex",
    "work",
    "the sex buyer must be criminalised and the sex workers decriminalised",
    "",
    *TRAIN,
    "",
]


def assert_same_matrix(vectorizer: object, texts: list[str]) -> None:
    fast = FastWordFeatures.for_vectorizer(vectorizer)
    assert fast is not None
    expected, got = vectorizer.transform(texts), fast.transform(texts)  # type: ignore[attr-defined]
    assert expected.shape == got.shape and expected.dtype == got.dtype
    assert (expected != got).nnz == 0


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True),
        TfidfVectorizer(ngram_range=(1, 2), max_df=0.2, strip_accents="unicode"),
        TfidfVectorizer(ngram_range=(1, 1), strip_accents="ascii", lowercase=False),
        TfidfVectorizer(ngram_range=(2, 2), norm=None, use_idf=False),
        TfidfVectorizer(ngram_range=(1, 2), stop_words="english", binary=True),
        CountVectorizer(ngram_range=(1, 2)),
        TfidfVectorizer(ngram_range=(1, 2), dtype=np.float32),
        CountVectorizer(ngram_range=(1, 2), vocabulary=["sex", "sex work", "buyers", "the buyers"]),
    ],
    ids=[
        "default",
        "max_df",
        "unigrams",
        "bigrams_only",
        "stop_words",
        "counts",
        "float32",
        "given_vocabulary",
    ],
)
def test_same_matrix_as_scikit_learn(vectorizer: object) -> None:
    vectorizer.fit(TRAIN)  # type: ignore[attr-defined]
    assert_same_matrix(vectorizer, TEXTS)
    assert_same_matrix(vectorizer, ["", "", "Sex work is work."])  # leading empty texts
    assert_same_matrix(vectorizer, ["sex work"])


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3)),
        TfidfVectorizer(ngram_range=(1, 3)),
        TfidfVectorizer(token_pattern=r"\S+"),
        TfidfVectorizer(tokenizer=str.split, token_pattern=None),
    ],
    ids=["char", "trigrams", "token_pattern", "tokenizer"],
)
def test_unsupported_vectorizers_fall_back(vectorizer: object) -> None:
    vectorizer.fit(TRAIN)  # type: ignore[attr-defined]
    assert FastWordFeatures.for_vectorizer(vectorizer) is None


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(vocabulary=["buyers", "punish", "punish buyers"]),
        CountVectorizer(ngram_range=(1, 2), vocabulary=["end", "end demand now"]),
        CountVectorizer(ngram_range=(2, 2), vocabulary=["end", "end demand"]),
    ],
    ids=["bigram_in_unigram_model", "trigram_in_bigram_model", "unigram_in_bigram_model"],
)
def test_hand_given_vocabularies_outside_the_ngram_range_fall_back(vectorizer: object) -> None:
    vectorizer.fit(TRAIN)  # type: ignore[attr-defined]
    assert FastWordFeatures.for_vectorizer(vectorizer) is None


def test_subclasses_and_hashing_fall_back() -> None:
    class Custom(TfidfVectorizer):
        pass

    assert FastWordFeatures.for_vectorizer(Custom().fit(TRAIN)) is None
    assert FastWordFeatures.for_vectorizer(HashingVectorizer()) is None
    assert FastWordFeatures.for_vectorizer(TfidfVectorizer()) is None  # not fitted


def test_predict_proba_matches_the_pipeline_and_survives_pickling(tiny_model) -> None:
    from stancekit.scoring.predictor import StancePredictor

    pipeline = StancePredictor.load(tiny_model, trust_pickle=True).pipeline
    features = fast_features(pipeline)
    assert features is not None
    texts = [t or "x" for t in TEXTS]
    expected = pipeline.predict_proba(texts)
    assert np.array_equal(predict_proba(pipeline, texts, features), expected)
    copy = pickle.loads(pickle.dumps(features))
    assert np.array_equal(predict_proba(pipeline, texts, copy), expected)
    assert np.array_equal(predict_proba(pipeline, texts, None), expected)
