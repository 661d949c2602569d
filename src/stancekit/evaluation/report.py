"""A self-contained HTML evaluation report: the headline table, calibration before and after, the
coverage curve, the feature comparison, plots as embedded PNGs, top terms and the most confident
errors. One file, no external assets, readable offline."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.evaluation.boundary import render_html as render_neutral_line
from stancekit.evaluation.report_parts import DASH
from stancekit.evaluation.report_parts import fmt as _fmt
from stancekit.evaluation.report_parts import measured_on_section as _measured_on
from stancekit.evaluation.report_parts import table as _table
from stancekit.evaluation.report_parts import versus as _versus
from stancekit.evaluation.results import Evaluation, FoldSummary, HeldOutResult
from stancekit.io.files import atomic_write

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0} td,th{padding:.3em .7em;border-bottom:1px solid #eee;
text-align:right} th{background:#f6f6f6} td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1em}
.verdict{font-size:1.1em;padding:.6em 1em;border-radius:6px;background:#eef6ee}
.verdict.no{background:#fbeeee} .muted{color:#777} .err td{text-align:left;vertical-align:top}
.terms td{text-align:left} .num{font-variant-numeric:tabular-nums}
figure{margin:0} figcaption{color:#555;font-size:.9em}
"""


def _png(fig: Any, caption: str) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = html.escape(caption, quote=True)
    return (
        f'<figure><img alt="{alt}" src="data:image/png;base64,{data}" style="max-width:100%">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _figure() -> tuple[Any, Axes]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(4.2, 3.6))


def _confusion(h: HeldOutResult) -> str:
    import numpy as np

    labels = h.labels
    matrix = np.array([[h.test["confusion"][a][p] for p in labels] for a in labels])
    fig, ax = _figure()
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=color, fontsize=13)
    ax.set_title("Confusion matrix (held-out)")
    return _png(fig, "Confusion matrix of the held-out split (rows: actual, columns: predicted)")


def _reliability(h: HeldOutResult) -> str:
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], ls="--", color="#aaa", label="perfect")
    names = {"uncalibrated": "before calibration", "calibrated": "shipped model"}
    for key, points in sorted(h.reliability.items(), reverse=True):
        ax.plot(
            [p["confidence"] for p in points],
            [p["accuracy"] for p in points],
            "o-",
            label=names.get(key, key),
        )
    ax.set_xlabel("highest probability (confidence)")
    ax.set_ylabel("share correct")
    before = "" if h.uncalibrated is None else f" (before {h.uncalibrated['ece']:.3f})"
    ax.set_title(f"Reliability, ECE {h.test['ece']:.3f}{before}")
    ax.legend(loc="upper left")
    return _png(fig, "Reliability diagram before and after calibration (held-out)")


def _coverage(h: HeldOutResult) -> str:
    fig, ax = _figure()
    points = h.coverage
    ax.plot([p["coverage"] * 100 for p in points], [p["accuracy"] for p in points], "o-", lw=2)
    for p in points[::2]:
        ax.annotate(f"{p['threshold']:.2f}", (p["coverage"] * 100, p["accuracy"]), fontsize=8)
    ax.set_xlabel("% of paragraphs answered")
    ax.set_ylabel("accuracy on the answered")
    ax.set_title("Coverage (labels: threshold)")
    return _png(fig, "Coverage: accuracy against the share of paragraphs answered per threshold")


def _curves(h: HeldOutResult) -> list[str]:
    from stancekit.evaluation.metrics import positive_label

    positive, curves, out = positive_label(h.labels), h.curves, []
    if not curves["roc"]:
        return out
    fig, ax = _figure()
    ax.plot([p["fpr"] for p in curves["roc"]], [p["tpr"] for p in curves["roc"]], lw=2)
    ax.plot([0, 1], [0, 1], ls="--", color="#aaa")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(f"ROC ({positive} vs the rest)")
    out.append(_png(fig, f"ROC curve, {positive} against the other labels (held-out)"))
    fig, ax = _figure()
    pr = curves["precision_recall"]
    ax.plot([p["recall"] for p in pr], [p["precision"] for p in pr], lw=2)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Precision-recall ({positive} vs the rest)")
    out.append(_png(fig, f"Precision-recall curve, {positive} against the other labels"))
    return out


def _learning_curve(curve: list[tuple[float, FoldSummary]]) -> str:
    import numpy as np

    fig, ax = _figure()
    shares = [share * 100 for share, _ in curve]
    means = np.array([s.mean["macro_f1"] for _, s in curve])
    stds = np.array([s.std["macro_f1"] for _, s in curve])
    ax.fill_between(shares, means - stds, means + stds, alpha=0.2)
    ax.plot(shares, means, "o-", lw=2)
    ax.set_xlabel("% of training documents")
    ax.set_ylabel("macro-F1 (document-grouped CV)")
    ax.set_title("Learning curve")
    return _png(fig, "Learning curve: macro-F1 by share of training documents (grouped CV)")


def _headline(evaluation: Evaluation) -> str:
    h, cv = evaluation.held_out, evaluation.cv
    groupings = list(cv.model) if cv else []
    ci = h.intervals

    def with_ci(value: float, key: str) -> str:
        if key not in ci:
            return _fmt(value)
        return f'{value:.3f} <span class="muted">[{ci[key][0]:.3f}, {ci[key][1]:.3f}]</span>'

    def cv_cells(summaries: dict[str, FoldSummary] | None, metric: str = "macro_f1") -> list[str]:
        return [summaries[g].format(metric) if summaries else DASH for g in groupings]

    rows = [
        ("model: macro-F1", [with_ci(h.test["macro_f1"], "macro_f1"), *cv_cells(cv and cv.model)]),
        (
            "model: accuracy",
            [with_ci(h.test["accuracy"], "accuracy"), *cv_cells(cv and cv.model, "accuracy")],
        ),
    ]
    if "neutral" in h.test["per_class"]:
        rows.append(("model: neutral F1", [_fmt(h.test["per_class"]["neutral"]["f1"])]))
    if h.stance is not None:
        rows.append(
            (
                "model: stance-only macro-F1",
                [with_ci(h.stance["model"]["macro_f1"], "stance_macro_f1")],
            )
        )
    if h.hard is not None:
        rows.append((f"model: accuracy on {h.hard['rows']} hard cases", [_fmt(h.hard["model"])]))
    masked = [DASH] * len(groupings)
    if cv is not None and "doc_id" in groupings:
        masked[groupings.index("doc_id")] = cv.masked.format("macro_f1") + " (refit)"
    rows.append(
        (
            "model, side-revealing terms masked: macro-F1",
            [_fmt(h.masked["macro_f1"]) + " (test-time)", *masked],
        )
    )
    rows.append(
        ("model: calibration error (ECE)", [_fmt(h.test["ece"]), *cv_cells(cv and cv.model, "ece")])
    )
    if h.uncalibrated is not None:
        rows.append(("  before calibration (ECE)", [_fmt(h.uncalibrated["ece"])]))
    rows.append(("model: Brier score", [_fmt(h.test["brier"])]))
    rows.append(("model: log loss", [_fmt(h.test["log_loss"])]))
    for name in ("lexicon", "majority"):
        rows.append(
            (
                f"{name} baseline: macro-F1",
                [_fmt(h.baselines[name]["macro_f1"]), *cv_cells(cv and cv.baselines[name])],
            )
        )
    if h.stance is not None:
        rows.append(
            ("lexicon baseline: stance-only macro-F1", [_fmt(h.stance["lexicon"]["macro_f1"])])
        )
    if h.hard is not None:
        rows.append(("lexicon baseline: accuracy on hard cases", [_fmt(h.hard["lexicon"])]))
    width = 1 + len(groupings)
    rows = [(name, cells + [DASH] * (width - len(cells))) for name, cells in rows]
    header = ["", "held-out (95% CI)"] + [
        f"CV leaving out whole {g}s" if g != "doc_id" else "CV by document" for g in groupings
    ]
    return _table(header, rows)


PLAIN = (
    "<p class='muted'>How to read the calibration figures: <b>ECE</b> is the average gap between "
    "how sure the model says it is and how often it is right (0.05 = five points off); the "
    "<b>Brier score</b> is the mean squared error of the probabilities (0 is perfect, lower is "
    "better); <b>log loss</b> punishes confident mistakes hardest (lower is better).</p>"
)


def _comparison(evaluation: Evaluation) -> str:
    cv = evaluation.cv
    if cv is None or not cv.comparison:
        return ""
    groupings = list(next(iter(cv.comparison.values())))
    current = next((n for n in cv.comparison if not cv.settings.get(n)), None)
    rows = []
    for name, by in cv.comparison.items():
        changes = ", ".join(f"{k}={v}" for k, v in cv.settings[name].items()) or "params.yaml"
        cells = []
        for g in groupings:
            cell = by[g].format("macro_f1")
            if current is not None and name != current:
                cell += " " + _versus(by[g], cv.comparison[current][g])
            cells.append(cell)
        rows.append((f"{name} ({changes})", cells))
    header = ["setting", *[f"macro-F1, CV leaving out whole {g}s" for g in groupings]]
    return (
        "<h2>Feature comparison</h2>"
        + _table(header, rows)
        + "<p class='muted'>In brackets: each setting's difference from params.yaml's. A "
        "difference smaller than the larger of the two standard deviations over the folds is "
        "<b>within the fold noise</b>: these folds do not tell the two settings apart.</p>"
    )


def _provenance(evaluation: Evaluation) -> str:
    if not evaluation.provenance:
        return ""
    items = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td style='text-align:left'>{html.escape(str(v))}</td>"
        "</tr>"
        for k, v in evaluation.provenance.items()
    )
    return f"<h2>Provenance</h2><table>{items}</table>"


def _breakdown(h: HeldOutResult) -> str:
    """Held-out scores per genre and per region (where the rows carry them)."""
    parts = []
    for name, values in h.breakdown.items():
        rows = [
            (value, [str(s["rows"]), str(s["documents"]), _fmt(s["accuracy"]), _fmt(s["macro_f1"])])
            for value, s in sorted(values.items(), key=lambda item: -item[1]["rows"])
        ]
        parts.append(
            f"<h3>By {html.escape(name)}</h3>"
            + _table([name, "paragraphs", "documents", "accuracy", "macro-F1"], rows)
        )
    if not parts:
        return ""
    names = list(h.breakdown)
    missing = [name for name in ("genre", "region") if name not in h.breakdown]
    note = (
        f" The rows carry no {' or '.join(missing)}, so there is no table by it." if missing else ""
    )
    return (
        f"<h2>Held-out scores by {html.escape(' and '.join(names))}</h2><p class='muted'>Small "
        "groups move a lot from one paragraph to the next: read the counts before the scores. "
        f"Macro-F1 is over the labels present in each group.{note}</p>" + "".join(parts)
    )


def render_html(evaluation: Evaluation) -> str:
    """The whole report as one HTML string."""
    h = evaluation.held_out
    gap = h.lexicon_gap
    verdict_class = "verdict" if h.beats_lexicon else "verdict no"
    verdict = (
        f"The model {'beats' if h.beats_lexicon else 'does <b>not</b> beat'} the keyword "
        f"lexicon beyond the 95% interval: macro-F1 difference {gap['point']:+.3f} "
        f"[{gap['low']:+.3f}, {gap['high']:+.3f}] (paired bootstrap over {html.escape(h.unit)})."
        if h.has_intervals
        else f"No claim about the keyword lexicon: {h.test_documents} {html.escape(h.unit)} are "
        f"too few for an interval (macro-F1 difference {gap['point']:+.3f})."
    )
    figures = [_confusion(h), _reliability(h), _coverage(h), *_curves(h)]
    if evaluation.cv is not None and evaluation.cv.learning_curve:
        figures.append(_learning_curve(evaluation.cv.learning_curve))
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>stancekit evaluation</title>"
        f"<style>{_STYLE}</style></head><body>",
        "<h1>stancekit evaluation</h1>",
        f"<p class='muted'>{html.escape(h.data)}: {h.test['rows']} paragraphs from "
        f"{h.test_documents} {html.escape(h.unit)}; labels {html.escape(', '.join(h.labels))}.</p>",
        f"<p class='{verdict_class}'>{verdict}</p>",
        _measured_on(evaluation),
        "<h2>Headline</h2>",
        _headline(evaluation),
        PLAIN,
    ]
    if h.neutral.get("neutral_rows"):
        n = h.neutral
        parts.append(
            f"<p>Abstention at highest probability &lt; {n['threshold']}: "
            f"<b>{n['neutral_abstained_share']:.0%}</b> of {n['neutral_rows']} neutral paragraphs "
            f"and {n['stance_abstained_share']:.0%} of stance paragraphs are marked uncertain; "
            f"accuracy on the stance paragraphs answered: {n['stance_accuracy_answered']:.3f}.</p>"
        )
    parts.append(_breakdown(h))
    parts.append(render_neutral_line(h.neutral_line, h.labels))
    parts.append(_comparison(evaluation))
    parts += ["<h2>Plots</h2><div class='grid'>", *figures, "</div>"]
    parts.append("<h2>Top terms per class</h2><div class='grid'>")
    for label, terms in h.top_terms.items():
        rows = "".join(
            f"<tr><td>{html.escape(term)}</td><td class='num'>{weight:.2f}</td></tr>"
            for term, weight in terms
        )
        parts.append(
            f"<table class='terms'><tr><th>toward {html.escape(label)}</th><th>weight</th></tr>"
            f"{rows}</table>"
        )
    parts.append("</div>")
    parts.append(f"<h2>The {len(h.confident_errors)} most confident errors</h2>")
    rows = "".join(
        f"<tr><td>{html.escape(str(e['doc_id']))}</td><td>{html.escape(e['actual'])}</td>"
        f"<td>{html.escape(e['predicted'])} ({e['probability']:.2f})</td>"
        f"<td>{html.escape(e['text'])}</td></tr>"
        for e in h.confident_errors
    )
    parts.append(
        "<table class='err'><tr><th>document</th><th>actual</th><th>predicted</th><th>text</th>"
        f"</tr>{rows}</table>"
    )
    parts.append(_provenance(evaluation))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html_report(evaluation: Evaluation, path: str | Path) -> None:
    """Write :func:`render_html` to ``path`` atomically."""
    text = render_html(evaluation)
    with atomic_write(path) as handle:
        handle.write(text)
