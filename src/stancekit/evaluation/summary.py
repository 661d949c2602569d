"""The text summary of an evaluation that ``stancekit evaluate`` prints.

The headline comes first and includes the figures that cannot flatter the model: the
masked-vocabulary score and cross-validation that leaves whole voices and genres out.
"""

from __future__ import annotations

from stancekit.evaluation.results import (
    MIN_INTERVAL_DOCUMENTS,
    CrossValidationResult,
    Evaluation,
    HeldOutResult,
)


def _held_out_lines(h: HeldOutResult) -> list[str]:
    t, ci = h.test, h.intervals

    def interval(name: str) -> str:
        return f" [{ci[name][0]:.3f}, {ci[name][1]:.3f}]" if h.has_intervals else ""

    lines = [
        f"{t['rows']} paragraphs from {h.test_documents} {h.unit} of {h.data} "
        f"({', '.join(h.labels)})",
        f"macro-F1 {t['macro_f1']:.3f}{interval('macro_f1')}   "
        f"accuracy {t['accuracy']:.3f}{interval('accuracy')}   "
        + (
            f"(95% bootstrap over {h.unit})"
            if h.has_intervals
            else f"(no interval: {h.test_documents} "
            f"{'document(s)' if h.unit == 'documents' else h.unit}, fewer than "
            f"{MIN_INTERVAL_DOCUMENTS}; give more documents)"
        ),
    ]
    if h.stance is not None:
        lines.append(
            f"stance only (decriminalisation vs abolitionist rows, higher of the two): macro-F1 "
            f"{h.stance['model']['macro_f1']:.3f}{interval('stance_macro_f1')}"
        )
    if h.hard is not None:
        lines.append(f"hard cases: accuracy {h.hard['model']:.3f} on {h.hard['rows']} paragraphs")
    lines.append(f"masked side-revealing terms (test-time): macro-F1 {h.masked['macro_f1']:.3f}")
    if h.paragraph_only is not None:
        alone = h.paragraph_only
        neutral = alone["per_class"].get("neutral", {}).get("f1")
        lines.append(
            "scores above read each paragraph with its document (the document prior); each "
            f"paragraph alone: macro-F1 {alone['macro_f1']:.3f}"
            + (f", neutral F1 {neutral:.3f}" if neutral is not None else "")
        )
    calibration = f"ECE {t['ece']:.3f}   Brier {t['brier']:.3f}   log loss {t['log_loss']:.3f}"
    if h.uncalibrated is not None:
        calibration += f"   (before calibration: ECE {h.uncalibrated['ece']:.3f})"
    lines += [calibration, "", f"{'':<20}{'precision':>10}{'recall':>9}{'f1':>8}{'support':>9}"]
    for label, s in t["per_class"].items():
        lines.append(
            f"{label:<20}{s['precision']:>10.3f}{s['recall']:>9.3f}{s['f1']:>8.3f}{s['support']:>9}"
        )
    absent = [label for label, s in t["per_class"].items() if not s["support"]]
    if absent:
        lines.append(
            f"warning: no {', '.join(absent)} paragraphs in these data: macro-F1 counts "
            "their F1 as 0; read the per-class rows instead."
        )
    width = max(len(label) for label in h.labels) + 2
    cell = max(len(label) for label in h.labels) + 2
    lines += [
        "",
        "confusion (rows: actual, columns: predicted)",
        " " * width + "".join(f"{label:>{cell}}" for label in h.labels),
    ]
    for actual in h.labels:
        counts = "".join(f"{t['confusion'][actual][p]:>{cell}}" for p in h.labels)
        lines.append(f"{actual:<{width}}{counts}")
    lines += ["", "baselines on the same rows:"]
    for name, metrics in h.baselines.items():
        extra = ""
        if name == "lexicon" and h.stance is not None:
            extra = f"   stance only {h.stance['lexicon']['macro_f1']:.3f}"
        if name == "lexicon" and h.hard is not None:
            extra += f"   hard cases {h.hard['lexicon']:.3f}"
        lines.append(f"  {name:<10}macro-F1 {metrics['macro_f1']:.3f}{extra}")
    gap = h.lexicon_gap
    verdict = "beats" if h.beats_lexicon else "does NOT beat"
    if h.has_intervals:
        lines.append(
            f"  model - lexicon: {gap['point']:+.3f} [{gap['low']:+.3f}, {gap['high']:+.3f}] -> "
            f"the model {verdict} the lexicon beyond the interval"
        )
    else:
        lines.append(
            f"  model - lexicon: {gap['point']:+.3f} -> no claim: too few documents for an interval"
        )
    if h.neutral:
        n = h.neutral
        lines.append(
            f"abstention at p < {n['threshold']}: {n['neutral_abstained_share']:.0%} of "
            f"{n['neutral_rows']} neutral paragraphs, {n['stance_abstained_share']:.0%} of "
            f"stance paragraphs (accuracy on the rest {n['stance_accuracy_answered']:.3f})"
        )
    points = [p for p in h.coverage if p["threshold"] in (0.5, 0.6, 0.7, 0.8, 0.9)]
    if points:
        lines.append(
            "coverage (answered share -> accuracy) at threshold "
            + ", ".join(
                f"{p['threshold']:.1f}: {p['coverage']:.0%} -> {p['accuracy']:.3f}" for p in points
            )
        )
    if h.unscored:
        left_out = ", ".join(f"{n} {label}" for label, n in sorted(h.unscored.items()))
        lines += ["", f"not scored (labels the model does not predict): {left_out}"]
    return lines


def _cv_lines(cv: CrossValidationResult) -> list[str]:
    lines = [
        "",
        "grouped cross-validation over the whole corpus (mean ± std over folds):",
        f"  {'':<22}{'model':>16}{'lexicon':>16}{'majority':>16}",
    ]
    for grouping, summary in cv.model.items():
        cells = [summary.format("macro_f1")] + [
            cv.baselines[b][grouping].format("macro_f1") for b in ("lexicon", "majority")
        ]
        lines.append(f"  macro-F1 by {grouping:<11}" + "".join(f"{c:>16}" for c in cells))
    lines.append(f"  masked terms, refit      {cv.masked.format('macro_f1'):>16}")
    if cv.learning_curve:
        curve = ", ".join(
            f"{share:.0%} {summary.format('macro_f1')}" for share, summary in cv.learning_curve
        )
        lines.append(f"  learning curve (macro-F1 by share of training documents): {curve}")
    if cv.comparison:
        groupings = list(next(iter(cv.comparison.values())))
        lines += ["", "feature comparison (macro-F1, grouped CV):"]
        lines.append(f"  {'setting':<22}" + "".join(f"{'by ' + g:>16}" for g in groupings))
        for name, by in cv.comparison.items():
            lines.append(
                f"  {name:<22}" + "".join(f"{by[g].format('macro_f1'):>16}" for g in groupings)
            )
    return lines


def summary(evaluation: Evaluation) -> str:
    """The readable summary of an evaluation."""
    lines = _held_out_lines(evaluation.held_out)
    if evaluation.cv is not None:
        lines += _cv_lines(evaluation.cv)
    return "\n".join(lines)
