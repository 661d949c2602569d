"""A faster, exact stand-in for ``TfidfVectorizer.transform`` on word unigrams and bigrams.

scikit-learn's ``transform`` builds every n-gram of a text as a Python string, then looks each
up in the vocabulary inside a ``try/except KeyError``; with bigrams most lookups miss, and that
loop costs more than the tokenising. :class:`FastWordFeatures` keeps scikit-learn's own
preprocessor, tokenizer and stop words, maps each token to an integer once, and finds unigram and
bigram features with numpy over the whole batch. The matrix is the same (the test suite compares
them on varied texts, and every instance checks itself on probe texts when it is built); a batch
is vectorised about twice as fast.

Vectorizers it does not cover (character n-grams, trigrams, a custom analyzer, tokenizer or token
pattern, hashing, a subclass) get ``None`` from :meth:`FastWordFeatures.for_vectorizer`, and the
caller uses the vectorizer's own ``transform``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: The token pattern whose tokens never contain a space, so "a b" is always a bigram.
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"

#: Texts the fast path must turn into exactly the matrix scikit-learn makes before it is used.
PROBE_TEXTS = (
    "Sex work is work: decriminalise it NOW, said the collective's 2016 statement.",
    "Café owners and naïve buyers: the Nordic model criminalises the purchase, not the sale.",
    "a b  c\n\nÉND of the end of the end of the end",
    "",
    "!!!",
    "the the the of the",
)


class FastWordFeatures:
    """The tf-idf (or count) matrix of a fitted word-n-gram vectorizer, computed faster.

    Build it with :meth:`for_vectorizer`, which returns ``None`` when the vectorizer is not one
    this class reproduces exactly. Instances hold no mutable state: safe to share across threads.
    """

    def __init__(self, vectorizer: Any) -> None:
        self.vectorizer = vectorizer
        self._build()

    def _build(self) -> None:
        import numpy as np

        vectorizer = self.vectorizer
        self._preprocess: Callable[[str], str] = vectorizer.build_preprocessor()
        self._tokenize: Callable[[str], list[str]] = vectorizer.build_tokenizer()
        stop_words = vectorizer.get_stop_words()
        self._stop_words = frozenset(stop_words) if stop_words else None
        self._n_features = len(vectorizer.vocabulary_)
        self._tfidf = getattr(vectorizer, "_tfidf", None)
        # Every token that is part of a feature gets an integer id; others are -1.
        token_ids: dict[str, int] = {}
        split = [(feature.split(" "), index) for feature, index in vectorizer.vocabulary_.items()]
        for parts, _ in split:
            for token in parts:
                token_ids.setdefault(token, len(token_ids))
        n_tokens = len(token_ids)
        # unigram_of[token id] -> feature index or -1; the extra last slot answers id -1.
        unigram_of = np.full(n_tokens + 1, -1, dtype=np.int64)
        bigram_keys, bigram_features = [], []
        for parts, index in split:
            if len(parts) == 1:
                unigram_of[token_ids[parts[0]]] = index
            else:
                bigram_keys.append(token_ids[parts[0]] * n_tokens + token_ids[parts[1]])
                bigram_features.append(index)
        # Tokens that start / end some bigram feature: most pairs fail these cheap tests and
        # never reach the binary search.
        self._starts_bigram = np.zeros(n_tokens + 1, dtype=bool)
        self._ends_bigram = np.zeros(n_tokens + 1, dtype=bool)
        keys = np.asarray(bigram_keys, dtype=np.int64)
        self._starts_bigram[keys // max(n_tokens, 1)] = True
        self._ends_bigram[keys % max(n_tokens, 1)] = True
        order = np.argsort(bigram_keys)
        self._token_id = token_ids.get
        self._n_tokens = n_tokens
        self._unigram_of = unigram_of
        self._bigram_keys = np.asarray(bigram_keys, dtype=np.int64)[order]
        self._bigram_features = np.asarray(bigram_features, dtype=np.int64)[order]

    def __getstate__(self) -> dict[str, Any]:  # joblib workers rebuild the tables
        return {"vectorizer": self.vectorizer}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.vectorizer = state["vectorizer"]
        self._build()

    @classmethod
    def for_vectorizer(cls, vectorizer: Any) -> FastWordFeatures | None:
        """A fast equivalent of ``vectorizer.transform``, or ``None`` if there is none."""
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        supported = (
            type(vectorizer) in (CountVectorizer, TfidfVectorizer)  # exact: no overrides
            and vectorizer.analyzer == "word"
            and vectorizer.input == "content"
            and vectorizer.tokenizer is None
            and vectorizer.token_pattern == DEFAULT_TOKEN_PATTERN
            and tuple(vectorizer.ngram_range) in ((1, 1), (1, 2), (2, 2))
            and hasattr(vectorizer, "vocabulary_")
            and (type(vectorizer) is CountVectorizer or hasattr(vectorizer, "_tfidf"))
        )
        if not supported:
            return None
        # A vocabulary given by hand may hold n-grams outside ngram_range (never matched by
        # scikit-learn), which the token-id tables would mistake for matches.
        min_n, max_n = vectorizer.ngram_range
        for feature in vectorizer.vocabulary_:
            parts = feature.split(" ")
            if not min_n <= len(parts) <= max_n or "" in parts:
                return None
        try:
            features = cls(vectorizer)
            probe = list(PROBE_TEXTS)
            expected, got = vectorizer.transform(probe), features.transform(probe)
            same = (
                expected.shape == got.shape
                and expected.dtype == got.dtype
                and (expected != got).nnz == 0
            )
        except Exception:  # any surprise from a future scikit-learn: use its own transform
            return None
        return features if same else None

    def counts(self, texts: Sequence[str]) -> Any:
        """The n-gram count matrix (CSR, the vectorizer's dtype), as ``CountVectorizer.transform``
        makes it."""
        import numpy as np
        import scipy.sparse as sp

        preprocess, tokenize, token_id = self._preprocess, self._tokenize, self._token_id
        stop_words = self._stop_words
        ids: list[int] = []
        extend = ids.extend
        lengths = []
        for text in texts:
            tokens = tokenize(preprocess(text))
            if stop_words is not None:
                tokens = [t for t in tokens if t not in stop_words]
            extend([token_id(t, -1) for t in tokens])
            lengths.append(len(tokens))
        tokens_ = np.asarray(ids, dtype=np.int64)
        n = len(tokens_)
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        # Slot 2p holds token p's unigram feature, slot 2p + 1 the bigram (p, p + 1); -1: none.
        slots = np.full(2 * n, -1, dtype=np.int64)
        slots[0::2] = self._unigram_of[tokens_]
        if n > 1 and len(self._bigram_keys):
            first, second = tokens_[:-1], tokens_[1:]
            pair_ok = self._starts_bigram[first] & self._ends_bigram[second]  # id -1: False
            boundaries = starts[1:-1]
            boundaries = boundaries[(boundaries > 0) & (boundaries < n)]
            pair_ok[boundaries - 1] = False  # no pair across two texts
            where = np.flatnonzero(pair_ok)
            keys = first[where] * self._n_tokens + second[where]
            position = np.searchsorted(self._bigram_keys, keys)
            position[position == len(self._bigram_keys)] = 0
            hit = self._bigram_keys[position] == keys
            slots[2 * where[hit] + 1] = self._bigram_features[position[hit]]
        found = slots >= 0
        before = np.zeros(2 * n + 1, dtype=np.int64)
        np.cumsum(found, out=before[1:])
        indptr = before[2 * starts]
        indices = slots[found]
        index_type = np.int32 if max(len(indices), self._n_features) < 2**31 - 1 else np.int64
        matrix = sp.csr_matrix(
            (
                np.ones(len(indices), dtype=self.vectorizer.dtype),
                indices.astype(index_type),
                indptr.astype(index_type),
            ),
            shape=(len(texts), self._n_features),
        )
        matrix.sum_duplicates()  # repeated n-grams become counts; indices sorted
        return matrix

    def transform(self, texts: Sequence[str]) -> Any:
        """The matrix ``vectorizer.transform(texts)`` returns."""
        matrix = self.counts(texts)
        if self.vectorizer.binary:
            matrix.data.fill(1)
        if self._tfidf is not None:
            matrix = self._tfidf.transform(matrix, copy=False)
        return matrix


def fast_features(pipeline: Any) -> FastWordFeatures | None:
    """The fast features of a ``Pipeline(vectorizer, classifier)``, or ``None``."""
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        return None
    return FastWordFeatures.for_vectorizer(steps[0][1])


def predict_proba(
    pipeline: Any, texts: Sequence[str], features: FastWordFeatures | None = None
) -> Any:
    """``pipeline.predict_proba(texts)``, through ``features`` when given (same numbers, faster)."""
    return predict_proba_and_coverage(pipeline, texts, features)[0]


def predict_proba_and_coverage(
    pipeline: Any, texts: Sequence[str], features: FastWordFeatures | None = None
) -> tuple[Any, Any]:
    """``pipeline.predict_proba(texts)`` and, per text, how many of its n-gram features the model
    knows (``None`` for a pipeline that is not ``vectorizer -> classifier``).

    A text with no known feature gets the model's prior, whatever it says. A
    :class:`~stancekit.model.portable.scorer.PortableModel` scores itself.
    """
    if hasattr(pipeline, "proba_and_coverage"):
        return pipeline.proba_and_coverage(texts)
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        return pipeline.predict_proba(texts), None
    vectorizer, classifier = steps[0][1], steps[1][1]
    matrix = features.transform(texts) if features is not None else vectorizer.transform(texts)
    return classifier.predict_proba(matrix), matrix.getnnz(axis=1)
