from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stancekit.errors import ModelLoadError, ModelNotFoundError, ParamsError
from stancekit.model.locate import CARD_FILE, MODEL_FILE, resolve_model_dir
from stancekit.model.persist import load_model, read_card
from stancekit.scoring.predictor import StancePredictor

PROBE = ["Decriminalise sex work now.", "End demand and criminalise the buyers."]


def test_round_trip_gives_identical_probabilities(tiny_model: Path, tmp_path: Path) -> None:
    import joblib

    pipeline, card = load_model(tiny_model, trust_pickle=True)
    expected = pipeline.predict_proba(PROBE)
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in (MODEL_FILE, CARD_FILE, "model.json", "model.npz"):
        (copy / name).write_bytes((tiny_model / name).read_bytes())
    np.testing.assert_array_equal(StancePredictor.load(copy).predict_proba(PROBE), expected)
    np.testing.assert_array_equal(joblib.load(copy / MODEL_FILE).predict_proba(PROBE), expected)
    assert card.labels == [str(c) for c in pipeline.classes_]


def test_load_accepts_the_joblib_path(tiny_model: Path) -> None:
    assert (
        StancePredictor.load(tiny_model / MODEL_FILE).labels
        == StancePredictor.load(tiny_model).labels
    )


def test_default_model_dir_comes_from_the_environment(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCEKIT_MODEL", str(tiny_model))
    assert resolve_model_dir(None) == tiny_model
    assert StancePredictor.load().labels


def test_missing_model_says_which_command_makes_one(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="stancekit train"):
        load_model(tmp_path, trust_pickle=True)


def test_corrupt_model_file(tiny_model: Path) -> None:
    (tiny_model / MODEL_FILE).write_bytes(b"not a pickle")
    with pytest.raises(ModelLoadError, match="does not match the hash"):
        load_model(tiny_model, trust_pickle=True)


def test_corrupt_model_without_hash_cannot_be_unpickled(tiny_model: Path) -> None:
    card = json.loads((tiny_model / CARD_FILE).read_text(encoding="utf-8"))
    card["model_sha256"] = ""
    (tiny_model / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    (tiny_model / MODEL_FILE).write_bytes(b"not a pickle")
    with pytest.raises(ModelLoadError, match="cannot be loaded"):
        load_model(tiny_model, trust_pickle=True)


def test_model_from_another_sklearn_version(tiny_model: Path) -> None:
    card = json.loads((tiny_model / CARD_FILE).read_text(encoding="utf-8"))
    card["libraries"]["scikit-learn"] = "0.24.2"
    (tiny_model / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"scikit-learn 0\.24\.2"):
        load_model(tiny_model, trust_pickle=True)


def test_corrupt_card(tiny_model: Path) -> None:
    (tiny_model / CARD_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="corrupt"):
        read_card(tiny_model)


def test_the_card_is_deterministic(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stancekit.model.persist import build_time
    from stancekit.model.train import train
    from stancekit.params import TrainParams

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_time() == "1970-01-01T00:00:00+00:00"
    params = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1))
    cards = [(train(params, tiny_corpus, tmp_path / d), tmp_path / d / CARD_FILE) for d in "ab"]
    assert cards[0][1].read_bytes() == cards[1][1].read_bytes()
    assert cards[0][0].created_at == "1970-01-01T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    assert build_time() == "2025-11-28T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ParamsError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        build_time()


def test_the_projects_model_is_found_from_any_folder_inside_it(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    project = tmp_path / "project"
    shutil.copytree(tiny_model, project / "models")
    (project / "dvc.yaml").write_text("stages: {}\n", encoding="utf-8")
    deep = project / "examples" / "more"
    deep.mkdir(parents=True)
    monkeypatch.delenv("STANCEKIT_MODEL", raising=False)
    monkeypatch.chdir(deep)
    assert resolve_model_dir(None) == project / "models"
    assert StancePredictor.load().labels
    monkeypatch.chdir(project)
    assert resolve_model_dir(None) == Path("models")
    # $STANCEKIT_MODEL and an explicit path still come first
    monkeypatch.chdir(deep)
    monkeypatch.setenv("STANCEKIT_MODEL", str(tiny_model))
    assert resolve_model_dir(None) == tiny_model
    assert resolve_model_dir(tmp_path / "other") == tmp_path / "other"
    # outside any project, with no packaged model: models/ of the current folder, as before
    # (with one: tests/model/test_locate.py)
    monkeypatch.delenv("STANCEKIT_MODEL")
    monkeypatch.setattr("stancekit.model.locate.PACKAGED_DIR", tmp_path / "none")
    monkeypatch.chdir(tmp_path)
    assert resolve_model_dir(None) == Path("models")
