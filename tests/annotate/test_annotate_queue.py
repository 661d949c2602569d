"""The annotate queue: uncertainty order, diversity, the random share, determinism, arguments."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from stancekit.annotate.queue import PER_WINDOW, WINDOW, rank, uncertainty
from stancekit.errors import InputError, UsageError


def probability_rows(n: int, seed: int = 1, k: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(k), size=n)


def worst_window(order: list[tuple[int, str]], doc_ids: list[str]) -> int:
    """The most paragraphs of one document in any WINDOW consecutive positions."""
    docs = [doc_ids[row] for row, _ in order]
    starts = range(max(1, len(docs) - WINDOW + 1))
    return max(max(Counter(docs[i : i + WINDOW]).values()) for i in starts)


def avoidable_breaches(order: list[tuple[int, str]], doc_ids: list[str]) -> list[int]:
    """Positions whose paragraph breaks the diversity rule although a paragraph of another
    document that keeps it was still waiting."""
    docs = [doc_ids[row] for row, _ in order]
    breaches = []
    for position, doc in enumerate(docs):
        recent = Counter(docs[max(0, position - WINDOW + 1) : position])
        blocked = {d for d, count in recent.items() if count >= PER_WINDOW}
        if doc in blocked and set(docs[position:]) - blocked:
            breaches.append(position)
    return breaches


def test_most_uncertain_first_by_margin() -> None:
    probabilities = np.array(
        [[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [0.6, 0.3, 0.1], [0.34, 0.33, 0.33]]
    )
    order = rank(probabilities, ["a", "b", "c", "d"], random_share=0.0)
    # margins: 0.85, 0.05, 0.3, 0.01
    assert [row for row, _ in order] == [3, 1, 2, 0]
    assert {how for _, how in order} == {"uncertainty"}


def test_entropy_and_margin_disagree_where_they_should() -> None:
    # Row 0 is a tie between two labels (margin 0, entropy ln 2); row 1 spreads over all three
    # (margin 0.1, entropy ~1.09).
    probabilities = np.array([[0.5, 0.5, 0.0], [0.4, 0.3, 0.3], [0.98, 0.01, 0.01]])
    docs = ["a", "b", "c"]
    by_margin = [row for row, _ in rank(probabilities, docs, strategy="margin", random_share=0)]
    by_entropy = [row for row, _ in rank(probabilities, docs, strategy="entropy", random_share=0)]
    assert by_margin == [0, 1, 2]
    assert by_entropy == [1, 0, 2]
    assert uncertainty(probabilities, "entropy")[0] == pytest.approx(np.log(2))


def test_ties_keep_row_order() -> None:
    probabilities = np.tile([0.5, 0.5], (5, 1))
    order = rank(probabilities, list("abcde"), random_share=0)
    assert [row for row, _ in order] == [0, 1, 2, 3, 4]


def test_diversity_spreads_one_document_when_avoidable() -> None:
    # Document "big" holds the 10 most uncertain rows; 8 other documents 5 rows each.
    n_big, others = 10, [f"o{i}" for i in range(8)]
    doc_ids = ["big"] * n_big + [doc for doc in others for _ in range(5)]
    margins = np.concatenate([np.linspace(0.0, 0.05, n_big), np.linspace(0.1, 0.9, 40)])
    top = (1 + margins) / 2
    probabilities = np.column_stack([top, 1 - top])
    for share in (0.0, 0.1, 0.3):
        order = rank(probabilities, doc_ids, random_share=share, seed=3)
        assert sorted(row for row, _ in order) == list(range(50))
        assert worst_window(order[:40], doc_ids) <= PER_WINDOW
        assert avoidable_breaches(order, doc_ids) == []
    plain = rank(probabilities, doc_ids, random_share=0.0)
    assert [row for row, _ in plain[:2]] == [0, 1]  # the most uncertain still lead
    assert doc_ids[plain[2][0]] != "big"


def test_diversity_holds_on_random_documents_until_unavoidable() -> None:
    rng = np.random.default_rng(7)
    doc_ids = [f"d{i}" for i in rng.integers(0, 12, size=300)]
    order = rank(probability_rows(300), doc_ids, random_share=0.1, seed=5)
    assert avoidable_breaches(order, doc_ids) == []
    assert worst_window(order[:250], doc_ids) <= PER_WINDOW
    unruly = [(row, "uncertainty") for row in np.argsort([int(d[1:]) for d in doc_ids])]
    assert avoidable_breaches(unruly, doc_ids)  # the checker can fail


def test_diversity_gives_way_when_one_document_is_left() -> None:
    probabilities = probability_rows(12)
    order = rank(probabilities, ["only"] * 12, random_share=0)
    margin = -uncertainty(probabilities, "margin")
    assert [row for row, _ in order] == list(np.argsort(margin, kind="stable"))


def test_random_share_size_positions_and_marking() -> None:
    n = 200
    order = rank(probability_rows(n), [f"d{i}" for i in range(n)], random_share=0.1, seed=0)
    random_positions = [p for p, (_, how) in enumerate(order) if how == "random"]
    assert random_positions == list(range(9, n, 10))
    assert {how for _, how in order} == {"random", "uncertainty"}
    assert rank(probability_rows(n), ["d"] * n, random_share=0.0)[0][1] == "uncertainty"
    everything = rank(probability_rows(n), [f"d{i}" for i in range(n)], random_share=1.0)
    assert {how for _, how in everything} == {"random"}
    quarter = rank(probability_rows(n), [f"d{i}" for i in range(n)], random_share=0.25, limit=40)
    assert sum(how == "random" for _, how in quarter) == 10


def test_random_picks_are_not_the_uncertain_ones() -> None:
    n = 1000
    probabilities = probability_rows(n)
    doc_ids = [f"d{i}" for i in range(n)]
    uncertain_place = {
        row: place for place, (row, _) in enumerate(rank(probabilities, doc_ids, random_share=0.0))
    }
    order = rank(probabilities, doc_ids, random_share=0.5, seed=11, limit=200)
    random_places = [uncertain_place[row] for row, how in order if how == "random"]
    sure_places = [uncertain_place[row] for row, how in order if how == "uncertainty"]
    assert max(sure_places) < 100 + 100  # uncertainty picks come from the top of the ranking
    assert np.mean(random_places) > 300  # random picks from anywhere (uniform mean ~500)


def test_deterministic_per_seed() -> None:
    probabilities = probability_rows(120)
    doc_ids = [f"d{i % 17}" for i in range(120)]
    first = rank(probabilities, doc_ids, random_share=0.2, seed=4)
    assert rank(probabilities, doc_ids, random_share=0.2, seed=4) == first
    other = rank(probabilities, doc_ids, random_share=0.2, seed=5)
    assert other != first
    assert [row for row, _ in rank(probabilities, doc_ids, random_share=1.0, seed=1)] != [
        row for row, _ in rank(probabilities, doc_ids, random_share=1.0, seed=2)
    ]


def test_exclude_and_limit() -> None:
    probabilities = probability_rows(50)
    doc_ids = [f"d{i % 6}" for i in range(50)]
    excluded = {0, 3, 7, 49}
    order = rank(probabilities, doc_ids, exclude=excluded, seed=2)
    assert len(order) == 46
    assert not excluded & {row for row, _ in order}
    assert len({row for row, _ in order}) == 46
    assert rank(probabilities, doc_ids, exclude=excluded, seed=2, limit=12) == order[:12]
    assert rank(probabilities, doc_ids, limit=0) == []
    assert len(rank(probabilities, doc_ids, limit=500)) == 50
    assert rank(probabilities, doc_ids, exclude=range(50)) == []


def test_empty_input() -> None:
    assert rank(np.zeros((0, 3)), []) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "hint"),
    [
        ({"strategy": "least-confident"}, UsageError, "use one of margin, entropy"),
        ({"random_share": -0.1}, UsageError, "fraction from 0"),
        ({"random_share": 1.5}, UsageError, "fraction from 0"),
        ({"random_share": True}, UsageError, "fraction from 0"),
        ({"seed": -1}, UsageError, "whole number"),
        ({"seed": 1.5}, UsageError, "whole number"),
        ({"limit": -3}, UsageError, "or None for all"),
        ({"exclude": [4]}, UsageError, "not a row index"),
        ({"exclude": [-1]}, UsageError, "not a row index"),
    ],
)
def test_bad_options(kwargs: dict, error: type, hint: str) -> None:
    with pytest.raises(error, match=hint):
        rank(probability_rows(4), list("abcd"), **kwargs)


@pytest.mark.parametrize(
    ("probabilities", "doc_ids", "hint"),
    [
        (np.array([0.5, 0.5]), ["a", "b"], "shape"),
        (np.ones((2, 1)), ["a", "b"], "k >= 2"),
        (np.full((3, 2), 0.5), ["a", "b"], "one document id per row"),
        (np.array([[np.nan, 0.5], [0.5, 0.5]]), ["a", "b"], "not scores or logits"),
        (np.array([[2.0, -1.0], [0.5, 0.5]]), ["a", "b"], "not scores or logits"),
        (np.array([[3.0, 1.0], [0.5, 0.5]]), ["a", "b"], "not scores or logits"),
        ([["x", "y"]], ["a"], "numeric"),
    ],
)
def test_bad_probabilities(probabilities: object, doc_ids: list[str], hint: str) -> None:
    with pytest.raises(InputError, match=hint):
        rank(probabilities, doc_ids)  # type: ignore[arg-type]


def test_docstring_example() -> None:
    import doctest

    import stancekit.annotate.queue as queue

    assert doctest.testmod(queue).failed == 0


def test_numpy_integers_and_floats_are_accepted() -> None:
    probabilities = probability_rows(30)
    doc_ids = [f"d{i % 4}" for i in range(30)]
    plain = rank(probabilities, doc_ids, random_share=0.2, seed=3, exclude=[1, 2], limit=9)
    numpy_args = rank(
        probabilities,
        np.array(doc_ids),
        random_share=np.float32(0.2),
        seed=np.int64(3),
        exclude=np.array([1, 2]),
        limit=np.int64(9),
    )
    assert numpy_args == plain
    assert all(type(row) is int for row, _ in numpy_args)


def test_many_rows_stay_a_permutation() -> None:
    n = 5_000
    doc_ids = [f"d{i % 500}" for i in range(n)]
    order = rank(probability_rows(n), doc_ids, seed=1)
    assert len(order) == n and len({row for row, _ in order}) == n
