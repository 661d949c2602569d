"""The metrics files of an evaluation: their schema, in one place.

* ``metrics.json`` holds the headline figures only (what ``dvc metrics show`` prints and
  ``stancekit info`` reads): flat ``section -> name -> number`` mappings.
* ``evaluation.json`` holds every figure (per class, confusion, baselines, every CV grouping, the
  learning curve, the feature comparison), for the report and for anyone who wants the detail.
"""

from __future__ import annotations

from typing import Any

from stancekit.evaluation.results import Evaluation, FoldSummary

DETAIL_METRICS = ("accuracy", "macro_f1", "roc_auc", "log_loss", "brier", "ece")


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _fold(summary: FoldSummary, metrics: tuple[str, ...] = DETAIL_METRICS) -> dict[str, Any]:
    return {
        metric: {"mean": _r(summary.mean[metric]), "std": _r(summary.std[metric])}
        for metric in metrics
    }


def headline(evaluation: Evaluation) -> dict[str, Any]:
    """The headline figures: held-out scores with intervals, and grouped CV means."""
    h = evaluation.held_out
    test: dict[str, Any] = {
        "rows": h.test["rows"],
        "documents": h.test_documents,
        "macro_f1": _r(h.test["macro_f1"]),
        "macro_f1_low": _r(h.intervals["macro_f1"][0]),
        "macro_f1_high": _r(h.intervals["macro_f1"][1]),
        "accuracy": _r(h.test["accuracy"]),
    }
    if "neutral" in h.test["per_class"]:
        test["neutral_f1"] = _r(h.test["per_class"]["neutral"]["f1"])
    line = h.neutral_line.get("all")
    if line:
        for key in ("neutral_precision", "neutral_recall", "neutral_to_side", "stance_to_neutral"):
            test[key] = _r(line[key])
    if h.stance is not None:
        test["stance_macro_f1"] = _r(h.stance["model"]["macro_f1"])
    if h.hard is not None:
        test["hard_accuracy"] = _r(h.hard["model"])
    test["ece"] = _r(h.test["ece"])
    if h.uncalibrated is not None:
        test["ece_uncalibrated"] = _r(h.uncalibrated["ece"])
    test["masked_macro_f1"] = _r(h.masked["macro_f1"])
    if h.paragraph_only is not None:
        test["paragraph_only_macro_f1"] = _r(h.paragraph_only["macro_f1"])
        if "neutral" in h.paragraph_only["per_class"]:
            test["paragraph_only_neutral_f1"] = _r(h.paragraph_only["per_class"]["neutral"]["f1"])
    lexicon = {"macro_f1": _r(h.baselines["lexicon"]["macro_f1"])}
    if h.stance is not None:
        lexicon["stance_macro_f1"] = _r(h.stance["lexicon"]["macro_f1"])
    if h.hard is not None:
        lexicon["hard_accuracy"] = _r(h.hard["lexicon"])
    out: dict[str, Any] = {"test": test, "lexicon_test": lexicon}
    cv = evaluation.cv
    if cv is not None:
        out["cv_macro_f1"] = {
            f"by_{grouping}": _r(summary.mean["macro_f1"]) for grouping, summary in cv.model.items()
        }
        out["cv_macro_f1"]["masked_by_doc_id"] = _r(cv.masked.mean["macro_f1"])
        out["cv_lexicon_macro_f1"] = {
            f"by_{grouping}": _r(summary.mean["macro_f1"])
            for grouping, summary in cv.baselines["lexicon"].items()
        }
    return out


def _rounded_tree(value: Any) -> Any:
    """Floats rounded everywhere in nested dicts."""
    if isinstance(value, dict):
        return {k: _rounded_tree(v) for k, v in value.items()}
    return _r(value) if isinstance(value, float) else value


def details(evaluation: Evaluation) -> dict[str, Any]:
    """Every figure of the evaluation, JSON-ready."""
    h = evaluation.held_out

    def scores(metrics: dict[str, Any]) -> dict[str, Any]:
        return {k: _r(metrics[k]) for k in DETAIL_METRICS if k in metrics}

    out: dict[str, Any] = {
        "provenance": evaluation.provenance,
        "labels": h.labels,
        "data": h.data,
        "test": {
            **scores(h.test),
            "rows": h.test["rows"],
            "documents": h.test_documents,
            "intervals": {k: [_r(a), _r(b)] for k, (a, b) in h.intervals.items()},
            "per_class": {
                label: {k: (v if k == "support" else _r(v)) for k, v in s.items()}
                for label, s in h.test["per_class"].items()
            },
            "confusion": h.test["confusion"],
        },
        "stance_only": None
        if h.stance is None
        else {name: scores(m) for name, m in h.stance.items()},
        "hard": h.hard and {k: (_r(v) if isinstance(v, float) else v) for k, v in h.hard.items()},
        "baselines": {name: scores(m) for name, m in h.baselines.items()},
        "model_minus_lexicon_macro_f1": {k: _r(v) for k, v in h.lexicon_gap.items()},
        "masked": scores(h.masked),
        "uncalibrated": None if h.uncalibrated is None else scores(h.uncalibrated),
        "reliability": {
            name: [{k: _r(v) if isinstance(v, float) else v for k, v in p.items()} for p in points]
            for name, points in h.reliability.items()
        },
        "coverage": [{k: _r(v) for k, v in p.items()} for p in h.coverage],
        "neutral_abstention": {
            k: _r(v) if isinstance(v, float) else v for k, v in h.neutral.items()
        },
        "unscored_rows": h.unscored,
        "neutral_line": _rounded_tree(h.neutral_line),
    }
    cv = evaluation.cv
    if cv is not None:
        out["cv"] = {
            "model": {g: _fold(s) for g, s in cv.model.items()},
            "baselines": {
                name: {g: _fold(s, ("accuracy", "macro_f1")) for g, s in by.items()}
                for name, by in cv.baselines.items()
            },
            "masked_by_doc_id": _fold(cv.masked, ("accuracy", "macro_f1")),
            "learning_curve_macro_f1": {
                f"{share:.0%}": _fold(s, ("macro_f1",))["macro_f1"]
                for share, s in cv.learning_curve
            },
            "comparison": {
                name: {
                    "settings": {
                        k: list(v) if isinstance(v, tuple) else v
                        for k, v in cv.settings[name].items()
                    },
                    **{g: _fold(s, ("macro_f1", "ece")) for g, s in by.items()},
                }
                for name, by in cv.comparison.items()
            },
        }
    return out


def headline_lines(metrics: dict[str, Any]) -> list[str]:
    """Readable lines of a ``metrics.json`` headline (``stancekit info``)."""

    def f(value: Any) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    test = metrics.get("test", {})
    lines = []
    if "macro_f1" in test:
        parts = [
            f"macro-F1 {f(test['macro_f1'])} [{f(test.get('macro_f1_low'))}, "
            f"{f(test.get('macro_f1_high'))}]",
            f"accuracy {f(test.get('accuracy'))}",
        ]
        parts += [
            f"{name} {f(test[key])}"
            for key, name in (
                ("neutral_f1", "neutral F1"),
                ("stance_macro_f1", "stance-only macro-F1"),
                ("hard_accuracy", "hard cases"),
                ("ece", "ECE"),
            )
            if key in test
        ]
        lines.append(f"held-out     {', '.join(parts)} on {test.get('rows')} paragraphs")
        lexicon = metrics.get("lexicon_test", {})
        if lexicon:
            lines.append(
                "lexicon      "
                + ", ".join(f"{k.replace('_', ' ')} {f(v)}" for k, v in lexicon.items())
            )
        if "masked_macro_f1" in test:
            lines.append(f"masked terms macro-F1 {f(test['masked_macro_f1'])}")
    cv = metrics.get("cv_macro_f1")
    if cv:
        lines.append(
            "grouped CV   macro-F1 "
            + ", ".join(f"{k.replace('_', ' ')} {f(v)}" for k, v in cv.items())
        )
    return lines
