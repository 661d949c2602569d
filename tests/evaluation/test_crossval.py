from __future__ import annotations

from conftest import ABOL, DECRIM
from stancekit.evaluation.baselines import MajorityBaseline
from stancekit.evaluation.crossval import cross_validate
from stancekit.model.pipeline import fit_pipeline
from stancekit.params import TrainParams

TEXTS = DECRIM + ABOL
LABELS = ["decriminalisation"] * 8 + ["abolitionist"] * 8
GROUPS = [f"doc-{i % 8}" for i in range(16)]


def test_model_beats_majority_on_the_same_folds(tiny_train_params: TrainParams) -> None:
    model = cross_validate(
        TEXTS, LABELS, GROUPS, lambda x, y, d: fit_pipeline(x, y, tiny_train_params, d), 4, 0
    )
    majority = cross_validate(
        TEXTS, LABELS, GROUPS, lambda x, y, d: MajorityBaseline().fit(x, y), 4, 0
    )
    assert model.folds == majority.folds == 4
    assert model.mean["macro_f1"] > majority.mean["macro_f1"]
    assert model.format("macro_f1").count("±") == 1


def test_transform_and_train_fraction_are_applied() -> None:
    seen: list[int] = []

    def fit(x: list[str], y: list[str], d: list[str]) -> MajorityBaseline:
        seen.append(len(x))
        assert all(t == "masked" for t in x)
        return MajorityBaseline().fit(x, y)

    cross_validate(
        TEXTS,
        LABELS,
        GROUPS,
        fit,
        4,
        0,
        transform=lambda t: ["masked"] * len(t),
        train_fraction=0.5,
    )
    assert max(seen) <= 8  # half of the 6 training documents, 2 paragraphs each


def test_parallel_folds_give_the_same_figures(tiny_train_params: TrainParams) -> None:
    def fit(x: list[str], y: list[str], d: list[str]):
        return fit_pipeline(x, y, tiny_train_params, d)

    one = cross_validate(TEXTS, LABELS, GROUPS, fit, 4, 0, jobs=1)
    two = cross_validate(TEXTS, LABELS, GROUPS, fit, 4, 0, jobs=2)
    assert one.per_fold == two.per_fold
