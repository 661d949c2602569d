"""stancekit.evaluation.metrics_file: the headline (metrics.json), the details (evaluation.json)
and the readable headline lines, checked exactly on a hand-made evaluation."""

from __future__ import annotations

import json
from dataclasses import replace

import evaluation_factory as factory
from stancekit.evaluation.metrics_file import details, headline, headline_lines

#: The hand-made evaluation's figures, rounded to six digits by hand.
EXPECTED_HEADLINE = {
    "test": {
        "rows": 30,
        "documents": 11,
        "macro_f1": 0.697237,
        "macro_f1_low": 0.587654,
        "macro_f1_high": 0.798765,
        "accuracy": 0.733333,
        "neutral_f1": 0.456789,
        "stance_macro_f1": 0.913457,
        "hard_accuracy": 0.888889,
        "ece": 0.041235,
        "ece_uncalibrated": 0.159877,
        "masked_macro_f1": 0.621235,
    },
    "lexicon_test": {"macro_f1": 0.54322, "stance_macro_f1": 0.700123, "hard_accuracy": 0.333333},
    "cv_macro_f1": {
        "by_doc_id": 0.841235,
        "by_voice": 0.761235,
        "by_genre": 0.721235,
        "masked_by_doc_id": 0.701235,
    },
    "cv_lexicon_macro_f1": {"by_doc_id": 0.601235, "by_voice": 0.591235, "by_genre": 0.581235},
}


def binary_evaluation():
    return replace(factory.evaluation(cv=False), held_out=factory.binary_held_out())


def test_headline_has_exactly_the_rounded_figures() -> None:
    assert headline(factory.evaluation()) == EXPECTED_HEADLINE


def test_headline_sections_are_flat_mappings_of_numbers() -> None:
    for section, figures in headline(factory.evaluation()).items():
        assert isinstance(figures, dict), section
        for name, value in figures.items():
            assert type(value) in (int, float), (section, name)
    assert type(EXPECTED_HEADLINE["test"]["rows"]) is int


def test_headline_of_a_binary_model_without_cross_validation() -> None:
    out = headline(binary_evaluation())
    assert set(out) == {"test", "lexicon_test"}
    assert list(out["test"]) == [
        "rows",
        "documents",
        "macro_f1",
        "macro_f1_low",
        "macro_f1_high",
        "accuracy",
        "ece",
        "masked_macro_f1",
    ]
    assert out["lexicon_test"] == {"macro_f1": 0.54322}


def test_headline_lines_print_every_headline_figure() -> None:
    lines = headline_lines(headline(factory.evaluation()))
    assert lines == [
        "held-out     macro-F1 0.697 [0.588, 0.799], accuracy 0.733, neutral F1 0.457, "
        "stance-only macro-F1 0.913, hard cases 0.889, ECE 0.041 on 30 paragraphs",
        "lexicon      macro f1 0.543, stance macro f1 0.700, hard accuracy 0.333",
        "masked terms macro-F1 0.621",
        "grouped CV   macro-F1 by doc id 0.841, by voice 0.761, by genre 0.721, "
        "masked by doc id 0.701",
    ]


def test_headline_lines_read_the_file_as_written() -> None:
    """``stancekit info`` reads metrics.json back: the lines do not depend on the round trip."""
    figures = headline(factory.evaluation())
    assert headline_lines(json.loads(json.dumps(figures))) == headline_lines(figures)


def test_headline_lines_leave_out_what_a_binary_model_lacks() -> None:
    lines = headline_lines(headline(binary_evaluation()))
    assert lines[0] == (
        "held-out     macro-F1 0.697 [0.588, 0.799], accuracy 0.733, ECE 0.041 on 30 paragraphs"
    )
    text = "\n".join(lines)
    assert "neutral F1" not in text and "stance-only" not in text and "grouped CV" not in text


def test_headline_lines_of_an_empty_file() -> None:
    assert headline_lines({}) == []
    assert headline_lines({"cv_macro_f1": {"by_voice": None}}) == [
        "grouped CV   macro-F1 by voice n/a"
    ]


def test_details_are_strict_json() -> None:
    for evaluation in (factory.evaluation(), binary_evaluation()):
        text = json.dumps(details(evaluation), allow_nan=False)
        assert json.loads(text)["labels"] == evaluation.held_out.labels


def test_details_hold_every_figure_rounded() -> None:
    d = details(factory.evaluation())
    assert d["provenance"] == factory.PROVENANCE
    assert d["data"] == "the held-out split"
    test = d["test"]
    assert test["rows"] == 30 and test["documents"] == 11
    assert test["macro_f1"] == 0.697237 and test["roc_auc"] == 0.912346
    assert test["intervals"] == {
        "accuracy": [0.612346, 0.823457],
        "macro_f1": [0.587654, 0.798765],
        "stance_macro_f1": [0.850123, 0.960432],
    }
    assert test["per_class"]["neutral"] == {
        "precision": 0.811111,
        "recall": 0.722222,
        "f1": 0.456789,
        "support": 10,
    }
    assert type(test["per_class"]["neutral"]["support"]) is int
    assert test["confusion"]["neutral"] == {"abolitionist": 1, "decriminalisation": 1, "neutral": 7}
    assert d["stance_only"]["model"]["macro_f1"] == 0.913457
    assert d["stance_only"]["lexicon"]["macro_f1"] == 0.700123
    assert d["hard"] == {"rows": 9, "model": 0.888889, "lexicon": 0.333333}
    assert d["model_minus_lexicon_macro_f1"] == {
        "point": 0.154017,
        "low": 0.021235,
        "high": 0.291235,
    }
    assert d["uncalibrated"]["ece"] == 0.159877
    assert set(d["reliability"]) == {"calibrated", "uncalibrated"}
    assert d["coverage"][1] == {"threshold": 0.6, "coverage": 0.8, "accuracy": 0.791667}
    assert d["neutral_abstention"] == {}


def test_details_of_the_cross_validation() -> None:
    cv = details(factory.evaluation())["cv"]
    assert set(cv["model"]) == {"doc_id", "voice", "genre"}
    assert cv["model"]["voice"]["macro_f1"] == {"mean": 0.761235, "std": 0.031235}
    assert set(cv["baselines"]) == {"lexicon", "majority"}
    assert set(cv["baselines"]["lexicon"]["genre"]) == {"accuracy", "macro_f1"}
    assert cv["masked_by_doc_id"]["macro_f1"]["mean"] == 0.701235
    assert cv["learning_curve_macro_f1"] == {
        "50%": {"mean": 0.751235, "std": 0.031235},
        "100%": {"mean": 0.841235, "std": 0.031235},
    }
    comparison = cv["comparison"]
    assert list(comparison) == ["current", "chars"]
    assert comparison["current"]["settings"] == {}
    assert comparison["chars"]["settings"] == {"analyzer": "char_wb", "ngram_range": [2, 5]}
    assert comparison["chars"]["voice"]["macro_f1"]["mean"] == 0.779877
    assert set(comparison["chars"]["genre"]) == {"macro_f1", "ece"}


def test_details_of_a_binary_model() -> None:
    d = details(binary_evaluation())
    assert d["stance_only"] is None and d["hard"] is None and d["uncalibrated"] is None
    assert "cv" not in d
    assert d["unscored_rows"] == {"neutral": 12}
    assert d["neutral_abstention"] == {
        "threshold": 0.6,
        "neutral_rows": 12,
        "neutral_abstained_share": 0.416667,
        "stance_abstained_share": 0.1,
        "stance_accuracy_answered": 0.951235,
    }
