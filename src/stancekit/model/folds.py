"""Grouped folds: train/test splits that never put one group (a document, a kind of voice, a
genre) on both sides. Used by cross-validation (:mod:`stancekit.evaluation.crossval`) and by the
model's calibration folds (:mod:`stancekit.model.pipeline`)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

from stancekit.errors import DataError


def group_folds(
    labels: Sequence[str], groups: Sequence[str], folds: int, seed: int
) -> Iterator[tuple[list[int], list[int]]]:
    """``StratifiedGroupKFold`` train/test indexes; fewer folds if there are fewer groups.

    Raises
    ------
    DataError
        If there are fewer than two groups.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    n_groups = len(set(groups))
    if n_groups < 2:
        raise DataError(f"cross-validation needs at least two groups, got {n_groups}.")
    splitter = StratifiedGroupKFold(n_splits=min(folds, n_groups), shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "least populated class has only N members"
        for train_index, test_index in splitter.split(list(labels), list(labels), list(groups)):
            yield list(train_index), list(test_index)
