from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import tiny_rows, write_jsonl
from stancekit.errors import DataError, InputError
from stancekit.evaluate import (
    add_cross_validation,
    evaluate,
    evaluate_file,
    evaluate_on_rows,
    read_labelled_table,
    top_terms,
)
from stancekit.params import EvaluateParams, Params, PrepareParams, TrainParams
from stancekit.predictor import StancePredictor
from stancekit.prepare import prepare
from stancekit.train import train


@pytest.fixture
def report(tiny_model: Path, tiny_evaluate_params: EvaluateParams):
    predictor = StancePredictor.load(tiny_model)
    rows = tiny_rows()
    return evaluate_on_rows(
        predictor, rows, tiny_evaluate_params, [r["label"] for r in rows], "tiny"
    )


def test_held_out_parts(report) -> None:
    assert report.test["rows"] == 16 and report.test_documents == 8
    assert report.unscored == {"neutral": 8}
    low, high = report.intervals["macro_f1"]
    assert low <= report.test["macro_f1"] <= high
    assert set(report.baselines) == {"majority", "lexicon"}
    assert report.baselines["majority"]["test"]["macro_f1"] < report.test["macro_f1"]
    gap = report.lexicon_gap
    assert gap["point"] == pytest.approx(
        report.test["macro_f1"] - report.baselines["lexicon"]["test"]["macro_f1"]
    )
    assert report.beats_lexicon == (gap["low"] > 0)
    assert (
        report.neutral["neutral_rows"] == 8 and 0 <= report.neutral["neutral_abstained_share"] <= 1
    )
    assert len(report.predictions) == 16
    assert all(e["actual"] != e["predicted"] for e in report.confident_errors)


def test_top_terms_point_the_right_way(tiny_model: Path) -> None:
    terms = top_terms(StancePredictor.load(tiny_model).pipeline, n=5)
    assert set(terms) == {"abolitionist", "decriminalisation"}
    assert all(weight > 0 for _, weight in terms["decriminalisation"])
    words = {t for t, _ in terms["abolitionist"]}
    assert words & {"buyers", "buyer", "pimps", "prostitution", "women", "exit", "demand"}


def test_cross_validation_parts_and_metrics_nesting(
    report,
    tiny_train_params: TrainParams,
    tiny_evaluate_params: EvaluateParams,
) -> None:
    full = add_cross_validation(report, tiny_rows(), tiny_train_params, tiny_evaluate_params)
    assert set(full.cv) == {"doc_id", "voice"}
    assert full.three_class is not None and [s for s, _ in full.learning_curve] == [0.5, 1.0]
    metrics = full.to_metrics()
    assert metrics["macro_f1"]["test"] == round(full.test["macro_f1"], 6)
    assert set(metrics["macro_f1"]["cv_doc_id"]) == {"mean", "std"}
    assert metrics["baselines"]["lexicon"]["macro_f1"]["cv_voice"]["mean"] is not None
    assert metrics["masked"]["macro_f1"]["cv_doc_id"]["mean"] is not None
    assert set(metrics["learning_curve_macro_f1"]) == {"50%", "100%"}
    json.dumps(metrics)  # serialisable as it is
    summary = full.summary()
    assert "macro-F1 by doc_id" in summary and "learning curve" in summary


def test_pipeline_stage_writes_metrics_plots_and_report(
    tmp_path: Path,
    tiny_corpus: Path,
    tiny_train_params: TrainParams,
    tiny_evaluate_params: EvaluateParams,
) -> None:
    split = tmp_path / "prepared"
    prepare(PrepareParams(data=(str(tiny_corpus),), test_fraction=0.25, seed=0), split)
    model = tmp_path / "model"
    train(tiny_train_params, split / "train.jsonl", model)
    params = Params(train=tiny_train_params, evaluate=tiny_evaluate_params)
    result = evaluate(params, model, split)
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["rows"]["test"] == result.test["rows"]
    for name in ("confusion", "roc", "precision_recall", "calibration", "learning_curve"):
        with (model / "plots" / f"{name}.csv").open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)), name
    html = (model / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 5
    assert "most confident errors" in html and "Top terms" in html


def test_missing_split(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="stancekit prepare"):
        evaluate(Params(), tiny_model, tmp_path)


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
    assert result.test["rows"] == 16 and result.test_documents == 8 and not result.cv
    assert (out / "metrics.json").is_file() and (out / "report.html").is_file()


def test_read_labelled_table_defaults_and_errors(tmp_path: Path) -> None:
    rows = read_labelled_table(write_jsonl(tmp_path / "a.jsonl", tiny_rows()))
    assert rows[0]["doc_id"] == "doc-0"
    plain = write_jsonl(tmp_path / "b.jsonl", [{"text": "x", "label": "neutral"}])
    assert read_labelled_table(plain)[0]["doc_id"] == "row-1"
    with pytest.raises(InputError, match=r"no column 'body'.*columns are: text, label"):
        read_labelled_table(plain, text_column="body")
    bad = write_jsonl(tmp_path / "c.jsonl", [{"text": "x", "label": "pro"}])
    with pytest.raises(InputError, match="row 1 has label 'pro'"):
        read_labelled_table(bad)
    with pytest.raises(InputError, match="unknown format"):
        read_labelled_table(tmp_path / "d.parquet")
    with pytest.raises(InputError, match="no such file"):
        read_labelled_table(tmp_path / "missing.csv")
