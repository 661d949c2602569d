"""Property-based tests (issue 12, section 3): generated inputs look for faults that hand-picked
cases miss. Example counts stay modest so the suite stays fast."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ABOL, DECRIM, NEUTRAL
from stancekit.errors import StancekitError

FEW = settings(
    max_examples=int(os.environ.get("STANCEKIT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Texts of any characters but surrogates (not encodable), weighted toward the ones that matter:
# white space of every kind, line separators, quotes, delimiters, controls, BOMs.
_SPECIAL = " \t\n\r\x0b\x0c\x1c\x85\u2028\u2029\u00a0\u3000\ufeff\"',;|\\\x00\x1b"
texts = st.text(
    st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(list(_SPECIAL))),
    max_size=300,
)


def _non_space(text: str) -> str:
    return "".join(text.split())


@FEW
@given(text=texts, max_chars=st.sampled_from([None, 7, 50, 20_000]))
def test_segmentation_loses_no_text(text: str, max_chars: int | None) -> None:
    """Every non-white-space character comes back, in order (the date line and empty-link
    markers, which segmentation removes on purpose, are left out of the generated texts)."""
    from stancekit.scoring.segment import segment_document

    assume("](" not in text and not re.match(r"\s*date", text.lstrip("\ufeff")))
    assume(not text.startswith("\ufeff"))
    document = segment_document(text, max_chars)
    assert _non_space("".join(document.paragraphs)) == _non_space(text.replace("\r", "\n"))
    assert all(p and p == p.strip() for p in document.paragraphs)
    if max_chars is not None:
        assert all(len(p) <= max_chars for p in document.paragraphs)


@FEW
@given(
    rows=st.lists(texts, min_size=1, max_size=5),
    fmt=st.sampled_from(["csv", "tsv", "jsonl", "parquet"]),
)
def test_writers_and_readers_round_trip_any_unicode(rows: list[str], fmt: str) -> None:
    from stancekit.scoring.read import iter_records
    from stancekit.scoring.rows import ScoredParagraph
    from stancekit.scoring.write import write_results

    labels = ("abolitionist", "decriminalisation", "neutral")
    probabilities = dict(zip(labels, (0.2, 0.3, 0.5), strict=True))
    scored = [
        ScoredParagraph(f"d{i}", 0, text, None, "neutral", probabilities, 0.2, {"note": text})
        for i, text in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out.{fmt}"
        with path.open(
            "wb" if fmt == "parquet" else "w",
            **({} if fmt == "parquet" else {"encoding": "utf-8", "newline": ""}),
        ) as handle:
            assert write_results(scored, handle, fmt, labels) == len(rows)
        records = list(iter_records([str(path)]))
    assert [r.text for r in records] == rows
    assert [r.extra["note"] for r in records] == rows


_TRAIN = DECRIM + ABOL + NEUTRAL
_WORDS = sorted({w for t in _TRAIN for w in re.findall(r"\w+", t.lower())})
word_texts = st.lists(
    st.one_of(st.sampled_from(_WORDS), st.sampled_from(["", "!", "É", "ß", "the", "sex"]), texts),
    max_size=30,
).map(" ".join)


@pytest.fixture(scope="module")
def vectorizers() -> list:
    from sklearn.feature_extraction.text import TfidfVectorizer

    settings_ = [
        {"ngram_range": (1, 1)},
        {"ngram_range": (1, 2), "sublinear_tf": True},
        {"ngram_range": (1, 2), "min_df": 2, "max_df": 0.5, "norm": "l1"},
        {"ngram_range": (2, 2), "lowercase": False, "use_idf": False},
    ]
    return [TfidfVectorizer(**kw).fit(_TRAIN) for kw in settings_]


@FEW
@given(batch=st.lists(word_texts, min_size=1, max_size=8))
def test_the_fast_vectoriser_equals_scikit_learn(vectorizers: list, batch: list[str]) -> None:
    from stancekit.model.vectorize import FastWordFeatures

    for vectorizer in vectorizers:
        fast = FastWordFeatures.for_vectorizer(vectorizer)
        assert fast is not None
        expected, got = vectorizer.transform(batch), fast.transform(batch)
        assert expected.shape == got.shape and expected.dtype == got.dtype
        assert (expected != got).nnz == 0


_SUFFIXES = [".csv", ".tsv", ".jsonl", ".parquet", ".txt"]
raw = st.one_of(
    st.binary(max_size=400),
    texts.map(lambda t: t.encode("utf-8")),
    st.lists(
        st.one_of(
            st.just(b'{"text": "a"}'),
            st.just(b'{"text": 1}'),
            st.just(b"text,id"),
            st.just(b'"x'),
            st.just(b"\xff\xfe"),
            st.just(b"PAR1"),
            texts.map(lambda t: t.encode("utf-8")),
        ),
        max_size=6,
    ).map(b"\n".join),
)


@FEW
@given(
    data=raw,
    suffix=st.sampled_from(_SUFFIXES),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
def test_readers_raise_only_stancekit_errors(data: bytes, suffix: str, encoding: str) -> None:
    from stancekit.io.jsonl import read_jsonl
    from stancekit.io.tables import open_table
    from stancekit.scoring.read import SourceOptions, iter_records

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        calls = [lambda: list(iter_records([str(path)], SourceOptions(encoding=encoding)))]
        if suffix in (".csv", ".tsv", ".jsonl"):
            calls.append(lambda: list(open_table(path, encoding)))
            calls.append(lambda: list(read_jsonl(path, encoding=encoding)))
        for call in calls:
            with contextlib.suppress(StancekitError):
                call()


@FEW
@given(data=raw, lines=st.booleans())
def test_stdin_raises_only_stancekit_errors(data: bytes, lines: bool) -> None:
    from stancekit.scoring.read import SourceOptions, iter_records

    stdin = io.TextIOWrapper(io.BytesIO(data))
    with contextlib.suppress(StancekitError):
        list(iter_records(["-"], SourceOptions(lines=lines), stdin))


@pytest.fixture(scope="module")
def portable_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """The default (three-class, calibrated) pipeline fitted on the inline corpus, and its
    portable files loaded back."""
    from stancekit.model.pipeline import fit_pipeline
    from stancekit.model.portable.export import save_portable
    from stancekit.model.portable.files import load_portable
    from stancekit.params import TrainParams

    labels = ["decriminalisation"] * 8 + ["abolitionist"] * 8 + ["neutral"] * 8
    documents = [f"doc-{i % 8}" for i in range(24)]
    pipeline = fit_pipeline(
        DECRIM + ABOL + NEUTRAL,
        labels,
        TrainParams(min_df=1, max_df=1.0, calibration_folds=4),
        documents,
    )
    folder = tmp_path_factory.mktemp("portable")
    save_portable(pipeline, folder)
    return pipeline, load_portable(folder)


@FEW
@given(batch=st.lists(st.one_of(texts, word_texts), min_size=1, max_size=6))
def test_the_portable_model_equals_the_pipeline(portable_pair: tuple, batch: list[str]) -> None:
    import numpy as np

    pipeline, portable = portable_pair
    assert np.abs(portable.predict_proba(batch) - pipeline.predict_proba(batch)).max() <= 1e-12
