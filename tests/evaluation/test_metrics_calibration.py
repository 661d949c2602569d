"""Calibration, coverage and stance-only metrics of stancekit.evaluation.metrics, against
hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest

from stancekit.evaluation.metrics import (
    coverage,
    expected_calibration_error,
    paired_bootstrap_gap,
    reliability_bins,
    stance_columns,
    top_label_reliability,
)

A, D, N = "abolitionist", "decriminalisation", "neutral"
LABELS = [A, D, N]
# Highest probability, predicted label, right? 0.68 D right | 0.45 A wrong | 0.83 N right |
# 0.38 A (a tie with N: the first column wins) wrong | 0.64 A right
Y = [D, D, N, N, A]
P = np.array(
    [
        [0.22, 0.68, 0.10],
        [0.45, 0.35, 0.20],
        [0.07, 0.10, 0.83],
        [0.38, 0.24, 0.38],
        [0.64, 0.26, 0.10],
    ]
)


def test_reliability_bins_by_hand() -> None:
    confidence = [0.05, 0.1, 0.15, 0.5, 0.55, 0.95, 1.0]
    correct = [True, False, True, True, False, True, True]
    # Bins are (0, 0.1], (0.1, 0.2], ... (0.9, 1]: 0.1 and 0.5 close their bins; 1.0 is in the
    # last one; empty bins are left out.
    assert reliability_bins(np.array(confidence), np.array(correct)) == [
        {"confidence": pytest.approx(0.075), "accuracy": 0.5, "count": 2},
        {"confidence": pytest.approx(0.15), "accuracy": 1.0, "count": 1},
        {"confidence": pytest.approx(0.5), "accuracy": 1.0, "count": 1},
        {"confidence": pytest.approx(0.55), "accuracy": 0.0, "count": 1},
        {"confidence": pytest.approx(0.975), "accuracy": 1.0, "count": 2},
    ]


def test_reliability_bins_fewer_bins() -> None:
    out = reliability_bins(np.array([0.2, 0.5, 0.51, 0.9]), np.array([0, 1, 1, 0]), bins=2)
    assert out == [
        {"confidence": pytest.approx(0.35), "accuracy": 0.5, "count": 2},
        {"confidence": pytest.approx(0.705), "accuracy": 0.5, "count": 2},
    ]
    assert all(type(p["count"]) is int and type(p["accuracy"]) is float for p in out)


def test_top_label_reliability_by_hand() -> None:
    assert top_label_reliability(Y, P, LABELS) == [
        {"confidence": pytest.approx(0.38), "accuracy": 0.0, "count": 1},
        {"confidence": pytest.approx(0.45), "accuracy": 0.0, "count": 1},
        {"confidence": pytest.approx(0.66), "accuracy": 1.0, "count": 2},
        {"confidence": pytest.approx(0.83), "accuracy": 1.0, "count": 1},
    ]


def test_expected_calibration_error_by_hand() -> None:
    # (0.38 + 0.45 + 2 * (1 - 0.66) + (1 - 0.83)) / 5
    assert expected_calibration_error(Y, P, LABELS) == pytest.approx(1.68 / 5)
    # The same probabilities with every label right: only the under-confidence is left.
    right = [LABELS[i] for i in P.argmax(axis=1)]
    expected = (0.62 + 0.55 + 2 * 0.34 + 0.17) / 5
    assert expected_calibration_error(right, P, LABELS) == pytest.approx(expected)


def test_coverage_by_hand() -> None:
    points = coverage(Y, P, LABELS, thresholds=(0.3, 0.4, 0.45, 0.5, 0.7, 0.9))
    assert points == [
        {"threshold": 0.3, "coverage": 1.0, "accuracy": pytest.approx(3 / 5)},
        {"threshold": 0.4, "coverage": 0.8, "accuracy": pytest.approx(3 / 4)},
        # a row exactly at the threshold is answered (``predict --threshold`` keeps p >= t)
        {"threshold": 0.45, "coverage": 0.8, "accuracy": pytest.approx(3 / 4)},
        {"threshold": 0.5, "coverage": 0.6, "accuracy": 1.0},
        {"threshold": 0.7, "coverage": 0.2, "accuracy": 1.0},
        # 0.9: nothing answered, left out
    ]


def test_default_coverage_thresholds() -> None:
    points = coverage(Y, P, LABELS)
    assert [p["threshold"] for p in points] == [
        0.3,
        0.35,
        0.4,
        0.45,
        0.5,
        0.55,
        0.6,
        0.65,
        0.7,
        0.75,
        0.8,
    ]
    assert [p["coverage"] for p in points] == [
        1.0,
        1.0,
        0.8,
        0.8,
        0.6,
        0.6,
        0.6,
        0.4,
        0.2,
        0.2,
        0.2,
    ]


def test_stance_columns_renormalise_the_two_stances() -> None:
    y = [D, N, A, A]
    proba = np.array([[0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.0, 0.0, 1.0], [0.6, 0.2, 0.2]])
    rows, sub = stance_columns(y, proba, LABELS, [D, A])
    assert rows == [0, 2, 3]
    # columns in the order of the stances asked for; no stance probability at all: 0.5 each
    np.testing.assert_allclose(sub, [[0.75, 0.25], [0.5, 0.5], [0.25, 0.75]])
    rows, sub = stance_columns(y, proba, LABELS, [A, D])
    np.testing.assert_allclose(sub, [[0.25, 0.75], [0.5, 0.5], [0.75, 0.25]])


def test_stance_columns_without_stance_rows() -> None:
    rows, sub = stance_columns([N, N], np.array([[0.2, 0.2, 0.6]] * 2), LABELS, [A, D])
    assert rows == [] and sub.shape == (0, 2)


def test_paired_gap_by_hand_and_antisymmetric() -> None:
    labels = [A, D]
    y = [A, A, D, D, A, D]
    groups = ["g1", "g1", "g2", "g2", "g3", "g3"]
    perfect = np.eye(2)[[0, 0, 1, 1, 0, 1]]
    always_a = np.tile([0.9, 0.1], (6, 1))
    gap = paired_bootstrap_gap(y, perfect, always_a, labels, groups, 300, 0)
    # always A: F1(A) = 2 * 3 / (2 * 3 + 3) = 2/3, F1(D) = 0 -> macro 1/3
    assert gap["point"] == pytest.approx(1 - 1 / 3)
    assert gap["low"] <= gap["point"] <= gap["high"] <= 1.0
    reverse = paired_bootstrap_gap(y, always_a, perfect, labels, groups, 300, 0)
    assert reverse == {
        "point": pytest.approx(-gap["point"]),
        "low": pytest.approx(-gap["high"]),
        "high": pytest.approx(-gap["low"]),
    }
    same = paired_bootstrap_gap(y, perfect, perfect, labels, groups, 300, 0)
    assert same == {"point": 0.0, "low": 0.0, "high": 0.0}
