from __future__ import annotations

import pytest

from stancekit.errors import DataError
from stancekit.model.folds import group_folds

LABELS = ["decriminalisation"] * 8 + ["abolitionist"] * 8
GROUPS = [f"doc-{i % 8}" for i in range(16)]


def test_folds_never_split_a_group() -> None:
    folds = list(group_folds(LABELS, GROUPS, 4, seed=0))
    assert len(folds) == 4
    for train, test in folds:
        assert {GROUPS[i] for i in train}.isdisjoint({GROUPS[i] for i in test})
    assert sorted(i for _, test in folds for i in test) == list(range(16))


def test_fewer_groups_than_folds_and_one_group() -> None:
    assert len(list(group_folds(LABELS, ["a", "b"] * 8, 5, seed=0))) == 2
    with pytest.raises(DataError, match="at least two groups"):
        list(group_folds(LABELS, ["a"] * 16, 5, seed=0))
