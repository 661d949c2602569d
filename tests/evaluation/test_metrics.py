from __future__ import annotations

import numpy as np
import pytest

from stancekit.evaluation.metrics import (
    bootstrap_intervals,
    classification_metrics,
    curve_points,
    expected_calibration_error,
    resample_groups,
    top_label_reliability,
)

LABELS = ["abolitionist", "decriminalisation"]
Y = ["abolitionist", "abolitionist", "decriminalisation", "decriminalisation"]
# predicted: abol, decrim, decrim, decrim -> one error
P = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7]])


def test_scores_on_a_hand_checked_example() -> None:
    m = classification_metrics(Y, P, LABELS)
    assert m["accuracy"] == pytest.approx(0.75)
    # abolitionist: P=1, R=0.5, F1=2/3; decriminalisation: P=2/3, R=1, F1=0.8
    assert m["per_class"]["abolitionist"]["f1"] == pytest.approx(2 / 3)
    assert m["per_class"]["decriminalisation"]["precision"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    # decrim scores 0.8, 0.7 vs abol 0.1, 0.6: every positive outranks every negative
    assert m["roc_auc"] == pytest.approx(1.0) and m["average_precision"] == pytest.approx(1.0)
    # Brier of P(decrim): (0.1^2 + 0.6^2 + 0.2^2 + 0.3^2) / 4
    assert m["brier"] == pytest.approx((0.01 + 0.36 + 0.04 + 0.09) / 4)
    assert m["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.4, 0.8, 0.7])))
    assert m["confusion"] == {
        "abolitionist": {"abolitionist": 1, "decriminalisation": 1},
        "decriminalisation": {"abolitionist": 0, "decriminalisation": 2},
    }


def test_ece_by_hand() -> None:
    # confidences 0.9 (right), 0.6 (wrong), 0.8 (right), 0.7 (right): each alone in its bin
    expected = (abs(1 - 0.9) + abs(0 - 0.6) + abs(1 - 0.8) + abs(1 - 0.7)) / 4
    assert expected_calibration_error(Y, P, LABELS) == pytest.approx(expected)
    perfect = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert expected_calibration_error(Y, perfect, LABELS) == pytest.approx(0.0)


def test_auc_is_none_when_a_class_is_absent() -> None:
    m = classification_metrics(["abolitionist"], np.array([[0.7, 0.3]]), LABELS)
    assert m["roc_auc"] is None and m["average_precision"] is None


def test_three_class_metrics() -> None:
    labels = ["abolitionist", "decriminalisation", "neutral"]
    proba = np.eye(3)[[0, 1, 2, 2]] * 0.8 + 0.2 / 3
    m = classification_metrics(
        ["abolitionist", "decriminalisation", "neutral", "neutral"], proba, labels
    )
    assert m["macro_f1"] == pytest.approx(1.0) and m["roc_auc"] == pytest.approx(1.0)


def test_resampling_keeps_groups_whole() -> None:
    groups = ["a", "a", "b", "c", "c", "c"]
    for rows in resample_groups(groups, 50, seed=1):
        drawn = [groups[i] for i in rows]
        for g in set(drawn):
            assert drawn.count(g) % groups.count(g) == 0


def test_bootstrap_interval_brackets_the_point_and_is_seeded() -> None:
    rng = np.random.default_rng(0)
    y = ["abolitionist", "decriminalisation"] * 50
    noisy = np.clip(np.array([[1.0, 0.0], [0.0, 1.0]] * 50) + rng.normal(0, 0.4, (100, 2)), 0.01, 1)
    proba = noisy / noisy.sum(axis=1, keepdims=True)
    groups = [f"d{i // 4}" for i in range(100)]
    point = classification_metrics(y, proba, LABELS)["macro_f1"]
    a = bootstrap_intervals(y, proba, LABELS, groups, 300, seed=3)
    assert a["macro_f1"][0] < point < a["macro_f1"][1]
    assert a == bootstrap_intervals(y, proba, LABELS, groups, 300, seed=3)


def test_curve_points() -> None:
    curves = curve_points(Y, P, LABELS)
    assert curves["roc"][0] == {"fpr": 0.0, "tpr": 0.0} and curves["roc"][-1]["tpr"] == 1.0
    assert set(curves) == {"roc", "precision_recall"}
    assert sum(p["count"] for p in top_label_reliability(Y, P, LABELS)) == 4
    assert curve_points(["abolitionist"], np.array([[0.6, 0.4]]), LABELS)["roc"] == []
