"""The simulated annotator's helpers: pool/test split, retrain schedule, queue and random draws."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from stancekit.annotate.simulate import (
    draw_at_random,
    draw_by_queue,
    mean_sd,
    retrain_schedule,
    split_groups,
)
from stancekit.errors import UsageError


def org_column(seed: int = 0) -> list[str]:
    sizes = np.random.default_rng(seed).integers(1, 7, size=30)
    return [f"org-{i}" for i, size in enumerate(sizes) for _ in range(size)]


def test_split_keeps_groups_whole_and_halves_even() -> None:
    groups = org_column()
    pool = split_groups(groups, seed=1)
    sides: dict[str, set[bool]] = {}
    for group, side in zip(groups, pool, strict=True):
        sides.setdefault(group, set()).add(side)
    assert all(len(s) == 1 for s in sides.values())
    largest = max(Counter(groups).values())
    assert abs(sum(pool) - (len(pool) - sum(pool))) <= largest
    assert 0 < sum(pool) < len(pool)


def test_split_is_seeded() -> None:
    groups = org_column()
    assert split_groups(groups, seed=3) == split_groups(groups, seed=3)
    assert split_groups(groups, seed=3) != split_groups(groups, seed=4)


def test_split_needs_two_groups() -> None:
    with pytest.raises(UsageError, match="at least two"):
        split_groups(["one"] * 5, seed=0)


def test_retrain_schedule() -> None:
    assert retrain_schedule([0, 10, 25, 50, 100], 10) == [0, 10, 20, 25, *range(30, 101, 10)]
    assert retrain_schedule([0, 7], 5) == [0, 5, 7]
    assert retrain_schedule([0], 10) == [0]
    with pytest.raises(UsageError, match="1 or greater"):
        retrain_schedule([10], 0)
    with pytest.raises(UsageError, match="0 or greater"):
        retrain_schedule([-1, 10], 10)


class FakeModel:
    """Probabilities that depend on the rows labelled: unsure of rows whose index is close to
    ``focus``, where ``focus`` moves by 20 with each retrain."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls: list[list[int]] = []

    def __call__(self, labelled: list[int]) -> np.ndarray:
        self.calls.append(list(labelled))
        focus = 20 * (len(self.calls) - 1)
        distance = np.minimum(np.abs(np.arange(self.n) - focus) / self.n, 1.0)
        top = 0.5 + 0.5 * distance
        return np.column_stack([top, 1 - top])


def test_queue_draw_retrains_on_schedule_and_follows_the_model() -> None:
    n = 200
    model = FakeModel(n)
    doc_ids = [f"d{i}" for i in range(n)]
    drawn = draw_by_queue(model, doc_ids, [0, 10, 25], retrain_every=10, random_share=0.0)
    assert [len(call) for call in model.calls] == [0, 10, 20]
    assert model.calls[2] == drawn[:20]
    assert len(drawn) == 25 and len(set(drawn)) == 25
    # Each batch is the head of the queue of the model retrained before it.
    assert sorted(drawn[:10]) == list(range(10))  # focus 0: rows 0..9
    assert set(drawn[10:20]) <= set(range(10, 31))  # focus 20, rows 0..9 taken
    assert set(drawn[20:25]) <= set(range(35, 46))  # focus 40


def test_queue_draw_marks_random_share_and_stops_at_the_pool() -> None:
    n = 30
    drawn = draw_by_queue(FakeModel(n), [f"d{i % 7}" for i in range(n)], [0, 10, 25, 50, 100])
    assert sorted(drawn) == list(range(n))
    with_random = draw_by_queue(FakeModel(200), [f"d{i}" for i in range(200)], [10], seed=5)
    assert with_random[:9] == sorted(with_random[:9])  # the uncertain head...
    assert with_random[9] not in range(9, 12)  # ...and one random pick (seeded), not the next


def test_random_draw_is_seeded_prefix_and_capped() -> None:
    first = draw_at_random(50, 25, seed=2)
    assert len(set(first)) == 25 and all(0 <= i < 50 for i in first)
    assert draw_at_random(50, 10, seed=2) == first[:10]
    assert draw_at_random(50, 25, seed=3) != first
    assert sorted(draw_at_random(50, 100, seed=2)) == list(range(50))


def test_mean_sd() -> None:
    assert mean_sd([0.5, 0.7]) == pytest.approx((0.6, np.sqrt(0.02)))
    assert mean_sd([0.4]) == (0.4, 0.0)
    with pytest.raises(UsageError, match="at least one"):
        mean_sd([])


def test_docstring_examples() -> None:
    import doctest

    import stancekit.annotate.simulate as simulate

    assert doctest.testmod(simulate).failed == 0
