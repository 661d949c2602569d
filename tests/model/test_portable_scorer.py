"""The portable model gives scikit-learn's numbers: features, scores, probabilities and
explanations."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import tiny_rows
from stancekit.model.explain import explain_texts, token_weights, top_terms
from stancekit.model.pipeline import fit_pipeline, linear_step, uncalibrated
from stancekit.model.portable.export import to_portable
from stancekit.model.portable.scorer import PortableModel, char_wb_ngrams, strip_accents_unicode
from stancekit.params import TrainParams

TOLERANCE = 1e-12

#: Variants of the model the portable format must reproduce.
SETTINGS = {
    "default": {},
    "binary": {"labels": ("decriminalisation", "abolitionist")},
    "uncalibrated": {"calibration": None},
    "stop_words": {"stop_words": "function"},
    "english_stop_words_trigrams": {"stop_words": "english", "ngram_range": (1, 3)},
    "isotonic": {"calibration": "isotonic"},
    "raw_tf": {"sublinear_tf": False, "ngram_range": (2, 2)},
    "char_wb": {"analyzer": "char_wb", "ngram_range": (2, 4)},
    "binary_uncalibrated": {
        "labels": ("decriminalisation", "abolitionist"),
        "calibration": None,
    },
}

ODD_TEXTS = [
    "",
    " ",
    "!!!",
    "a",
    "ÉND of the end — “quoted” «guillemets» naïve café résumé",
    "İstanbul ǅemal ﬁne ﬂoor straße Ⅻ ① \uff26\uff35\uff2c\uff2c",
    "e\u0301 combining acute, zero\u200bwidth, line\u2028separator, para\u2029graph",
    "数字 العربية עברית ελληνικά кириллица 😀 sex-work",
    "\t\n\r\x0b\x0c tabs\tand\nnewlines\r\n\r\n",
    "the the the of the " * 50,
    "Decriminalisation " * 2000,
    "sex work is work" + " nordic model buyers pimps" * 400,
    "_under_score__ 123 4567 a1 b2_c3",
]


def fuzzed_texts(n: int = 120, seed: int = 0) -> list[str]:
    """Texts made of the corpus's words, accents, punctuation, odd Unicode and spacing."""
    rng = random.Random(seed)
    words = " ".join(row["text"] for row in tiny_rows()).split()
    extras = ["Café", "NAÏVE", "ﬁx", "ß", "İ", "Ω", "—", "...", "'s", "e\u0301", "😀", "\u00a0"]
    extras += ["x\u200by", "١٢٣", "Ⅳ", "ǆ", "\u0301", "<b>", "&amp;", "https://a.b/c?d=e"]
    joins = [" ", "  ", "\n", "\n\n", ", ", "-", "", "\t"]
    texts = []
    for _ in range(n):
        parts = [
            rng.choice(words if rng.random() < 0.75 else extras) for _ in range(rng.randint(0, 60))
        ]
        text = "".join(p + rng.choice(joins) for p in parts)
        texts.append(text.upper() if rng.random() < 0.1 else text)
    return texts + ODD_TEXTS


def _fit(**changes: object):
    rows = tiny_rows()
    params = TrainParams(
        **{"min_df": 1, "max_df": 1.0, "C": 10.0, "calibration_folds": 4, **changes}
    )
    return fit_pipeline(
        [r["text"] for r in rows], [r["label"] for r in rows], params, [r["doc_id"] for r in rows]
    )


@pytest.fixture(scope="module", params=list(SETTINGS))
def pair(request: pytest.FixtureRequest) -> tuple[object, PortableModel]:
    pipeline = _fit(**SETTINGS[request.param])
    header, arrays = to_portable(pipeline)
    model = PortableModel(
        header["classes"], header["vectorizer"], header["terms"], arrays, header["calibration"]
    )
    return pipeline, model


def test_probabilities_equal_the_pipeline(pair) -> None:
    pipeline, model = pair
    texts = fuzzed_texts()
    expected = pipeline.predict_proba(texts)
    got = model.predict_proba(texts)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= TOLERANCE
    assert model.classes_ == [str(c) for c in pipeline.classes_]


def test_features_and_scores_equal_the_pipeline(pair) -> None:
    pipeline, model = pair
    texts = fuzzed_texts(seed=1)
    vectorizer = pipeline.named_steps["tfidf"]
    expected = vectorizer.transform(texts)
    got = model.transform(texts)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.abs(got.data - expected.data).max(initial=0.0) <= TOLERANCE
    assert np.array_equal(model.proba_and_coverage(texts)[1], expected.getnnz(axis=1))
    decision = linear_step(pipeline).decision_function(expected)
    assert np.abs(model.decision_function(texts) - decision).max() <= TOLERANCE


def test_uncalibrated_view_equals_the_logistic_regression(pair) -> None:
    pipeline, model = pair
    texts = fuzzed_texts(seed=2)
    expected = uncalibrated(pipeline).predict_proba(texts)
    assert np.abs(uncalibrated(model).predict_proba(texts) - expected).max() <= TOLERANCE
    if model.calibration is None:
        assert uncalibrated(model) is model


def test_explanations_equal_the_pipeline(pair) -> None:
    pipeline, model = pair
    texts = [t for t in fuzzed_texts(40, seed=3) if t.strip()]
    labels = [str(c) for c in pipeline.classes_]
    for mine, theirs in zip(
        explain_texts(model, texts), explain_texts(pipeline, texts), strict=True
    ):
        assert mine.intercepts == pytest.approx(theirs.intercepts, abs=TOLERANCE)
        for label in labels:
            assert mine.contributions[label].keys() == theirs.contributions[label].keys()
            for term, value in theirs.contributions[label].items():
                assert mine.contributions[label][term] == pytest.approx(value, abs=TOLERANCE)
        chunks = token_weights(model, mine, labels[-1])
        assert [c for c, _ in chunks] == [c for c, _ in token_weights(pipeline, theirs, labels[-1])]
    assert top_terms(model, 5) == top_terms(pipeline, 5)


def test_text_analysis_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.feature_extraction.text import strip_accents_unicode as theirs

    for text in ODD_TEXTS + fuzzed_texts(30) + NASTY_TEXTS:
        assert strip_accents_unicode(text) == theirs(text)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5)).fit(["ab"])
    analyse = vectorizer.build_analyzer()
    for text in ["a  bc   defgh", "x", "", "a\tb\nc"]:
        assert char_wb_ngrams(text, 1, 5) == analyse(text)


def test_unsupported_settings_are_refused_with_the_reason() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from stancekit.model.portable.export import NotPortable

    rows = tiny_rows()
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(tokenizer=str.split, token_pattern=None)),
            ("clf", LogisticRegression()),
        ]
    ).fit([r["text"] for r in rows], [r["label"] for r in rows])
    with pytest.raises(NotPortable, match="tokenizer"):
        to_portable(pipeline)


def test_scoring_imports_neither_sklearn_nor_scipy(tiny_model: Path) -> None:
    """Load, predict, explain, and the CLI's predict and explain, in a fresh interpreter."""
    code = f"""
import sys
from stancekit import StancePredictor
p = StancePredictor.load({str(tiny_model)!r})
p.predict(["Sex work is work.", "End demand: criminalise the buyers."])
p.explain(["Café naïve decriminalisation"])
p.score_documents([("d", "One paragraph.\\n\\nAnother one about the Nordic model.")])
from stancekit.cli import app
for args in (["predict", "Sex work is work.", "-f", "jsonl"], ["explain", "End demand."]):
    try:
        app(args + ["--model", {str(tiny_model)!r}], standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, exc.code
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "joblib"))
print("IMPORTED", bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "IMPORTED []" in result.stdout


def test_a_pickled_copy_for_workers_scores_the_same(pair) -> None:
    import pickle

    _, model = pair
    texts = fuzzed_texts(30, seed=4)
    for copy in (
        pickle.loads(pickle.dumps(model)),
        pickle.loads(pickle.dumps(uncalibrated(model))),
    ):
        assert copy.calibration in (model.calibration, None)
        original = model if copy.calibration == model.calibration else uncalibrated(model)
        assert np.array_equal(copy.predict_proba(texts), original.predict_proba(texts))


#: Texts that trip up tokenising a batch as one string: context-dependent lower-casing (Greek
#: final sigma, also across two texts of a batch), characters lower() or NFKD expand, NUL and
#: the other control characters (\x1c-\x1f are spaces to ``str.split`` and ``re``), combining
#: marks at a text's edges, one-character tokens, and the batch separator itself.
NASTY_TEXTS = [
    "ΟΔΟΣ ΣΑΣ",
    "ΣΑΣ",
    "Σ",
    "ΑΣ",
    "ΑΣ.",
    "ΑΣ'\u0392 ΑΣ\u0301 ΑΣ\u00ad\u0392",
    "\u039f ΔΡΌΜ\u039fΣ",
    "İstanbul İSTANBUL \u0131i Iİ",
    "Straße STRASSE ß ẞ",
    "\u0301\u0301 starts with combining marks",
    "ends with a combining mark e\u0301",
    "e\u0301\u0327 c\u0327\u0301 Å Å ḱ ǰ ﬁ ﬃ ㎏ ½ ² façade GARÇON ṩ",
    "",
    "   ",
    "!!!",
    "...,;:\u2013—«»“”",
    "a b c d _ 1 2 é à ß \u0131",
    "nul\x00inside\x00 and \x00",
    "\x1c\x1d\x1e\x1f group\x1fseparators\x1crecord\x1eunit\x1d",
    "line\nbreaks\r\nand\ttabs\x0b\x0c\u2028\u2029\u0085\u00a0\u3000nbsp",
    "under_score __ _a_ 9_9",
    "x0stancekit0text0separator0x holds the batch separator",
    "X0STANCEKIT0TEXT0SEPARATOR0X",
    "one x0stancekit0text0separator0xglued",
    "mixed ASCII and ΕΛΛΗΝΙΚΆ and кириллица and 中文字符 and ١٢٣ and Ⅻ ①",
    "😀 emoji 👩\u200d👩\u200d👧 zero\u200bwidth \ufeffbom",
    "lone surrogate \ud800 here",
    "sex work is work " * 300 + "ΤΈΛΟΣ",
    "\n".join(["Decriminalisation now.", "", "ΌΧΙ ΣΤΟ ΣΎΣΤΗΜΑ", "nordic model"] * 200),
]


def nasty_batches(seed: int) -> list[list[str]]:
    """Batches of nasty, fuzzed and glued texts; the separator in one batch only."""
    rng = random.Random(seed)
    pool = [
        t for t in NASTY_TEXTS if "x0stancekit0text0separator0x" not in t.lower()
    ] + fuzzed_texts(60, seed)
    glued = ["".join(rng.choice(pool)[:40] for _ in range(rng.randint(1, 6))) for _ in range(40)]
    batch = pool + glued
    rng.shuffle(batch)
    return [batch, batch[:1], ["", ""], NASTY_TEXTS + batch[:30]]


WORD_VARIANTS = [
    {"ngram_range": ngrams, "stop_words": stop, "strip_accents": accents, "lowercase": lower}
    for ngrams in ((1, 1), (1, 2), (1, 3))
    for stop in (None, ["the", "of", "is", "σας", "a", "x0stancekit0text0separator0x"])
    for accents in (None, "unicode", "ascii")
    for lower in (True, False)
] + [
    {"token_pattern": pattern, "ngram_range": (1, 3), "lowercase": lower}
    for pattern in (r"(?u)\b\w+\b", r"\S+", r"(?u)\S+")
    for lower in (True, False)
]


@pytest.mark.parametrize("settings", WORD_VARIANTS, ids=lambda s: "-".join(map(str, s.values())))
def test_nasty_batches_give_scikit_learns_matrix_exactly(settings: dict) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    rows = tiny_rows()
    train = [r["text"] for r in rows] + NASTY_TEXTS + fuzzed_texts(40, seed=9)
    labels = [r["label"] for r in rows] + [rows[i % 3]["label"] for i in range(len(train))]
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(sublinear_tf=True, **settings)),
            ("clf", LogisticRegression(C=10.0, max_iter=500)),
        ]
    ).fit(train, labels[: len(train)])
    header, arrays = to_portable(pipeline)
    model = PortableModel(
        header["classes"], header["vectorizer"], header["terms"], arrays, header["calibration"]
    )
    vectorizer = pipeline.named_steps["tfidf"]
    for batch in nasty_batches(seed=len(settings)) * 2:  # twice: the remembered unknown tokens
        expected = vectorizer.transform(batch)
        expected.sort_indices()
        got = model.transform(batch)
        assert got.shape == expected.shape
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)  # the same floats, not only close ones
        proba, coverage = model.proba_and_coverage(batch)
        assert np.abs(proba - pipeline.predict_proba(batch)).max() <= TOLERANCE
        assert np.array_equal(coverage, expected.getnnz(axis=1))


def test_a_batch_is_tokenised_as_each_text_alone() -> None:
    import re

    from stancekit.model.portable.analysis import RUN_PATTERNS, as_key, batch_tokens

    batch = nasty_batches(seed=5)[0]
    assert not any("x0stancekit0text0separator0x" in t for t in batch)
    for pattern in RUN_PATTERNS:
        findall = re.compile(pattern).findall
        for texts in (batch, [t.lower() for t in batch], NASTY_TEXTS):
            expected: list = []
            for text in texts:
                expected += [*findall(text), None]
            tokens, joined = batch_tokens(texts, pattern, findall)
            assert joined == (texts is not NASTY_TEXTS)  # NASTY_TEXTS holds the separator
            if joined:
                separator = as_key("x0stancekit0text0separator0x", pattern)
                tokens = [None if t == separator else t for t in tokens]
                tokens = [t.decode("utf-8") if isinstance(t, bytes) else t for t in tokens]
            if pattern == r"(?u)\b\w\w+\b":
                tokens = [t for t in tokens if t is None or not (t.isascii() and len(t) == 1)]
            assert tokens == expected


def test_split_and_re_agree_on_spaces_and_word_characters() -> None:
    """What the joined tokenising relies on, over every code point."""
    import re

    every = [chr(c) for c in range(0x110000)]
    spaces = [c for c in every if c.isspace()]
    assert re.findall(r"\s", "".join(every)) == spaces
    assert "a".join(every).split() == re.findall(r"\S+", "a".join(every))


@pytest.mark.parametrize("size", [0, 1, 7, 3000])
def test_the_key_table_finds_what_a_dict_finds(size: int) -> None:
    from stancekit.model.portable.keytable import KeyTable

    rng = np.random.default_rng(size)
    keys = rng.choice(2**62, size=size, replace=False)
    keys[: size // 2] = np.arange(size // 2) * 64  # keys that share low bits and slots
    values = rng.permutation(size)
    table = KeyTable(keys, values)
    asked = np.concatenate([keys, rng.integers(0, 2**62, 5000), np.arange(2000) * 64])
    expected = [dict(zip(keys.tolist(), values.tolist(), strict=True)).get(k, -1) for k in asked]
    assert table.find(asked).tolist() == expected
