"""A trained model as plain data, scored with numpy alone: no pickle, no scikit-learn, no scipy.

:class:`PortableModel` reproduces ``Pipeline(TfidfVectorizer, classifier).predict_proba`` from
what the fitted pipeline learnt: the vocabulary (terms in column order), the vectoriser settings,
the idf weights, the logistic regression's coefficients and intercepts and, for a calibrated
model, each class's calibration map (Platt's sigmoid ``1 / (1 + exp(a f + b))`` or the isotonic
step function). Text analysis follows scikit-learn's exactly: lower-casing, then accent stripping
(``unicode``: NFKD without combining characters; ``ascii``: NFKD encoded to ASCII), then the token
pattern and stop words and word n-grams joined by a space (or character n-grams, ``char`` /
``char_wb``). Sparse matrices are numpy index arrays (:class:`SparseRows`).

The files that hold such a model, and how they are checked, are in
:mod:`stancekit.model.portable.files`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from stancekit.model.portable.analysis import (
    _WHITE_SPACES,
    NOT_TOKENS,
    SEPARATOR,
    as_key,
    batch_tokens,
    char_ngrams,
    char_wb_ngrams,
    strip_accents_ascii,
    strip_accents_unicode,
)
from stancekit.model.portable.keytable import KeyTable

ANALYZERS = ("word", "char", "char_wb")
ACCENTS = (None, "unicode", "ascii")
NORMS = (None, "l1", "l2")
CALIBRATIONS = (None, "sigmoid", "isotonic")
#: The token patterns the portable format accepts: scikit-learn's default (what ``train``
#: uses), its one-character form, and whitespace-separated tokens. Each runs in linear time; an
#: arbitrary pattern from a model file could backtrack without end and hang ``predict``.
TOKEN_PATTERNS = (r"(?u)\b\w\w+\b", r"(?u)\b\w+\b", r"\S+", r"(?u)\S+", "")
#: The longest n-grams the portable format accepts: longer ones let a model file make a text's
#: n-grams use memory quadratic in its length.
MAX_NGRAM = 10


class SparseRows(NamedTuple):
    """A CSR matrix as numpy arrays: row ``i`` holds ``indices[indptr[i]:indptr[i + 1]]``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]

    def getnnz(self, axis: int = 1) -> np.ndarray:
        """Stored entries per row (the known features of each text)."""
        return np.diff(self.indptr)


class _TokenIds(dict):
    """Token -> id for :meth:`PortableModel._word_cells`: a token met for the first time gets
    ``unknown`` (a dict lookup in C per token; ``map`` needs no Python frame)."""

    unknown = 0

    def __missing__(self, token: str) -> int:
        self[token] = self.unknown
        return self.unknown


#: Words whose character n-gram columns a char_wb model keeps (memory: a few tens of MB), and
#: unknown tokens a word model remembers.
WORD_CACHE = 200_000


class PortableModel:
    """Tf-idf + logistic regression (+ calibration), from arrays and settings only.

    Parameters
    ----------
    classes : list of str
        The labels, in probability column order.
    vectorizer : dict
        ``analyzer``, ``lowercase``, ``strip_accents``, ``token_pattern``, ``ngram_range``,
        ``stop_words``, ``binary``, ``sublinear_tf``, ``norm``, ``use_idf`` (see
        :data:`stancekit.model.portable.files.VECTORIZER_SCHEMA`).
    terms : list of str
        The vocabulary in column order.
    arrays : dict of str to ndarray
        ``idf`` (empty without idf), ``coef`` (one row for two classes, else one per class),
        ``intercept``, and the calibration's: ``calibration_a`` / ``calibration_b`` (sigmoid) or
        ``isotonic_x`` / ``isotonic_y`` / ``isotonic_offsets`` (isotonic).
    calibration : {None, "sigmoid", "isotonic"}

    Raises
    ------
    ValueError
        If the n-gram tables cannot be indexed with 64-bit keys (huge vocabularies with long
        word n-grams).
    """

    def __init__(
        self,
        classes: Sequence[str],
        vectorizer: dict[str, Any],
        terms: Sequence[str],
        arrays: dict[str, np.ndarray],
        calibration: str | None = None,
    ) -> None:
        self.classes_ = [str(c) for c in classes]
        self.settings = dict(vectorizer)
        self.terms = list(terms)
        self.arrays = dict(arrays)
        self.calibration = calibration
        self.coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        idf = arrays.get("idf")
        self._idf = idf if vectorizer["use_idf"] and idf is not None and len(idf) else None
        self.analyzer: str = vectorizer["analyzer"]
        self.ngram_range: tuple[int, int] = tuple(vectorizer["ngram_range"])  # type: ignore[assignment]
        self.token_pattern: str = vectorizer["token_pattern"]
        self._findall = re.compile(self.token_pattern).findall
        stop = vectorizer["stop_words"]
        self._stop_words = frozenset(stop) if stop else None
        self._accents: Callable[[str], str] | None = {
            "unicode": strip_accents_unicode,
            "ascii": strip_accents_ascii,
        }.get(vectorizer["strip_accents"] or "")
        if self.analyzer == "word":
            self._build_word_tables()
        else:
            self._column = {term: i for i, term in enumerate(self.terms)}
            # char_wb: a word's n-grams depend on the word alone, and words repeat (Zipf), so
            # each word's known columns are kept once computed (bounded; same numbers).
            self._word_columns: dict[str, list[int]] = {}

    def _build_word_tables(self) -> None:
        """Token ids, and per n-gram length a table of the vocabulary's n-grams (keyed by the
        n-gram's token ids as digits in base ``self._base``) and which ids start and end one."""
        low, high = self.ngram_range
        split = [term.split(" ") for term in self.terms]
        lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        token_ids: dict[str, int] = {}
        flat = np.asarray(
            [token_ids.setdefault(t, len(token_ids)) for parts in split for t in parts],
            dtype=np.int64,
        )
        # Two more ids: a token the vocabulary lacks, and the end of a text (in no n-gram).
        self._unknown, self._separator = len(token_ids), len(token_ids) + 1
        self._base = len(token_ids) + 2
        if self._base ** max(high, 1) >= 2**62:
            raise ValueError("too many distinct tokens to index word n-grams with 64-bit keys")
        first = np.cumsum(lengths) - lengths  # where each term's tokens start in ``flat``
        usable = np.ones(len(split), dtype=bool)
        if "" in token_ids:  # scikit-learn never produces an empty token: never matches
            term_of = np.repeat(np.arange(len(split)), lengths)
            usable[term_of[flat == token_ids[""]]] = False
        self._token_ids = _TokenIds(token_ids)
        self._token_ids.unknown = self._unknown
        dropped = [*(self._stop_words or ()), *NOT_TOKENS.get(self.token_pattern, ())]
        for word in dropped:
            self._token_ids[word] = -1  # removed before n-grams are made
        self._drops = bool(dropped)
        self._token_ids[None] = self._separator  # type: ignore[index]
        # The same as the tokens of a batch tokenised as one string are (see batch_tokens).
        self._joined_ids = _TokenIds(
            {as_key(t, self.token_pattern): i for t, i in self._token_ids.items() if t is not None}
        )
        self._joined_ids[as_key(SEPARATOR, self.token_pattern)] = self._separator
        self._lookup = self._fresh_lookup(joined=True)
        self._unigram_of = np.full(self._base, -1, dtype=np.int64)
        self._tables: dict[int, tuple[np.ndarray, ...]] = {}
        for n in range(low, high + 1):
            columns = np.flatnonzero((lengths == n) & usable)
            if n == 1:
                self._unigram_of[flat[first[columns]]] = columns
                continue
            keys = np.zeros(len(columns), dtype=np.int64)
            for j in range(n):
                keys = keys * self._base + flat[first[columns] + j]
            starts, ends = np.zeros((2, self._base), dtype=bool)
            starts[flat[first[columns]]] = True
            ends[flat[first[columns] + n - 1]] = True
            self._tables[n] = (KeyTable(keys, columns), len(keys), starts, ends)

    def _fresh_lookup(self, joined: bool) -> _TokenIds:
        lookup = _TokenIds(self._joined_ids if joined else self._token_ids)
        lookup.unknown = self._unknown
        return lookup

    def __getstate__(self) -> dict[str, Any]:  # workers get the data and rebuild the tables
        return {
            "classes": self.classes_,
            "vectorizer": self.settings,
            "terms": self.terms,
            "arrays": self.arrays,
            "calibration": self.calibration,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["classes"],
            state["vectorizer"],
            state["terms"],
            state["arrays"],
            state["calibration"],
        )

    # -- text -> features -------------------------------------------------------------------

    @property
    def n_features(self) -> int:
        return len(self.terms)

    def preprocess(self, text: str) -> str:
        """Lower-case (if set), then strip accents, as scikit-learn's preprocessor does."""
        if self.settings["lowercase"]:
            text = text.lower()
        return self._accents(text) if self._accents is not None else text

    def _word_cells(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        texts = list(map(self.preprocess, texts))
        tokens, joined = batch_tokens(texts, self.token_pattern, self._findall)
        if not joined:  # a text holds SEPARATOR: there it is a token
            lookup = self._fresh_lookup(joined=False)
        elif len(self._lookup) > len(self._joined_ids) + WORD_CACHE:
            lookup = self._lookup = self._fresh_lookup(joined=True)
        else:
            lookup = self._lookup
        ids = np.fromiter(map(lookup.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        if self._drops:
            ids = ids[ids >= 0]
        row_of = np.cumsum(ids == self._separator)  # an n-gram across texts holds a separator
        found = self._unigram_of[ids] if self.ngram_range[0] == 1 else ids[:0]
        hit = np.flatnonzero(found >= 0)
        rows, columns = [row_of[hit]], [found[hit]]
        for n, (table, size, starts, ends) in self._tables.items():
            count = len(ids) - n + 1
            if count <= 0 or not size:
                continue
            start = np.flatnonzero(starts[ids[:count]] & ends[ids[n - 1 :]])
            keys = ids[start]
            for j in range(1, n):
                keys = keys * self._base + ids[start + j]
            found = table.find(keys)
            hit = found >= 0
            rows.append(row_of[start[hit]])
            columns.append(found[hit])
        return np.concatenate(rows), np.concatenate(columns)

    def _char_cells(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        grams = char_wb_ngrams if self.analyzer == "char_wb" else char_ngrams
        low, high = self.ngram_range
        column = self._column.get
        rows: list[int] = []
        columns: list[int] = []
        if self.analyzer == "char_wb":
            cache = self._word_columns
            for row, text in enumerate(texts):
                for word in _WHITE_SPACES.sub(" ", self.preprocess(text)).split():
                    found = cache.get(word)
                    if found is None:
                        found = [
                            c for g in char_wb_ngrams(word, low, high) if (c := column(g, -1)) >= 0
                        ]
                        if len(cache) < WORD_CACHE:
                            cache[word] = found
                    columns.extend(found)
                    rows.extend([row] * len(found))
            return np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        for row, text in enumerate(texts):
            found = [
                c for g in grams(self.preprocess(text), low, high) if (c := column(g, -1)) >= 0
            ]
            columns.extend(found)
            rows.extend([row] * len(found))
        return np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)

    def counts(self, texts: Sequence[str]) -> SparseRows:
        """How often each known n-gram occurs in each text (columns sorted within a row)."""
        texts = list(texts)
        cells = self._word_cells(texts) if self.analyzer == "word" else self._char_cells(texts)
        rows, columns = cells
        width = max(self.n_features, 1)
        keys = rows * width + columns
        if len(texts) * width <= np.iinfo(np.uint32).max:  # half the bytes: a faster sort
            keys = keys.astype(np.uint32)
        keys.sort(kind="stable")  # timsort: the cells come in runs of ascending rows
        first = np.flatnonzero(np.diff(keys, prepend=keys[:1] + 1) != 0)  # of each cell
        cell, counts = keys[first], np.diff(first, append=len(keys))
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell // width, minlength=len(texts)), out=indptr[1:])
        column = (cell % width).astype(np.int64, copy=False)
        return SparseRows(indptr, column, counts.astype(np.float64), (len(texts), self.n_features))

    def transform(self, texts: Sequence[str]) -> SparseRows:
        """The tf-idf matrix ``TfidfVectorizer.transform(texts)`` gives."""
        matrix = self.counts(texts)
        data = matrix.data
        if self.settings["binary"]:
            data.fill(1.0)
        if self.settings["sublinear_tf"]:
            np.log(data, out=data)
            data += 1.0
        if self._idf is not None:
            data *= self._idf[matrix.indices]
        norm = self.settings["norm"]
        if norm is not None and len(data):
            rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
            size = data * data if norm == "l2" else np.abs(data)
            totals = np.bincount(rows, weights=size, minlength=matrix.shape[0])
            if norm == "l2":
                totals = np.sqrt(totals)
            totals[totals == 0.0] = 1.0
            data /= totals[rows]
        return matrix

    # -- features -> scores -----------------------------------------------------------------

    def _decision(self, matrix: SparseRows) -> np.ndarray:
        n = matrix.shape[0]
        rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
        scores = np.empty((n, self.coef.shape[0]))
        for k, coef in enumerate(self.coef):  # a class at a time: 1-d gathers, contiguous
            weights = matrix.data * coef[matrix.indices]
            scores[:, k] = np.bincount(rows, weights=weights, minlength=n)
        scores += self.intercept
        return scores

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """The logistic regression's scores: shape ``(n,)`` for two classes, else ``(n, k)``."""
        scores = self._decision(self.transform(texts))
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def _calibrated(self, scores: np.ndarray) -> np.ndarray:
        n, k = scores.shape[0], len(self.classes_)
        proba = np.zeros((n, k))
        a = self.arrays
        for j in range(scores.shape[1]):
            column = j + 1 if k == 2 else j
            if self.calibration == "sigmoid":
                with np.errstate(over="ignore"):
                    proba[:, column] = 1.0 / (
                        1.0 + np.exp(a["calibration_a"][j] * scores[:, j] + a["calibration_b"][j])
                    )
            else:
                lo, hi = a["isotonic_offsets"][j], a["isotonic_offsets"][j + 1]
                x, y = a["isotonic_x"][lo:hi], a["isotonic_y"][lo:hi]
                proba[:, column] = np.interp(np.clip(scores[:, j], x[0], x[-1]), x, y)
        if k == 2:
            proba[:, 0] = 1.0 - proba[:, 1]
        else:
            total = proba.sum(axis=1)[:, None]
            proba = np.divide(proba, total, out=np.full_like(proba, 1 / k), where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def _linear_proba(self, scores: np.ndarray) -> np.ndarray:
        if scores.shape[1] == 1:
            with np.errstate(over="ignore"):
                positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def proba_and_coverage(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (columns in ``classes_`` order) and, per text, how many known features
        it holds."""
        matrix = self.transform(texts)
        scores = self._decision(matrix)
        proba = self._linear_proba(scores) if self.calibration is None else self._calibrated(scores)
        return proba, matrix.getnnz(axis=1)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``pipeline.predict_proba(texts)``."""
        return self.proba_and_coverage(texts)[0]

    def uncalibrated(self) -> PortableModel:
        """The same model without its calibration (itself when it has none)."""
        if self.calibration is None:
            return self
        view = object.__new__(PortableModel)
        view.__dict__.update(self.__dict__)
        view.calibration = None
        return view

    def linear_weights(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Labels, coefficient rows and intercepts of the logistic regression (as
        ``LogisticRegression.coef_`` / ``intercept_``: one row for two classes)."""
        return list(self.classes_), self.coef, self.intercept
