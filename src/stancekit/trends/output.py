"""What ``stancekit trends`` writes: ``trends.csv`` (full names and figures), ``trends.png`` (one
line per group, shaded 95% intervals, hollow markers for cells under the document threshold),
``trends.html`` (the chart inlined, the table) and the terminal table."""

from __future__ import annotations

import base64
import html
import itertools
import math
from pathlib import Path
from typing import Any

from stancekit.io.cells import defuse_formula
from stancekit.io.files import atomic_write
from stancekit.io.termtable import Column, fit_table
from stancekit.labels import short_names
from stancekit.scoring.terminal import printable
from stancekit.trends.compute import TrendCell, TrendsResult

#: Groups drawn in the chart (the ones with most documents); the table has every group.
MAX_CHART_GROUPS = 8
_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def csv_header(result: TrendsResult) -> list[str]:
    """The columns of ``trends.csv``."""
    header = [result.by, "period", "documents", "paragraphs"]
    for name in result.shown:
        header += [f"share_{name}", f"share_{name}_low", f"share_{name}_high"]
    header += [f"mean_p_{name}" for name in result.labels]
    return [*header, "thin"]


def csv_rows(result: TrendsResult) -> list[list[object]]:
    """The rows of ``trends.csv``, one per group and period."""
    rows = []
    for cell in result.cells:
        row: list[object] = [
            defuse_formula(cell.group),  # a group named =HYPERLINK(...) stays text in Excel
            cell.period,
            cell.documents,
            cell.paragraphs,
        ]
        for name in result.shown:
            share = cell.shares[name]
            row += [round(share.share, 6), round(share.low, 6), round(share.high, 6)]
        means = [cell.mean_probabilities[name] for name in result.labels]
        row += ["" if math.isnan(mean) else round(mean, 6) for mean in means]  # no probability
        rows.append([*row, str(cell.thin).lower()])
    return rows


def write_csv(result: TrendsResult, path: Path) -> None:
    import csv

    with atomic_write(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(csv_header(result))
        writer.writerows(csv_rows(result))


def chart_groups(result: TrendsResult) -> list[str]:
    """The groups the chart draws: at most :data:`MAX_CHART_GROUPS`, most documents first."""
    totals: dict[str, int] = {}
    for cell in result.cells:
        totals[cell.group] = totals.get(cell.group, 0) + cell.documents
    ranked = sorted(totals, key=lambda g: (-totals[g], g))
    return sorted(ranked[:MAX_CHART_GROUPS])


def all_periods(result: TrendsResult) -> list[str]:
    """Every period from the first to the last, those without data included, so that the chart's
    axis shows a gap where there is one."""
    periods = result.periods
    if result.every not in ("year", "quarter", "month") or not periods:
        return periods
    first, last = periods[0], periods[-1]
    if result.every == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    step = 4 if result.every == "quarter" else 12

    def index(period: str) -> int:
        year, part = period.split("-")
        return int(year) * step + int(part.lstrip("Q")) - 1

    def name(i: int) -> str:
        year, part = divmod(i, step)
        return f"{year}-Q{part + 1}" if step == 4 else f"{year}-{part + 1:02d}"

    return [name(i) for i in range(index(first), index(last) + 1)]


def _runs(xs: list[int]) -> list[tuple[int, int]]:
    """``(start, stop)`` slices of ``xs`` whose values follow each other without a gap."""
    starts = [0] + [i for i in range(1, len(xs)) if xs[i] != xs[i - 1] + 1] + [len(xs)]
    return list(itertools.pairwise(starts))


def chart_figure(result: TrendsResult) -> Any:
    """The chart: one panel per label, its share of paragraphs per period, one line per group
    (broken where a group has no data for a period), the 95% interval shaded, hollow markers
    where a cell has fewer than ``min_docs`` documents; the legend under the panels, clear of
    the axis labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    periods = all_periods(result)
    x_of = {period: i for i, period in enumerate(periods)}
    groups = chart_groups(result)
    panels = result.shown
    fig, axes = plt.subplots(
        1, len(panels), figsize=(4.2 * len(panels), 4.2), sharey=True, squeeze=False
    )
    colours = plt.get_cmap("tab10").colors
    handles = []
    for g, group in enumerate(groups):
        cells = [c for c in result.cells if c.group == group]
        xs = [x_of[c.period] for c in cells]
        colour, style, marker = colours[g % 10], _STYLES[g % 4], _MARKERS[g % len(_MARKERS)]
        for ax, name in zip(axes[0], panels, strict=True):
            share = [c.shares[name].share for c in cells]
            for a, b in _runs(xs):
                ax.fill_between(
                    xs[a:b],
                    [c.shares[name].low for c in cells[a:b]],
                    [c.shares[name].high for c in cells[a:b]],
                    color=colour,
                    alpha=0.15,
                    linewidth=0,
                )
                ax.plot(xs[a:b], share[a:b], color=colour, linestyle=style, linewidth=1.6)
            for thin in (False, True):
                points = [
                    (x, y) for x, y, c in zip(xs, share, cells, strict=True) if c.thin == thin
                ]
                if points:
                    ax.plot(
                        *zip(*points, strict=True),
                        linestyle="none",
                        marker=marker,
                        markersize=6,
                        color=colour,
                        markerfacecolor="white" if thin else colour,
                    )
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linestyle=style,
                marker=marker,
                label=_short(printable(group), 24),
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            color="0.3",
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            label=f"hollow: fewer than {result.min_docs} documents",
        )
    )
    step = max(1, len(periods) // 10)
    for ax, name in zip(axes[0], panels, strict=True):
        ax.set_title(f"{name}")
        ax.set_xlabel("whole period" if result.every == "all" else result.every)
        ax.set_xticks(range(0, len(periods), step))
        ax.set_xticklabels(periods[::step], rotation=45 if len(periods) > 6 else 0, ha="right")
        ax.set_xlim(-0.5, len(periods) - 0.5)
        ax.set_ylim(-0.03, 1.03)  # lines at 0 and 1 stay visible
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of paragraphs (95% interval)")
    dropped = len(result.groups) - len(groups)
    heading = title(result)
    if dropped:
        heading += f" ({len(groups)} groups with most documents; {dropped} more in the table)"
    fig.suptitle(heading)
    fig.tight_layout()
    # Under the figure, not over it: saved with bbox_inches="tight", the image grows to hold it.
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=min(len(handles), 4),
        frameon=False,
    )
    return fig


def render_png(result: TrendsResult, path: Path) -> None:
    """Write :func:`chart_figure` as a PNG."""
    import matplotlib.pyplot as plt

    fig = chart_figure(result)
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_html(result: TrendsResult, png: Path) -> str:
    """A self-contained page: what was counted, the chart (inlined), warnings, the table."""
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    header = csv_header(result)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr{' class=thin' if row[-1] == 'true' else ''}>"
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
        + "</tr>"
        for row in csv_rows(result)
    )
    notes = "".join(f"<li>{html.escape(w)}</li>" for w in warnings(result))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>stancekit trends</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;"
        "padding:2px 6px;text-align:right}.thin{color:#999}img{max-width:100%}</style></head>"
        f"<body><h1>{html.escape(title(result))}</h1>"
        f"<p>Source: <code>{html.escape(result.source)}</code>. Each label's share of the "
        "paragraphs per group and period; the 95% intervals come from a percentile bootstrap "
        f"over documents ({result.resamples:,} resamples, seed {result.seed}), since the "
        "paragraphs of one document are not independent. Cells with fewer than "
        f"{result.min_docs} documents are too thin to read: hollow markers in the chart, grey "
        "in the table.</p>"
        f"<img alt='label shares by period' src='data:image/png;base64,{image}'>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + f"<table><tr>{head}</tr>{body}</table></body></html>"
    )


def write_outputs(result: TrendsResult, out: str | Path) -> dict[str, Path]:
    """Write ``trends.csv``, ``trends.png`` and ``trends.html`` in ``out``: into a staging
    folder first, then swapped in together, so a full disk or a signal leaves the previous three
    as they were, never a new table beside an old chart."""
    from stancekit.io.files import staging_folder, swap_in

    out = Path(out)
    names = {"csv": "trends.csv", "png": "trends.png", "html": "trends.html"}
    with staging_folder(out, ".trends") as stage:
        write_csv(result, stage / names["csv"])
        render_png(result, stage / names["png"])
        with atomic_write(stage / names["html"]) as handle:
            handle.write(render_html(result, stage / names["png"]))
        swap_in(stage, out, tuple(names.values()))
    stage.rmdir()
    return {kind: out / name for kind, name in names.items()}


def warnings(result: TrendsResult) -> list[str]:
    """Thin cells and skipped paragraphs, one sentence each."""
    notes = []
    thin = result.thin_cells
    if thin:
        named = ", ".join(f"{printable(c.group)} {c.period} ({c.documents})" for c in thin[:6])
        more = f" and {len(thin) - 6} more" if len(thin) > 6 else ""
        notes.append(
            f"{len(thin)} of {len(result.cells)} cells rest on fewer than {result.min_docs} "
            f"documents (too few to read): {named}{more}."
        )
    for reason, n in result.skipped_paragraphs.items():
        note = f"left out {n:,} paragraph(s) with {printable(reason)}"
        if reason == "a date that could not be read" and result.unreadable_dates:
            note += (
                f" (for example {', '.join(repr(v) for v in result.unreadable_dates)}; dates "
                "are read as ISO, year, year-month, day/month/year (day first) or Excel serials: "
                "pass --date-format for another form)"
            )
        elif reason == "a date that gives the year only":
            note += f" (too coarse for --every {result.every}: use --every year)"
        notes.append(note + ".")
    for name in result.labels:
        empty = sum(math.isnan(c.mean_probabilities[name]) for c in result.cells)
        if empty:
            notes.append(
                f"p_{printable(name)} is empty in every row of {empty} of {len(result.cells)} "
                f"cells: their mean_p_{printable(name)} is left empty, not 0."
            )
    return notes


def title(result: TrendsResult) -> str:
    """``Stance by org and year``, ``Stance by year``, ``Stance by org over the whole period``."""
    over = "over the whole period" if result.every == "all" else f"by {result.every}"
    if result.by == "group" and {c.group for c in result.cells} <= {"all"}:
        return f"Stance {over}"
    if result.every == "all":
        return f"Stance by {result.by} {over}"
    return f"Stance by {result.by} and {result.every}"


def _cell_text(cell: TrendCell, name: str) -> str:
    share = cell.shares[name]
    return f"{share.share:.2f} [{share.low:.2f}-{share.high:.2f}]"


def terminal_table(result: TrendsResult, width: int | None = None) -> str:
    """The table for a terminal: short label headers, intervals, fitted to ``width``."""
    short = short_names(list(result.shown))
    columns = [
        Column(result.by, "<", flex=True, least=8),
        Column("period", "<"),
        Column("docs"),
        Column("paras", optional=True),
        *(Column(short[name], optional=i > 1) for i, name in enumerate(result.shown)),
    ]
    rows = [
        [
            printable(cell.group) + (" *" if cell.thin else ""),
            printable(cell.period),
            f"{cell.documents:,}",
            f"{cell.paragraphs:,}",
            *(_cell_text(cell, name) for name in result.shown),
        ]
        for cell in result.cells
    ]
    text, hidden = fit_table(columns, rows, width)
    if hidden:
        import textwrap

        from stancekit.io.termtable import terminal_width

        note = (
            f"(hidden to fit the terminal: {', '.join(hidden)}; widen it, or read trends.csv or "
            "trends.html, which have every column)"
        )
        text += textwrap.fill(note, width or terminal_width()) + "\n"
    return text
