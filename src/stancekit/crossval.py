"""Grouped cross-validation: every fold holds out whole groups (documents, or kinds of voice).

An *estimator factory* is any callable ``fit(texts, labels) -> fitted`` whose result has
``classes_`` and ``predict_proba``; the model (:func:`stancekit.train.fit_pipeline`) and the
baselines (:mod:`stancekit.baselines`) all fit that shape, so they are scored on the same folds.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from stancekit.errors import DataError
from stancekit.metrics import classification_metrics

Fit = Callable[[list[str], list[str]], Any]

#: Metrics summarised over folds.
FOLD_METRICS = ("accuracy", "macro_f1", "roc_auc", "average_precision", "log_loss", "brier", "ece")


@dataclass(frozen=True)
class FoldSummary:
    """Mean and standard deviation of each metric over the folds, and the per-fold values."""

    folds: int
    mean: dict[str, float | None]
    std: dict[str, float | None]
    per_fold: list[dict[str, Any]]

    def format(self, metric: str) -> str:
        mean, std = self.mean.get(metric), self.std.get(metric)
        return "n/a" if mean is None else f"{mean:.3f} ± {std:.3f}"


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


def summarise(per_fold: list[dict[str, Any]]) -> FoldSummary:
    import numpy as np

    mean: dict[str, float | None] = {}
    std: dict[str, float | None] = {}
    for metric in FOLD_METRICS:
        values = [fold[metric] for fold in per_fold if fold.get(metric) is not None]
        mean[metric] = float(np.mean(values)) if values else None
        std[metric] = float(np.std(values)) if values else None
    return FoldSummary(folds=len(per_fold), mean=mean, std=std, per_fold=per_fold)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    fit: Fit,
    folds: int = 5,
    seed: int = 0,
    transform: Callable[[list[str]], list[str]] | None = None,
    train_fraction: float = 1.0,
) -> FoldSummary:
    """Fit and score ``fit`` on grouped folds.

    Parameters
    ----------
    texts, labels, groups : sequences of equal length
        Only the labels the estimator should learn; filter rows before calling.
    fit : callable
        ``fit(texts, labels)`` returning a fitted estimator.
    folds, seed : int
        Number of folds (at most one per group) and the shuffle seed.
    transform : callable, optional
        Applied to training and test texts of every fold (e.g. term masking).
    train_fraction : float
        Share of each fold's training *groups* to fit on (learning curves); drawn with ``seed``.
    """
    import numpy as np

    texts, labels, groups = list(texts), list(labels), list(groups)
    if transform is not None:
        texts = transform(texts)
    rng = np.random.default_rng(seed)
    per_fold = []
    for train_index, test_index in group_folds(labels, groups, folds, seed):
        if train_fraction < 1.0:
            train_groups = sorted({groups[i] for i in train_index})
            keep_n = max(2, round(len(train_groups) * train_fraction))
            keep = set(rng.choice(train_groups, size=keep_n, replace=False).tolist())
            train_index = [i for i in train_index if groups[i] in keep]
        model = fit([texts[i] for i in train_index], [labels[i] for i in train_index])
        classes = [str(c) for c in model.classes_]
        test_labels = [labels[i] for i in test_index]
        scored = [k for k, y in enumerate(test_labels) if y in classes]
        proba = model.predict_proba([texts[test_index[k]] for k in scored])
        per_fold.append(classification_metrics([test_labels[k] for k in scored], proba, classes))
    return summarise(per_fold)
