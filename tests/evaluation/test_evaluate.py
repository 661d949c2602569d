from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import tiny_rows
from stancekit.data.labelled import read_labelled_table
from stancekit.data.prepare import prepare
from stancekit.errors import DataError
from stancekit.evaluation.crossval import cross_validate_method
from stancekit.evaluation.evaluate import evaluate, evaluate_file
from stancekit.evaluation.heldout import score_held_out
from stancekit.model.train import train
from stancekit.params import EvaluateParams, Params, PrepareParams, TrainParams
from stancekit.scoring.predictor import StancePredictor


@pytest.fixture
def held_out(tiny_model: Path, tiny_evaluate_params: EvaluateParams):
    predictor = StancePredictor.load(tiny_model)
    rows = tiny_rows()
    return score_held_out(predictor, rows, tiny_evaluate_params, [r["label"] for r in rows], "tiny")


def test_held_out_parts(held_out) -> None:
    assert held_out.test["rows"] == 24 and held_out.test_documents == 8
    assert held_out.unscored == {}
    assert held_out.labels == ["abolitionist", "decriminalisation", "neutral"]
    low, high = held_out.intervals["macro_f1"]
    assert low <= held_out.test["macro_f1"] <= high
    assert held_out.stance is not None and held_out.stance["model"]["rows"] == 16
    assert held_out.baselines["majority"]["macro_f1"] < held_out.test["macro_f1"]
    gap = held_out.lexicon_gap
    assert gap["point"] == pytest.approx(
        held_out.test["macro_f1"] - held_out.baselines["lexicon"]["macro_f1"]
    )
    assert held_out.beats_lexicon == (gap["low"] > 0)
    assert held_out.neutral == {}  # a three-class model does not abstain on neutral
    assert set(held_out.reliability) == {"calibrated", "uncalibrated"}
    assert held_out.uncalibrated is not None
    assert len(held_out.predictions) == 24
    assert all(e["actual"] != e["predicted"] for e in held_out.confident_errors)


def test_binary_model_reports_neutral_abstention(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    from dataclasses import replace

    model = tmp_path / "binary"
    train(
        replace(tiny_train_params, labels=("decriminalisation", "abolitionist")), tiny_corpus, model
    )
    rows = tiny_rows()
    result = score_held_out(
        StancePredictor.load(model), rows, EvaluateParams(threshold=0.99), [], "tiny"
    )
    assert result.unscored == {"neutral": 8}
    assert result.neutral["neutral_rows"] == 8
    # At a threshold of 0.99 almost every paragraph of a calibrated model abstains.
    assert result.neutral["neutral_abstained_share"] == 1.0


def test_cross_validation_result(
    tiny_train_params: TrainParams, tiny_evaluate_params: EvaluateParams
) -> None:
    from dataclasses import replace

    params = replace(tiny_evaluate_params, compare={"C_1": {"C": 1.0}})
    cv = cross_validate_method(tiny_rows(), tiny_train_params, params)
    assert set(cv.model) == {"doc_id", "voice", "genre"}
    assert set(cv.baselines) == {"lexicon", "majority"}
    assert set(cv.baselines["lexicon"]) == {"doc_id", "voice", "genre"}
    assert [s for s, _ in cv.learning_curve] == [0.5, 1.0]
    assert list(cv.comparison) == ["current", "C_1"]
    assert set(cv.comparison["C_1"]) == {"voice", "genre"}
    assert cv.settings["C_1"] == {"C": 1.0}
    assert cv.model["doc_id"].mean["macro_f1"] > cv.baselines["majority"]["doc_id"].mean["macro_f1"]


def test_pipeline_stage_writes_metrics_plots_and_report(
    tmp_path: Path,
    tiny_corpus: Path,
    tiny_train_params: TrainParams,
    tiny_evaluate_params: EvaluateParams,
) -> None:
    split = tmp_path / "prepared"
    prepare(PrepareParams(data=(str(tiny_corpus),), test_fraction=0.25, seed=0), split)
    model, out = tmp_path / "heldout", tmp_path / "out"
    train(tiny_train_params, split / "train.jsonl", model)
    params = Params(train=tiny_train_params, evaluate=tiny_evaluate_params)
    result = evaluate(params, model, split, out)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["rows"] == result.held_out.test["rows"]
    assert metrics["test"]["macro_f1"] == round(result.held_out.test["macro_f1"], 6)
    assert set(metrics["cv_macro_f1"]) == {"by_doc_id", "by_voice", "by_genre", "masked_by_doc_id"}
    details = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert details["cv"]["model"]["genre"]["macro_f1"]["mean"] == round(
        result.cv.model["genre"].mean["macro_f1"], 6
    )
    for name in ("confusion", "calibration", "coverage", "learning_curve"):
        with (out / "plots" / f"{name}.csv").open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) > 1, name
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Reliability" in html and "Coverage" in html and "Provenance" in html


def test_the_held_out_split_refuses_a_model_trained_on_it(
    tmp_path: Path, tiny_corpus: Path, tiny_train_params: TrainParams
) -> None:
    split = tmp_path / "prepared"
    prepare(PrepareParams(data=(str(tiny_corpus),), test_fraction=0.25, seed=0), split)
    model = tmp_path / "all"
    train(tiny_train_params, [split / "train.jsonl", split / "test.jsonl"], model)
    with pytest.raises(DataError, match=r"trained on .*test\.jsonl"):
        evaluate(Params(train=tiny_train_params), model, split, tmp_path / "out")


def test_missing_split(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="stancekit prepare"):
        evaluate(Params(), tiny_model, tmp_path, tmp_path / "out")


def test_evaluate_a_users_csv(
    tiny_model: Path, tmp_path: Path, tiny_evaluate_params: EvaluateParams
) -> None:
    path = tmp_path / "mine.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "stance", "outlet"])
        for r in tiny_rows():
            writer.writerow([r["text"], r["label"], r["doc_id"]])
    out = tmp_path / "out"
    result = evaluate_file(tiny_evaluate_params, path, out, tiny_model, "body", "stance", "outlet")
    assert result.held_out.test["rows"] == 24 and result.held_out.test_documents == 8
    assert result.cv is None
    assert (out / "metrics.json").is_file() and (out / "report.html").is_file()
    assert read_labelled_table(path, "body", "stance", "outlet")[0]["doc_id"] == "doc-0"
