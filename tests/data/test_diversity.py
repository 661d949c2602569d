from __future__ import annotations

import math

import pytest

from stancekit.data.diversity import (
    batch_similarity,
    distinct_ngram_share,
    diversity_markdown,
    repeated_openings,
    repeated_phrases,
    tokens,
)

COPIED = (
    "Rights not rescue: the outreach van in Leeds handed out condoms, bad-date sheets and legal "
    "advice to forty women last winter."
)
# Batch a shares a copied paragraph with b and writes about the same services as b (one
# paragraph is nearer c); c is apart.
A = [
    "Parliament adjourned the debate on the licensing amendment until the autumn session.",
    "The drop-in centre now opens at eight on weekdays and closes at six.",
    "Volunteers on the helpline answer calls in three languages.",
    COPIED,
]
B = [
    "Our drop-in centre opens at nine and closes at five on weekdays.",
    COPIED,
    "Donations fund the helpline, which answers calls in four languages.",
]
C = [
    "A survey of massage parlours in Melbourne counted fewer licences than a decade before.",
    "Parliament adjourned the debate on the amendment until the spring session.",
]


def test_tokens_lowercase_drop_punctuation_and_keep_apostrophes() -> None:
    assert tokens("Don\u2019t PANIC, it's 2024!") == ["don't", "panic", "it's", "2024"]


def test_distinct_share_is_one_without_repeats() -> None:
    assert distinct_ngram_share(["a b c d e", "f g h i"]) == 1.0


def test_distinct_share_known_fraction() -> None:
    # 4-grams: (a b c d), (b c d e), (a b c d) -> 2 distinct of 3; the 3-word text has none.
    assert distinct_ngram_share(["A b c d e.", "a, b, c, d", "x y z"]) == pytest.approx(2 / 3)
    # n=2 over "a a a a": (a a) x 3, one distinct.
    assert distinct_ngram_share(["a a a a"], n=2) == pytest.approx(1 / 3)


def test_distinct_share_with_no_ngrams_is_one() -> None:
    assert distinct_ngram_share(["too short", ""]) == 1.0


def test_repeated_openings_counted_exactly() -> None:
    texts = [
        "Let me be clear: the law failed.",
        "let me be clear, nobody asked us.",
        "Let me be CLEAR — again.",
        "We call on the minister to act.",
        "We call on the committee to listen.",
        "Let me be honest about this.",
        "Only once here.",
        "Only once here.",
        "",
    ]
    assert repeated_openings(texts) == [
        ("let me be clear", 3),
        ("only once here", 2),
        ("we call on the", 2),
    ]
    assert repeated_openings(texts, words=2, top=1) == [("let me", 4)]
    assert repeated_openings(["One two three four.", "Five six seven eight."]) == []


def test_repeated_phrases_count_paragraphs_not_occurrences() -> None:
    texts = [
        "end demand end demand end demand",
        "they say end demand works",
        "nothing in common here at all",
    ]
    assert repeated_phrases(texts, n=2) == [("end demand", 2)]


def test_repeated_phrases_merge_shifted_copies_of_one_run() -> None:
    run = "the protection of communities and exploited persons act"
    texts = [f"Under {run} of 2014.", f"Since {run} came in.", f"Repeal {run} now."]
    assert repeated_phrases(texts, merge_overlaps=False)[0][1] == 3
    assert len(repeated_phrases(texts, merge_overlaps=False)) == 3
    assert repeated_phrases(texts) == [("of communities and exploited persons act", 3)]


def test_copied_paragraph_across_batches_is_found() -> None:
    result = {r.name: r for r in batch_similarity({"a": A, "b": B, "c": C})}
    assert result["a"].max_nn == pytest.approx(1.0)
    assert result["b"].max_nn == pytest.approx(1.0)
    assert result["a"].closest_batch == "b"
    assert result["b"].closest_batch == "a"
    assert result["c"].max_nn < 0.9
    assert result["c"].closest_batch in {"a", "b"}
    assert result["a"].paragraphs == 4
    assert result["a"].mean_nn <= result["a"].p95_nn <= result["a"].max_nn


def test_paragraph_copied_within_a_batch_is_not_its_own_neighbour() -> None:
    result = {r.name: r for r in batch_similarity({"a": [*A, COPIED], "c": C})}
    assert result["a"].max_nn < 0.9


def test_single_or_empty_batch_gives_nan() -> None:
    (only,) = batch_similarity({"only": A})
    assert (only.name, only.paragraphs, only.closest_batch) == ("only", 4, None)
    assert all(math.isnan(v) for v in (only.mean_nn, only.p95_nn, only.max_nn))
    empty = {r.name: r for r in batch_similarity({"a": A, "empty": []})}
    assert math.isnan(empty["empty"].mean_nn)
    assert empty["a"].closest_batch is None


def test_similarity_is_computed_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    import stancekit.data.diversity as diversity

    whole = batch_similarity({"a": A, "b": B, "c": C})
    monkeypatch.setattr(diversity, "BLOCK_ROWS", 2)
    assert batch_similarity({"a": A, "b": B, "c": C}) == whole


def test_markdown_has_the_tables() -> None:
    def rows(name: str, texts: list[str]) -> list[dict]:
        return [{"doc_id": f"{name}-{i // 2}", "text": t} for i, t in enumerate(texts)]

    md = diversity_markdown(
        {"a.jsonl": rows("a", A), "b.jsonl": rows("b", B), "c.jsonl": rows("c", C)}
    )
    assert md.startswith("### Diversity")
    assert "9 paragraphs in 5 documents from 3 file(s)" in md
    assert "| batch | paragraphs | documents | distinct 4-grams | mean NN |" in md
    assert "| a.jsonl | 4 | 2 |" in md
    assert "1.00 | b.jsonl |" in md
    assert "| paragraphs | text |" in md
    assert "“rights not rescue the”" in md
    assert "No opening" not in md
    assert md.endswith("\n")


def test_similarity_matches_a_brute_force_cosine() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    batches = {"a": A, "b": B, "c": C}
    texts = [*A, *B, *C]
    owner = np.array(["a"] * len(A) + ["b"] * len(B) + ["c"] * len(C))
    sims = cosine_similarity(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    )
    sims[owner[:, None] == owner[None, :]] = -1
    best = sims.max(axis=1)
    for result in batch_similarity(batches):
        mine = best[owner == result.name]
        assert result.mean_nn == pytest.approx(mine.mean())
        assert result.p95_nn == pytest.approx(np.percentile(mine, 95))
        assert result.max_nn == pytest.approx(mine.max())


def test_texts_without_vocabulary_score_zero() -> None:
    result = batch_similarity({"a": ["", "!"], "b": ["x y"]})
    assert [r.max_nn for r in result] == [0.0, 0.0]
