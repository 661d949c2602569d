"""A self-contained HTML evaluation report: summary table, plots as embedded PNGs, top terms and
the most confident errors. One file, no external assets, readable offline."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.files import atomic_write

if TYPE_CHECKING:
    from stancekit.evaluate import EvaluationReport

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
"""


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}" style="max-width:100%">'


def _figures(report: EvaluationReport) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from stancekit.metrics import positive_label

    labels, figures = report.labels, {}
    matrix = np.array([[report.test["confusion"][a][p] for p in labels] for a in labels])
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=20)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    for i in range(len(labels)):
        for j in range(len(labels)):
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color=color, fontsize=13)
    ax.set_title("Confusion matrix")
    figures["confusion"] = _png(fig)

    positive = positive_label(labels)
    curves = report.curves
    if curves["roc"]:
        fig, ax = plt.subplots(figsize=(4.2, 3.6))
        ax.plot([p["fpr"] for p in curves["roc"]], [p["tpr"] for p in curves["roc"]], lw=2)
        ax.plot([0, 1], [0, 1], ls="--", color="#aaa")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        auc = report.test["roc_auc"]
        ax.set_title(f"ROC ({positive}), AUC {auc:.3f}")
        figures["roc"] = _png(fig)
        fig, ax = plt.subplots(figsize=(4.2, 3.6))
        pr = curves["precision_recall"]
        ax.plot([p["recall"] for p in pr], [p["precision"] for p in pr], lw=2)
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"Precision-recall ({positive}), AP {report.test['average_precision']:.3f}")
        figures["precision_recall"] = _png(fig)
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    cal = curves["calibration"]
    ax.plot([0, 1], [0, 1], ls="--", color="#aaa", label="perfect")
    ax.plot(
        [p["mean_predicted"] for p in cal],
        [p["fraction_positive"] for p in cal],
        "o-",
        label="model",
    )
    ax.set_xlabel(f"predicted P({positive})")
    ax.set_ylabel(f"observed share {positive}")
    ax.set_title(f"Calibration, ECE {report.test['ece']:.3f}")
    ax.legend(loc="upper left")
    figures["calibration"] = _png(fig)
    if report.learning_curve:
        fig, ax = plt.subplots(figsize=(4.2, 3.6))
        shares = [share * 100 for share, _ in report.learning_curve]
        means = np.array([s.mean["macro_f1"] for _, s in report.learning_curve])
        stds = np.array([s.std["macro_f1"] for _, s in report.learning_curve])
        ax.fill_between(shares, means - stds, means + stds, alpha=0.2)
        ax.plot(shares, means, "o-", lw=2)
        ax.set_xlabel("% of training documents")
        ax.set_ylabel("macro-F1 (document-grouped CV)")
        ax.set_title("Learning curve")
        figures["learning_curve"] = _png(fig)
    return figures


DASH = "&ndash;"


def _fmt(value: float | None) -> str:
    return DASH if value is None else f"{value:.3f}"


def _summary_table(report: EvaluationReport) -> str:
    t, ci = report.test, report.intervals
    columns = ["held-out (95% CI)"] + [f"CV by {g}" for g in report.cv]
    rows = []
    for metric, name in (
        ("macro_f1", "macro-F1"),
        ("accuracy", "accuracy"),
        ("roc_auc", "ROC-AUC"),
        ("average_precision", "average precision"),
        ("log_loss", "log loss"),
        ("brier", "Brier score"),
        ("ece", "calibration error (ECE)"),
    ):
        held = _fmt(t[metric])
        if metric in ci:
            held += f' <span class="muted">[{ci[metric][0]:.3f}, {ci[metric][1]:.3f}]</span>'
        cells = [held] + [s.format(metric) for s in report.cv.values()]
        rows.append((f"model: {name}", cells))
    for base in ("lexicon", "majority"):
        results = report.baselines[base]
        cells = [_fmt(results["test"]["macro_f1"])] + [
            results[f"cv_{g}"].format("macro_f1") for g in report.cv
        ]
        rows.append((f"{base} baseline: macro-F1", cells))
    masked = report.masked
    rows.append(
        (
            "model, side-revealing terms masked: macro-F1",
            [_fmt(masked["test"]["macro_f1"]) + ' <span class="muted">(test-time)</span>']
            + [
                masked["cv_doc_id"].format("macro_f1") + ' <span class="muted">(refit)</span>'
                if g == "doc_id" and "cv_doc_id" in masked
                else DASH
                for g in report.cv
            ],
        )
    )
    if report.three_class is not None:
        rows.append(
            (
                "three-class model: macro-F1",
                [DASH]
                + [
                    report.three_class.format("macro_f1") if g == "doc_id" else DASH
                    for g in report.cv
                ],
            )
        )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["", *columns])
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f'<td class="num">{c}</td>' for c in cells)
        + "</tr>"
        for name, cells in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(report: EvaluationReport) -> str:
    """The whole report as one HTML string."""
    figures = _figures(report)
    gap = report.lexicon_gap
    verdict_class = "verdict" if report.beats_lexicon else "verdict no"
    verdict = (
        f"The model {'beats' if report.beats_lexicon else 'does <b>not</b> beat'} the keyword "
        f"lexicon beyond the 95% interval: macro-F1 difference {gap['point']:+.3f} "
        f"[{gap['low']:+.3f}, {gap['high']:+.3f}] (paired bootstrap over documents)."
    )
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>stancekit evaluation</title>"
        f"<style>{_STYLE}</style></head><body>",
        "<h1>stancekit evaluation</h1>",
        f"<p class='muted'>{html.escape(report.data)}: {report.test['rows']} paragraphs from "
        f"{report.test_documents} documents; labels {html.escape(' vs '.join(report.labels))}.</p>",
        f"<p class='{verdict_class}'>{verdict}</p>",
        "<h2>Summary</h2>",
        _summary_table(report),
    ]
    if report.neutral.get("neutral_rows"):
        n = report.neutral
        parts.append(
            f"<p>Abstention at highest probability &lt; {n['threshold']}: "
            f"<b>{n['neutral_abstained_share']:.0%}</b> of {n['neutral_rows']} neutral paragraphs "
            f"and {n['stance_abstained_share']:.0%} of stance paragraphs are marked uncertain; "
            f"accuracy on the stance paragraphs answered: {n['stance_accuracy_answered']:.3f}.</p>"
        )
    parts += ["<h2>Plots</h2><div class='grid'>", *figures.values(), "</div>"]
    parts.append("<h2>Top terms per class</h2><div class='grid'>")
    for label, terms in report.top_terms.items():
        rows = "".join(
            f"<tr><td>{html.escape(term)}</td><td class='num'>{weight:.2f}</td></tr>"
            for term, weight in terms
        )
        parts.append(
            f"<table class='terms'><tr><th>toward {html.escape(label)}</th><th>weight</th></tr>"
            f"{rows}</table>"
        )
    parts.append("</div>")
    parts.append(f"<h2>The {len(report.confident_errors)} most confident errors</h2>")
    rows = "".join(
        f"<tr><td>{html.escape(str(e['doc_id']))}</td><td>{html.escape(e['actual'])}</td>"
        f"<td>{html.escape(e['predicted'])} ({e['probability']:.2f})</td>"
        f"<td>{html.escape(e['text'])}</td></tr>"
        for e in report.confident_errors
    )
    parts.append(
        "<table class='err'><tr><th>document</th><th>actual</th><th>predicted</th><th>text</th>"
        f"</tr>{rows}</table></body></html>"
    )
    return "\n".join(parts)


def write_html_report(report: EvaluationReport, path: str | Path) -> None:
    """Write :func:`render_html` to ``path`` atomically."""
    text = render_html(report)
    with atomic_write(path) as handle:
        handle.write(text)
