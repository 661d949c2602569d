"""The label-weight simulation's helpers: held-out groups, summaries and the choosing rule."""

from __future__ import annotations

import pytest

from stancekit.annotate.labelweight import (
    Gain,
    choose_weight,
    held_out_groups,
    summarise_gains,
    weight_vector,
)
from stancekit.errors import UsageError


def test_groups_with_too_few_documents_are_left_out_largest_first() -> None:
    values = ["blog"] * 4 + ["news"] * 6 + ["faq"] * 2
    docs = ["b1", "b2", "b3", "b3", "n1", "n2", "n3", "n4", "n5", "n5", "f1", "f1"]
    assert held_out_groups(values, docs, min_documents=3) == ["news", "blog"]
    assert held_out_groups(values, docs, min_documents=1) == ["news", "blog", "faq"]
    assert held_out_groups(values, docs, min_documents=5) == ["news"]
    assert held_out_groups(values, docs, min_documents=6) == []


def _gains(table: dict[tuple[str, float], list[float]], k: int = 100) -> list[Gain]:
    return [
        Gain(kind, f"g{i}", arm, k, weight, value)
        for (kind, weight), values in table.items()
        for i, value in enumerate(values)
        for arm in ("queue", "random")
    ]


def test_the_rule_averages_groupings_with_equal_say() -> None:
    # voice has three groups, genre one: pooled over all groups w=3 would win (0.025 vs
    # 0.0175), with equal say per grouping w=10 wins (0.035 vs 0.0233...).
    gains = _gains(
        {
            ("voice", 3.0): [0.02, 0.02, 0.02],
            ("genre", 3.0): [0.04],
            ("voice", 10.0): [0.0, 0.0, 0.0],
            ("genre", 10.0): [0.07],
        }
    )
    chosen, scores = choose_weight(gains, k=100)
    assert chosen == 10.0
    assert scores[3.0] == pytest.approx(0.03)
    assert scores[10.0] == pytest.approx(0.035)


def test_ties_go_to_the_smaller_weight_and_other_k_is_ignored() -> None:
    gains = _gains({("voice", 1.0): [0.0101], ("voice", 30.0): [0.0099]})
    gains += _gains({("voice", 30.0): [0.5]}, k=25)
    assert choose_weight(gains, k=100)[0] == 1.0
    assert choose_weight(gains, k=100, decimals=4)[0] == 1.0
    assert choose_weight(gains, k=100, decimals=5)[0] == 1.0  # 0.0101 > 0.0099 anyway
    assert choose_weight(_gains({("voice", 1.0): [0.01], ("voice", 3.0): [0.02]}), 100)[0] == 3.0


def test_the_rule_refuses_missing_cells() -> None:
    with pytest.raises(UsageError, match="no gains at 100 labels"):
        choose_weight(_gains({("voice", 1.0): [0.0]}, k=25), k=100)
    with pytest.raises(UsageError, match="lacks grouping"):
        choose_weight(_gains({("voice", 1.0): [0.0], ("genre", 3.0): [0.0]}), k=100)


def test_summary_is_mean_sd_and_count_per_cell() -> None:
    gains = [
        Gain("genre", "a", "queue", 25, 3, 0.01),
        Gain("genre", "b", "queue", 25, 3, 0.03),
        Gain("genre", "a", "random", 25, 3, -0.02),
    ]
    summary = summarise_gains(gains)
    mean, sd, n = summary[("genre", 25, 3.0, "queue")]
    assert (mean, n) == (pytest.approx(0.02), 2)
    assert sd == pytest.approx(0.0141421, rel=1e-4)
    assert summary[("genre", 25, 3.0, "random")] == (pytest.approx(-0.02), 0.0, 1)


def test_weight_vector() -> None:
    assert weight_vector(2, 3, 10) == [1.0, 1.0, 10.0, 10.0, 10.0]
    with pytest.raises(UsageError, match="above 0"):
        weight_vector(2, 3, 0)
