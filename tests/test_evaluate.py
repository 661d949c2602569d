from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stancekit.errors import DataError
from stancekit.evaluate import evaluate, evaluate_predictions

LABELS = ["abolitionist", "decriminalisation"]


def test_metrics_on_a_hand_checked_example() -> None:
    y_true = ["abolitionist", "abolitionist", "decriminalisation", "decriminalisation"]
    # predicted: abol, decrim, decrim, decrim -> one error
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7]])
    report = evaluate_predictions(y_true, proba, LABELS, n_documents=2)
    assert report.accuracy == pytest.approx(0.75)
    # abolitionist: P=1, R=0.5, F1=2/3; decriminalisation: P=2/3, R=1, F1=0.8
    assert report.per_class["abolitionist"]["f1"] == pytest.approx(2 / 3)
    assert report.per_class["decriminalisation"]["precision"] == pytest.approx(2 / 3)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    # decrim scores 0.8, 0.7 vs abol 0.1, 0.6: every positive outranks every negative
    assert report.roc_auc == pytest.approx(1.0)
    assert report.confusion == {
        "abolitionist": {"abolitionist": 1, "decriminalisation": 1},
        "decriminalisation": {"abolitionist": 0, "decriminalisation": 2},
    }


def test_auc_is_none_when_a_class_is_absent() -> None:
    report = evaluate_predictions(["abolitionist"], np.array([[0.7, 0.3]]), LABELS, 1)
    assert report.roc_auc is None
    assert "n/a" in report.summary()


def test_metrics_nest_metric_then_split() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8]])
    metrics = evaluate_predictions(["abolitionist", "decriminalisation"], proba, LABELS, 2)
    nested = metrics.to_metrics()
    assert nested["macro_f1"] == {"test": 1.0}
    assert nested["per_class"]["abolitionist"]["recall"] == {"test": 1.0}


def test_evaluate_writes_metrics_and_plot_data(tiny_model: Path, tiny_corpus: Path) -> None:
    report = evaluate(tiny_model, tiny_corpus)
    metrics = json.loads((tiny_model / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["rows"]["test"] == 16 == report.n_rows
    assert metrics["unscored_rows"]["test"] == {"neutral": 8}
    assert metrics["accuracy"]["test"] == round(report.accuracy, 4)
    plot = (tiny_model / "plots" / "confusion.csv").read_text(encoding="utf-8").splitlines()
    assert plot[0] == "actual,predicted" and len(plot) == 17


def test_evaluate_without_a_test_split(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="stancekit prepare"):
        evaluate(tiny_model, tmp_path / "test.jsonl")
