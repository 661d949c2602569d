from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import ABOL, DECRIM, NEUTRAL, tiny_rows, write_jsonl
from stancekit.errors import DataError, StancekitWarning
from stancekit.io.files import sha256_file
from stancekit.model.locate import CARD_FILE
from stancekit.model.pipeline import fit_pipeline
from stancekit.model.train import train
from stancekit.params import TrainParams
from stancekit.scoring.predictor import StancePredictor

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
        "from stancekit.model.train import train\n"
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


# --- a user's own labels, with and without the corpus ------------------------------------------

USER_CSV = (
    "body,stance\n"
    '"Zebra licences protect night workers.",pro\n'
    '"Zebra licences shield exploiters.",anti\n'
    '"The zebra count was published.",other\n'
)


def _user_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(USER_CSV, encoding="utf-8")
    return path


def _train_user(tmp_path: Path, params: TrainParams, corpus: Path, name: str, **kw) -> dict:
    from stancekit.data.labelled import Columns
    from stancekit.labels import parse_label_map

    card = train(
        params,
        _user_csv(tmp_path),
        tmp_path / name,
        columns=Columns(text="body", label="stance"),
        label_map=parse_label_map("pro=decriminalisation,anti=abolitionist,other=neutral"),
        corpus=[corpus],
        **kw,
    )
    return card.training_data


def test_user_rows_are_added_to_the_corpus_and_the_card_says_so(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    data = _train_user(tmp_path, tiny_train_params, tiny_corpus, "m", weight=2)
    assert data["rows"] == 24 + 3 and data["corpus_rows"] == 24
    assert data["documents"] == 8 + 3  # each CSV row its own document
    assert data["files"] == {str(tmp_path / "mine.csv"): sha256_file(tmp_path / "mine.csv")}
    assert data["corpus_files"] == {str(tiny_corpus): sha256_file(tiny_corpus)}
    assert data["weight"] == 2.0
    assert data["label_map"] == {
        "anti": "abolitionist",
        "other": "neutral",
        "pro": "decriminalisation",
    }
    StancePredictor.load(tmp_path / "m")  # the card with the new keys passes its schema


def test_without_corpus_only_the_users_rows(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    from dataclasses import replace

    params = replace(tiny_train_params, calibration=None)  # three documents, one per label
    with pytest.warns(StancekitWarning, match="--weight 5 has no effect"):
        data = _train_user(tmp_path, params, tiny_corpus, "m", with_corpus=False, weight=5)
    assert data["rows"] == 3 and "corpus_files" not in data and "weight" not in data


def test_the_default_weight_is_the_shared_constant(
    tmp_path: Path,
    tiny_corpus: Path,
    tiny_train_params: TrainParams,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No --weight: the user's rows weigh stancekit.labels.USER_LABEL_WEIGHT; without the
    corpus that default is no reason to warn (only a weight the user gave is)."""
    import warnings
    from dataclasses import replace

    import stancekit.labels

    monkeypatch.setattr(stancekit.labels, "USER_LABEL_WEIGHT", 7.0)
    assert _train_user(tmp_path, tiny_train_params, tiny_corpus, "m")["weight"] == 7.0
    params = replace(tiny_train_params, calibration=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = _train_user(tmp_path, params, tiny_corpus, "m2", with_corpus=False)
    assert "weight" not in data


def test_the_weight_changes_the_model(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    """The weight reaches the logistic regression: the user's rows count more (uncalibrated,
    so the probabilities are the regression's own)."""
    from dataclasses import replace

    params = replace(tiny_train_params, calibration=None)
    probe = ["Zebra licences protect night workers."]
    light = _train_user(tmp_path, params, tiny_corpus, "light", weight=1)
    heavy = _train_user(tmp_path, params, tiny_corpus, "heavy", weight=20)
    assert light["rows"] == heavy["rows"]
    p_light = StancePredictor.load(tmp_path / "light").predict_proba(probe)[0]
    p_heavy = StancePredictor.load(tmp_path / "heavy").predict_proba(probe)[0]
    labels = list(StancePredictor.load(tmp_path / "heavy").labels)
    decr = labels.index("decriminalisation")
    assert p_heavy[decr] > p_light[decr] + 0.01


def test_a_prepared_split_never_gets_the_corpus_added(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    """The split already holds corpus documents: training on it with the corpus (the default)
    trains on exactly the split's rows; asking for the corpus is an error, not a leak."""
    from stancekit.data.corpus import read_split

    split = write_jsonl(tmp_path / "prepared" / "train.jsonl", tiny_rows()[:18])
    card = train(tiny_train_params, split, tmp_path / "m", corpus=[tiny_corpus])
    assert card.training_data["rows"] == len(read_split(split)) == 18
    assert card.training_data["documents"] == 6
    assert "corpus_files" not in card.training_data
    with pytest.raises(DataError, match="drop --with-corpus"):
        train(tiny_train_params, split, tmp_path / "m2", corpus=[tiny_corpus], with_corpus=True)


def test_a_corpus_file_given_as_data_is_not_read_twice(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    card = train(tiny_train_params, tiny_corpus, tmp_path / "m", corpus=[tiny_corpus])
    assert card.training_data["rows"] == 24 and "corpus_files" not in card.training_data


def test_the_user_reader_gives_the_splits_rows(tmp_path: Path) -> None:
    from stancekit.data.corpus import read_split
    from stancekit.data.labelled import read_user_labels

    split = write_jsonl(tmp_path / "train.jsonl", tiny_rows())
    assert read_user_labels(split) == read_split(split)


def test_a_weight_must_be_positive(tmp_path: Path, tiny_corpus: Path) -> None:
    with pytest.raises(DataError, match="--weight must be above 0"):
        train(TrainParams(), tiny_corpus, tmp_path / "m", weight=0)


def test_annotated_rows_in_a_prepared_split_weigh_the_user_weight(
    tmp_path: Path, tiny_train_params: TrainParams
) -> None:
    """The DVC pipeline's case: data/labels rows reach train inside the prepared split; they
    weigh the user weight there too, and a split of corpus rows alone trains unweighted."""
    from stancekit.model.train import row_weights

    rows = tiny_rows()
    for row in rows[:3]:
        row["origin"] = "annotated"
    assert row_weights(rows, 3.0) == [3.0] * 3 + [1.0] * (len(rows) - 3)
    assert row_weights(tiny_rows(), 3.0) is None  # the shipped corpus: no weights at all
    assert row_weights(rows[:3], 3.0) is None  # all yours: uniform weights would only rescale C
    split = write_jsonl(tmp_path / "train.jsonl", rows)
    card = train(tiny_train_params, split, tmp_path / "m", with_corpus=False, weight=3.0)
    assert card.training_data["weight"] == 3.0 and card.training_data["weighted_rows"] == 3
    plain = train(tiny_train_params, split, tmp_path / "p", with_corpus=False, weight=1.0)
    assert "weight" not in plain.training_data
    texts = [row["text"] for row in rows]
    weighted = StancePredictor.load(tmp_path / "m").predict_proba(texts)
    unweighted = StancePredictor.load(tmp_path / "p").predict_proba(texts)
    assert not np.allclose(weighted, unweighted)  # the weight reached the fit
