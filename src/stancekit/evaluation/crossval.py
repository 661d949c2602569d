"""Grouped cross-validation: every fold holds out whole groups (documents, kinds of voice,
genres).

An *estimator factory* is any callable ``fit(texts, labels, documents) -> fitted`` whose result
has ``classes_`` and ``predict_proba``; the model (:func:`stancekit.model.pipeline.fit_pipeline`,
which uses the documents for its calibration folds) and the baselines
(:mod:`stancekit.evaluation.baselines`) all fit that shape, so they are scored on the same folds.
:func:`cross_validate_method` is the evaluate stage's
whole cross-validation, returned as its own result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stancekit.evaluation.metrics import classification_metrics
from stancekit.evaluation.results import CrossValidationResult, FoldSummary
from stancekit.model.folds import group_folds
from stancekit.params import EvaluateParams, TrainParams

Fit = Callable[[list[str], list[str], list[str]], Any]

#: Metrics summarised over folds.
FOLD_METRICS = ("accuracy", "macro_f1", "roc_auc", "average_precision", "log_loss", "brier", "ece")


def summarise(per_fold: list[dict[str, Any]]) -> FoldSummary:
    import numpy as np

    mean: dict[str, float | None] = {}
    std: dict[str, float | None] = {}
    for metric in FOLD_METRICS:
        values = [fold[metric] for fold in per_fold if fold.get(metric) is not None]
        mean[metric] = float(np.mean(values)) if values else None
        std[metric] = float(np.std(values)) if values else None
    return FoldSummary(folds=len(per_fold), mean=mean, std=std, per_fold=per_fold)


def _fit_and_score(
    fit: Fit,
    texts: list[str],
    labels: list[str],
    documents: list[str],
    train_index: list[int],
    test_index: list[int],
) -> dict[str, Any]:
    """One fold: fit on the training rows, score the test rows whose label the model knows."""
    model = fit(
        [texts[i] for i in train_index],
        [labels[i] for i in train_index],
        [documents[i] for i in train_index],
    )
    classes = [str(c) for c in model.classes_]
    test_labels = [labels[i] for i in test_index]
    scored = [k for k, y in enumerate(test_labels) if y in classes]
    proba = model.predict_proba([texts[test_index[k]] for k in scored])
    return classification_metrics([test_labels[k] for k in scored], proba, classes)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    fit: Fit,
    folds: int = 5,
    seed: int = 0,
    transform: Callable[[list[str]], list[str]] | None = None,
    train_fraction: float = 1.0,
    documents: Sequence[str] | None = None,
    jobs: int = 1,
) -> FoldSummary:
    """Fit and score ``fit`` on grouped folds.

    Parameters
    ----------
    texts, labels, groups : sequences of equal length
        Only the labels the estimator should learn; filter rows before calling.
    fit : callable
        ``fit(texts, labels, documents)`` returning a fitted estimator.
    folds, seed : int
        Number of folds (at most one per group) and the shuffle seed.
    transform : callable, optional
        Applied to training and test texts of every fold (e.g. term masking).
    train_fraction : float
        Share of each fold's training *groups* to fit on (learning curves); drawn with ``seed``.
    documents : sequence of str, optional
        Document of each row, passed to ``fit`` (default: ``groups``).
    jobs : int
        Folds fitted at once in worker processes (joblib); the result does not depend on it.
    """
    import numpy as np

    texts, labels, groups = list(texts), list(labels), list(groups)
    documents = list(documents) if documents is not None else groups
    if transform is not None:
        texts = transform(texts)
    rng = np.random.default_rng(seed)
    splits = []
    for train_index, test_index in group_folds(labels, groups, folds, seed):
        if train_fraction < 1.0:
            train_groups = sorted({groups[i] for i in train_index})
            keep_n = max(2, round(len(train_groups) * train_fraction))
            keep = set(rng.choice(train_groups, size=keep_n, replace=False).tolist())
            train_index = [i for i in train_index if groups[i] in keep]
        splits.append((train_index, test_index))
    if jobs == 1:
        per_fold = [_fit_and_score(fit, texts, labels, documents, a, b) for a, b in splits]
    else:
        from joblib import Parallel, delayed

        per_fold = Parallel(n_jobs=jobs)(
            delayed(_fit_and_score)(fit, texts, labels, documents, a, b) for a, b in splits
        )
    return summarise(list(per_fold))


def cross_validate_method(
    rows: Sequence[dict[str, Any]], train: TrainParams, params: EvaluateParams
) -> CrossValidationResult:
    """The evaluate stage's cross-validation of the method over ``rows`` (the whole corpus).

    The model with ``train`` settings and the baselines on the same folds, for each of
    ``params.cv_groupings``; a refit with the side-revealing terms masked; the learning curve;
    and every ``params.compare`` alternative, grouped by each of ``params.compare_groupings``.
    The learning curve and the comparison refit without the calibration step (faster; they
    compare macro-F1, which calibration barely moves).
    """
    from dataclasses import replace

    from stancekit.evaluation.baselines import LexiconBaseline, MajorityBaseline, mask_terms
    from stancekit.model.pipeline import fit_pipeline

    rows = [row for row in rows if row["label"] in train.labels]
    texts = [row["text"] for row in rows]
    labels = [row["label"] for row in rows]
    documents = [row["doc_id"] for row in rows]

    def run(fit: Fit, grouping: str, **options: Any) -> FoldSummary:
        groups = [str(row[grouping]) for row in rows]
        return cross_validate(
            texts,
            labels,
            groups,
            fit,
            params.cv_folds,
            params.seed,
            documents=documents,
            jobs=params.jobs,
            **options,
        )

    def model(settings: TrainParams) -> Fit:
        return lambda x, y, d: fit_pipeline(x, y, settings, d)

    baseline_fits: dict[str, Fit] = {
        "lexicon": lambda x, y, d: LexiconBaseline(language=params.language).fit(x, y),
        "majority": lambda x, y, d: MajorityBaseline().fit(x, y),
    }
    result = {grouping: run(model(train), grouping) for grouping in params.cv_groupings}
    baselines = {
        name: {grouping: run(fit, grouping) for grouping in params.cv_groupings}
        for name, fit in baseline_fits.items()
    }
    masked = run(model(train), "doc_id", transform=lambda t: mask_terms(t, params.mask_terms))
    # Which settings and how much data: macro-F1 questions, so these refits skip the calibration
    # step (five extra fits each), which moves probabilities far more than it moves labels.
    plain = replace(train, calibration=None)
    curve = [
        (share, run(model(plain), "doc_id", train_fraction=share))
        for share in params.learning_curve
    ]
    settings = {"current": {}, **{name: dict(o) for name, o in params.compare.items()}}
    comparison = {
        name: {
            grouping: run(model(replace(plain, **overrides)), grouping)
            for grouping in params.compare_groupings
        }
        for name, overrides in settings.items()
    }
    return CrossValidationResult(
        labels=sorted(set(labels)),
        model=result,
        baselines=baselines,
        masked=masked,
        learning_curve=curve,
        comparison=comparison if params.compare else {},
        settings=settings if params.compare else {},
    )
