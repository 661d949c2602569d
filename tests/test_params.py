from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from stancekit.errors import ParamsError
from stancekit.labels import LABELS
from stancekit.params import Params, load_params, params_from_dict


def test_repo_params_load_and_default_to_the_calibrated_three_class_model() -> None:
    params = load_params(REPO / "params.yaml")
    assert params.train.labels == LABELS
    assert params.train.calibration == "sigmoid"
    assert set(params.evaluate.cv_groupings) >= {"voice", "genre"}
    assert isinstance(params.train.ngram_range, tuple)
    assert 0 < params.prepare.test_fraction < 1


def test_empty_mapping_gives_defaults() -> None:
    assert params_from_dict({}) == Params()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"train": {"labels": ["decriminalisation", "pro"]}}, "unknown label"),
        ({"train": {"labels": ["neutral"]}}, "at least two"),
        ({"train": {"C": 0}}, "train.C"),
        ({"train": {"class_weight": "heavy"}}, "class_weight"),
        ({"train": {"ngram_range": [2, 1]}}, "ngram_range"),
        ({"train": {"alpha": 1}}, "unknown key"),
        ({"prepare": {"test_fraction": 1.5}}, "test_fraction"),
        ({"prepare": {"data": []}}, "no files"),
        ({"serve": {}}, "unknown params group"),
        ({"train": [1, 2]}, "must be a mapping"),
    ],
)
def test_invalid_params_are_rejected_with_a_clear_message(raw: dict, message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        params_from_dict(raw)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "params.yaml")


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("train: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(path)
