"""stancekit.evaluation.results: the result dataclasses, and one real held-out result through every
consumer (metrics files, summary)."""

from __future__ import annotations

import ast
import dataclasses
import json
from dataclasses import replace
from pathlib import Path

import pytest

import evaluation_factory as factory
import stancekit.evaluation.results
from conftest import tiny_rows
from stancekit.evaluation.heldout import score_held_out
from stancekit.evaluation.metrics_file import details, headline, headline_lines
from stancekit.evaluation.results import Evaluation, FoldSummary
from stancekit.evaluation.summary import summary
from stancekit.model.pipeline import fit_pipeline
from stancekit.params import EvaluateParams, TrainParams
from stancekit.scoring.predictor import StancePredictor


def test_fold_summary_format() -> None:
    summary_ = FoldSummary(
        folds=3,
        mean={"macro_f1": 0.81249, "roc_auc": None},
        std={"macro_f1": 0.0456, "roc_auc": None},
        per_fold=[],
    )
    assert summary_.format("macro_f1") == "0.812 ± 0.046"
    assert summary_.format("roc_auc") == "n/a"
    assert summary_.format("not a metric") == "n/a"


@pytest.mark.parametrize(
    ("low", "beats"), [(0.0212, True), (0.0, False), (-0.01, False), (1e-9, True)]
)
def test_beats_lexicon_only_when_the_whole_interval_is_above_zero(low: float, beats: bool):
    h = replace(factory.held_out(), lexicon_gap={"point": 0.1, "low": low, "high": 0.2})
    assert h.beats_lexicon is beats


def test_results_are_frozen() -> None:
    evaluation = factory.evaluation()
    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluation.cv = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluation.held_out.labels = []  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluation.cv.masked.folds = 1  # type: ignore[union-attr,misc]


def test_defaults_are_not_shared_between_instances() -> None:
    first, second = Evaluation(factory.held_out()), Evaluation(factory.held_out())
    assert first.cv is None and first.provenance == {}
    first.provenance["model"] = "x"
    assert second.provenance == {}
    cv = factory.cross_validation(comparison=False)
    bare = dataclasses.replace(cv, learning_curve=[])
    assert bare.comparison == {} and bare.settings == {}


def test_the_leaf_module_imports_nothing_from_stancekit() -> None:
    """Every consumer imports it; one stancekit import here could start an import circle."""
    tree = ast.parse(Path(stancekit.evaluation.results.__file__).read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append("." * node.level + (node.module or ""))
    assert imported  # the walk found the module's imports
    assert not [name for name in imported if name.startswith(("stancekit", "."))]


@pytest.fixture(scope="module")
def real() -> Evaluation:
    """A calibrated three-class model fitted on the tiny corpus, scored on its own rows with a
    few rows relabelled (so that there are errors) and some flagged hard."""
    rows = tiny_rows()
    params = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1), C=10.0)
    model = fit_pipeline(
        [r["text"] for r in rows], [r["label"] for r in rows], params, [r["doc_id"] for r in rows]
    )
    scored = [dict(row) for row in rows]
    for i, row in enumerate(scored):
        row["hard"] = i % 5 == 0
    scored[0]["label"] = "abolitionist"  # a decriminalisation paragraph
    scored[2]["label"] = "decriminalisation"  # a neutral one
    held_out = score_held_out(
        StancePredictor(model),
        scored,
        EvaluateParams(bootstrap_resamples=200, seed=0),
        [r["label"] for r in rows],
        "tiny corpus",
    )
    return Evaluation(held_out=held_out, provenance={"model": "tiny", "rows": len(rows)})


def test_a_real_result_feeds_the_headline(real: Evaluation) -> None:
    h = real.held_out
    figures = headline(real)
    assert figures["test"]["rows"] == 24 and figures["test"]["documents"] == 8
    assert figures["test"]["macro_f1"] == round(h.test["macro_f1"], 6)
    assert figures["test"]["accuracy"] == round(22 / 24, 6)
    assert figures["test"]["neutral_f1"] == round(h.test["per_class"]["neutral"]["f1"], 6)
    assert figures["test"]["stance_macro_f1"] == round(h.stance["model"]["macro_f1"], 6)
    assert figures["test"]["hard_accuracy"] == round(h.hard["model"], 6)
    assert figures["test"]["ece_uncalibrated"] == round(h.uncalibrated["ece"], 6)
    assert h.hard["rows"] == 5
    assert set(figures) == {"test", "lexicon_test"}
    text = "\n".join(headline_lines(figures))
    assert f"neutral F1 {h.test['per_class']['neutral']['f1']:.3f}" in text
    assert f"stance-only macro-F1 {h.stance['model']['macro_f1']:.3f}" in text


def test_a_real_result_gives_strict_json_details(real: Evaluation) -> None:
    d = json.loads(json.dumps(details(real), allow_nan=False))
    assert d["provenance"] == {"model": "tiny", "rows": 24}
    assert d["test"]["confusion"]["neutral"]["decriminalisation"] == 0
    assert sum(p["count"] for p in d["reliability"]["uncalibrated"]) == 24
    assert all(p["coverage"] > 0 for p in d["coverage"])


def test_a_real_result_feeds_the_summary(real: Evaluation) -> None:
    h = real.held_out
    text = summary(real)
    assert text.startswith("24 paragraphs from 8 documents of tiny corpus")
    assert (
        "stance only (decriminalisation vs abolitionist rows, higher of the two): macro-F1 "
        f"{h.stance['model']['macro_f1']:.3f}"
    ) in text
    assert f"hard cases: accuracy {h.hard['model']:.3f} on 5 paragraphs" in text
