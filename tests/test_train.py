from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import ABOL, DECRIM, NEUTRAL, tiny_rows, write_jsonl
from stancekit.errors import DataError
from stancekit.files import sha256_file
from stancekit.model import fit_pipeline
from stancekit.params import TrainParams
from stancekit.persist import CARD_FILE
from stancekit.predictor import StancePredictor
from stancekit.train import train

TEXTS = DECRIM + ABOL + NEUTRAL
LABELS = ["decriminalisation"] * 8 + ["abolitionist"] * 8 + ["neutral"] * 8


def test_same_seed_gives_identical_probabilities(tiny_train_params: TrainParams) -> None:
    probe = ["Sex workers need rights.", "Buyers must be criminalised."]
    a = fit_pipeline(TEXTS, LABELS, tiny_train_params).predict_proba(probe)
    b = fit_pipeline(TEXTS, LABELS, tiny_train_params).predict_proba(probe)
    np.testing.assert_array_equal(a, b)


def test_binary_model_ignores_neutral_rows(tiny_train_params: TrainParams) -> None:
    from dataclasses import replace

    binary = replace(tiny_train_params, labels=("decriminalisation", "abolitionist"))
    pipeline = fit_pipeline(TEXTS, LABELS, binary)
    assert sorted(pipeline.classes_) == ["abolitionist", "decriminalisation"]


def test_three_class_switch(tiny_train_params: TrainParams) -> None:
    params = TrainParams(
        **{**tiny_train_params.__dict__, "labels": ("decriminalisation", "abolitionist", "neutral")}
    )
    assert len(fit_pipeline(TEXTS, LABELS, params).classes_) == 3


def test_learns_the_training_data(tiny_train_params: TrainParams) -> None:
    pipeline = fit_pipeline(TEXTS, LABELS, tiny_train_params)
    assert list(pipeline.predict(TEXTS)) == LABELS


def test_one_class_is_an_error(tiny_train_params: TrainParams) -> None:
    with pytest.raises(DataError, match="label"):
        fit_pipeline(DECRIM, ["decriminalisation"] * 8, tiny_train_params)


def test_train_writes_model_and_card(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    card = train(tiny_train_params, tiny_corpus, tmp_path / "m")
    saved = json.loads((tmp_path / "m" / CARD_FILE).read_text(encoding="utf-8"))
    predictor = StancePredictor.load(tmp_path / "m")
    assert saved["labels"] == list(predictor.labels) == card.labels
    assert saved["training_data"]["files"] == {str(tiny_corpus): sha256_file(tiny_corpus)}
    assert saved["training_data"]["rows"] == 24
    assert saved["training_data"]["documents"] == 8
    assert saved["training_data"]["rows_per_label"] == {
        "abolitionist": 8,
        "decriminalisation": 8,
        "neutral": 8,
    }
    assert saved["evaluation"] is None
    assert saved["params"]["C"] == tiny_train_params.C
    assert set(saved["libraries"]) >= {"python", "scikit-learn", "numpy", "joblib", "stancekit"}
    assert saved["created_at"]


def test_missing_training_split(tmp_path: Path, tiny_train_params: TrainParams) -> None:
    with pytest.raises(DataError, match="stancekit prepare"):
        train(tiny_train_params, tmp_path / "train.jsonl", tmp_path / "m")


def test_min_df_that_removes_every_term(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", tiny_rows())
    with pytest.raises(DataError, match="min_df"):
        train(TrainParams(min_df=50), path, tmp_path / "m")


def test_saved_model_is_byte_identical_across_processes(tmp_path: Path, tiny_corpus: Path) -> None:
    """Same data and seed -> same model.joblib bytes, even under hash randomisation."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from stancekit.params import TrainParams\n"
        "from stancekit.train import train\n"
        "train(TrainParams(min_df=1), sys.argv[1], sys.argv[2])\n"
    )
    digests = set()
    for run, hash_seed in enumerate(["1", "2"]):
        out = tmp_path / f"m{run}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", code, str(tiny_corpus), str(out)], env=env, check=True
        )
        digests.add(sha256_file(out / "model.joblib"))
    assert len(digests) == 1
