"""stancekit.evaluation.summary: the text ``stancekit evaluate`` prints, on a hand-made
evaluation."""

from __future__ import annotations

from dataclasses import replace

import evaluation_factory as factory
from stancekit.evaluation.summary import summary

STANCE_LINE = (
    "stance only (decriminalisation vs abolitionist rows, higher of the two): "
    "macro-F1 0.913 [0.850, 0.960]"
)


def lines(evaluation) -> list[str]:
    return summary(evaluation).splitlines()


def test_headline_lines_come_first_with_intervals() -> None:
    out = lines(factory.evaluation())
    assert out[0] == (
        "30 paragraphs from 11 documents of the held-out split "
        "(abolitionist, decriminalisation, neutral)"
    )
    assert out[1].startswith("macro-F1 0.697 [0.588, 0.799]   accuracy 0.733 [0.612, 0.823]")
    assert out[2] == STANCE_LINE
    assert out[3] == "hard cases: accuracy 0.889 on 9 paragraphs"
    assert out[4] == "masked side-revealing terms (test-time): macro-F1 0.621"
    assert out[5] == ("ECE 0.041   Brier 0.235   log loss 0.412   (before calibration: ECE 0.160)")


def test_per_class_rows_and_confusion() -> None:
    out = lines(factory.evaluation())
    neutral = next(line for line in out if line.startswith("neutral "))
    assert neutral.split() == ["neutral", "0.811", "0.722", "0.457", "10"]
    header = out.index("confusion (rows: actual, columns: predicted)")
    assert out[header + 1].split() == ["abolitionist", "decriminalisation", "neutral"]
    assert out[header + 4].split() == ["neutral", "1", "1", "7"]


def test_baselines_carry_the_stance_only_and_hard_scores_of_the_lexicon() -> None:
    out = lines(factory.evaluation())
    assert "  lexicon   macro-F1 0.543   stance only 0.700   hard cases 0.333" in out
    assert "  majority  macro-F1 0.167" in out
    assert (
        "  model - lexicon: +0.154 [+0.021, +0.291] -> the model beats the lexicon beyond the "
        "interval"
    ) in out


def test_a_gap_whose_interval_reaches_zero_does_not_beat_the_lexicon() -> None:
    evaluation = factory.evaluation(cv=False)
    held_out = replace(evaluation.held_out, lexicon_gap={"point": 0.05, "low": 0.0, "high": 0.1})
    text = summary(replace(evaluation, held_out=held_out))
    assert "the model does NOT beat the lexicon" in text


def test_coverage_line_at_round_thresholds() -> None:
    assert (
        "coverage (answered share -> accuracy) at threshold 0.5: 100% -> 0.733, "
        "0.6: 80% -> 0.792, 0.7: 60% -> 0.889"
    ) in lines(factory.evaluation())


def test_cross_validation_table_and_feature_comparison_rows() -> None:
    out = lines(factory.evaluation())
    assert out[
        out.index("grouped cross-validation over the whole corpus (mean ± std over folds):") + 2
    ].split() == [
        "macro-F1",
        "by",
        "doc_id",
        "0.841",
        "±",
        "0.031",
        "0.601",
        "±",
        "0.031",
        "0.167",
        "±",
        "0.031",
    ]
    assert any(line.split()[:3] == ["macro-F1", "by", "genre"] for line in out)
    assert "  masked terms, refit         0.701 ± 0.031" in out
    assert (
        "  learning curve (macro-F1 by share of training documents): "
        "50% 0.751 ± 0.031, 100% 0.841 ± 0.031"
    ) in out
    start = out.index("feature comparison (macro-F1, grouped CV):")
    assert out[start + 1].split() == ["setting", "by", "voice", "by", "genre"]
    assert out[start + 2].split() == ["current", "0.761", "±", "0.031", "0.721", "±", "0.031"]
    assert out[start + 3].split() == ["chars", "0.780", "±", "0.031", "0.700", "±", "0.031"]


def test_no_comparison_no_comparison_table() -> None:
    text = summary(factory.evaluation(comparison=False))
    assert "grouped cross-validation" in text
    assert "feature comparison" not in text


def test_no_cross_validation_no_cross_validation_lines() -> None:
    text = summary(factory.evaluation(cv=False))
    assert "grouped cross-validation" not in text and "feature comparison" not in text
    assert STANCE_LINE in text.splitlines()


def test_binary_summary_reports_abstention_and_unscored_rows() -> None:
    evaluation = replace(factory.evaluation(cv=False), held_out=factory.binary_held_out())
    out = lines(evaluation)
    text = "\n".join(out)
    assert "stance only" not in text and "hard cases" not in text
    assert "before calibration" not in text
    assert (
        "abstention at p < 0.6: 42% of 12 neutral paragraphs, 10% of stance paragraphs "
        "(accuracy on the rest 0.951)"
    ) in out
    assert out[-1] == "not scored (labels the model does not predict): 12 neutral"


def test_a_class_absent_from_the_data_is_warned_about() -> None:
    evaluation = factory.evaluation(cv=False)
    test = dict(evaluation.held_out.test)
    test["per_class"] = {**test["per_class"], "neutral": {**test["per_class"]["neutral"]}}
    test["per_class"]["neutral"]["support"] = 0
    text = summary(replace(evaluation, held_out=replace(evaluation.held_out, test=test)))
    assert "warning: no neutral paragraphs in these data" in text
    assert "warning" not in summary(factory.evaluation(cv=False))
