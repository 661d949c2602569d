"""Pieces of the HTML evaluation report (:mod:`stancekit.evaluation.report`): cells, tables, what
the figures measured on (with the real-text check beside the held-out split), and a setting's lead
in the feature comparison."""

from __future__ import annotations

import html

from stancekit.evaluation.results import Evaluation, FoldSummary

DASH = "&ndash;"


def fmt(value: float | None) -> str:
    return DASH if value is None else f"{value:.3f}"


def table(header: list[str], rows: list[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in header)
    body = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f'<td class="num">{c}</td>' for c in cells)
        + "</tr>"
        for name, cells in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def measured_on_section(evaluation: Evaluation) -> str:
    """What the figures measured on, and the real-text check beside the held-out split."""
    if not evaluation.measured_on:
        return ""
    h, real = evaluation.held_out, evaluation.real_text
    ci = h.intervals.get("macro_f1")
    held = [
        str(h.test["rows"]),
        str(h.test_documents),
        fmt(h.test["macro_f1"]) + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""),
        fmt(h.test["accuracy"]),
    ]
    part = f"<h2>What these figures measured</h2><p>{html.escape(evaluation.measured_on)}</p>"
    if real is None:
        return part + (
            "<p><b>Real published text: not checked here yet.</b> Run <code>make realworld</code>"
            " (published paragraphs, evaluation only), then <code>dvc repro --force evaluate"
            "</code> to show it here.</p>"
        )
    low, high = real.get("macro_f1_low"), real.get("macro_f1_high")
    checked = [
        str(real.get("rows")),
        str(real.get("documents")),
        fmt(real.get("macro_f1"))
        + (f" [{low:.3f}, {high:.3f}]" if low is not None and high is not None else ""),
        fmt(real.get("accuracy")),
    ]
    header = ["", "paragraphs", "documents", "macro-F1 (95% CI)", "accuracy"]
    rows = [
        ("held-out split (the corpus: text written for the project)", held),
        ("real published text (make realworld)", checked),
    ]
    model = real.get("model_sha256") or "unknown"
    return (
        part
        + table(header, rows)
        + f"<p class='muted'>The real-text check: {html.escape(real['path'])} (sha256 "
        f"{html.escape(real['sha256'][:12])}), which scored the model with sha256 "
        f"{html.escape(model[:12])} (the shipped model, fitted on every labelled document; "
        "the held-out row is the model fitted without the held-out split).</p>"
    )


def versus(setting: FoldSummary, current: FoldSummary) -> str:
    """A setting's lead over the current one, and whether it is within the fold noise."""
    a, b = setting.mean.get("macro_f1"), current.mean.get("macro_f1")
    if a is None or b is None:
        return ""
    noise = max(setting.std.get("macro_f1") or 0.0, current.std.get("macro_f1") or 0.0)
    within = abs(a - b) < noise
    return f"({a - b:+.3f}{', within the fold noise' if within else ''})"
