"""The line between neutral and stance, measured: where reporting is read as advocacy and
advocacy as reporting.

For held-out rows (or a user's labelled file): neutral precision and recall, the share of
neutral paragraphs given a side, and the share of stance paragraphs called neutral, overall and
per genre and per voice; and a confusion table per register (``news_both_sides``,
``law_description``, ``press_release``, ... where the rows carry a ``register``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from stancekit.labels import NEUTRAL, STANCES

#: Row fields the neutral line is broken down by.
FIELDS = ("genre", "voice")


def line_scores(actual: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Neutral precision and recall, neutral given a side, stance called neutral (``None``
    where a share has no rows)."""
    pairs = list(zip(actual, predicted, strict=True))
    neutral = [p for a, p in pairs if a == NEUTRAL]
    called_neutral = [a for a, p in pairs if p == NEUTRAL]
    stance = [p for a, p in pairs if a in STANCES]

    def share(hits: int, total: int) -> float | None:
        return hits / total if total else None

    return {
        "rows": len(pairs),
        "neutral_rows": len(neutral),
        "neutral_precision": share(sum(a == NEUTRAL for a in called_neutral), len(called_neutral)),
        "neutral_recall": share(sum(p == NEUTRAL for p in neutral), len(neutral)),
        "neutral_to_side": share(sum(p in STANCES for p in neutral), len(neutral)),
        "stance_to_neutral": share(sum(p == NEUTRAL for p in stance), len(stance)),
    }


def neutral_line(
    rows: Sequence[dict[str, Any]], actual: Sequence[str], predicted: Sequence[str]
) -> dict[str, Any]:
    """:func:`line_scores` overall (``all``), per value of each of :data:`FIELDS` the rows carry
    (``by_genre``, ``by_voice``), and ``by_register``: register -> actual -> predicted -> count.
    Empty for a model without the neutral label."""
    if NEUTRAL not in set(actual) | set(predicted):
        return {}
    out: dict[str, Any] = {"all": line_scores(actual, predicted)}
    for name in FIELDS:
        values = [str(row.get(name) or "unknown") for row in rows]
        if set(values) == {"unknown"}:
            continue
        out[f"by_{name}"] = {
            value: line_scores(
                [a for a, v in zip(actual, values, strict=True) if v == value],
                [p for p, v in zip(predicted, values, strict=True) if v == value],
            )
            for value in sorted(set(values))
        }
    registers: dict[str, dict[str, dict[str, int]]] = {}
    for row, a, p in zip(rows, actual, predicted, strict=True):
        if row.get("register"):
            cell = registers.setdefault(str(row["register"]), {}).setdefault(a, {})
            cell[p] = cell.get(p, 0) + 1
    if registers:
        out["by_register"] = dict(sorted(registers.items()))
    return out


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render_html(line: dict[str, Any], labels: Sequence[str]) -> str:
    """The report's section on the neutral line (empty without one)."""
    if not line:
        return ""
    head = ["paragraphs", "neutral", "neutral precision", "neutral recall"]
    head += ["neutral given a side", "stance called neutral"]

    def cells(s: dict[str, Any]) -> str:
        values = [str(s["rows"]), str(s["neutral_rows"])]
        values += [_share(s[k]) for k in ("neutral_precision", "neutral_recall")]
        values += [_share(s[k]) for k in ("neutral_to_side", "stance_to_neutral")]
        return "".join(f"<td>{v}</td>" for v in values)

    def table(first: str, items: list[tuple[str, dict[str, Any]]]) -> str:
        header = "".join(f"<th>{html.escape(h)}</th>" for h in [first, *head])
        body = "".join(f"<tr><td>{html.escape(k)}</td>{cells(s)}</tr>" for k, s in items)
        return f"<table><tr>{header}</tr>{body}</table>"

    parts = [
        "<h2>Neutral or stance: the line between reporting and advocacy</h2>",
        "<p class='muted'>Neutral given a side: neutral paragraphs (news that reports both "
        "camps, what a law does, procedure) that the model gave a side. Stance called neutral: "
        "stance written as news or a press release that the model read as reporting.</p>",
        table("rows", [("all", line["all"])]),
    ]
    for name in FIELDS:
        values = line.get(f"by_{name}")
        if values:
            ordered = sorted(values.items(), key=lambda item: -item[1]["rows"])
            parts.append(f"<h3>By {name}</h3>" + table(name, ordered))
    registers = line.get("by_register")
    if registers:
        header = "".join(f"<th>{html.escape(h)}</th>" for h in ["register", "actual", *labels])
        body = "".join(
            f"<tr><td>{html.escape(register)}</td><td>{html.escape(actual)}</td>"
            + "".join(f"<td>{counts.get(label, 0)}</td>" for label in labels)
            + "</tr>"
            for register, by_actual in registers.items()
            for actual, counts in sorted(by_actual.items())
        )
        parts.append(
            "<h3>Confusion by register (rows: register and actual label; columns: predicted)"
            f"</h3><table><tr>{header}</tr>{body}</table>"
        )
    return "".join(parts)
