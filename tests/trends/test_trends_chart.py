"""The trends chart (issue 22): the legend does not cover the axis labels, and a group's line
does not join across periods in which it has no data."""

from __future__ import annotations

import itertools
from pathlib import Path

from test_trends import document, write_rows

from stancekit.trends.compute import compute_trends
from stancekit.trends.output import all_periods, chart_figure, render_png


def many_groups(tmp_path: Path) -> Path:
    rows = []
    for g in range(8):
        for year in range(2012, 2021):
            if g == 0 and year in (2015, 2016):
                continue  # group 0 published nothing in 2015 and 2016
            rows += document(
                f"g{g}-{year}", ["abolitionist", "neutral"], f"org {g}", f"{year}-05-01"
            )
    return write_rows(tmp_path / "s.jsonl", rows)


def test_the_legend_is_clear_of_the_axis_labels(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    result = compute_trends(many_groups(tmp_path), by="org", min_docs=1)
    fig = chart_figure(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (legend,) = fig.legends
    box = legend.get_window_extent(renderer)
    for ax in fig.axes:
        for label in [ax.xaxis.label, *ax.get_xticklabels()]:
            assert not box.overlaps(label.get_window_extent(renderer)), label.get_text()
    plt.close(fig)
    render_png(result, tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes().startswith(b"\x89PNG")


def test_lines_do_not_join_across_periods_without_data(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    result = compute_trends(many_groups(tmp_path), by="org", min_docs=1)
    assert all_periods(result) == [str(y) for y in range(2012, 2021)]
    fig = chart_figure(result)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()][3:5] == ["2015", "2016"]
    for line in ax.get_lines():
        if line.get_linestyle() in ("None", "none", ""):
            continue
        xs = list(line.get_xdata())
        assert all(b - a == 1 for a, b in itertools.pairwise(xs)), xs
    plt.close(fig)


def test_all_periods_for_quarters_and_months(tmp_path: Path) -> None:
    rows = document("a", ["neutral"], "X", "2019-11-02") + document(
        "b", ["neutral"], "X", "2020-02-03"
    )
    path = write_rows(tmp_path / "s.jsonl", rows)
    assert all_periods(compute_trends(path, "org", "quarter")) == ["2019-Q4", "2020-Q1"]
    assert all_periods(compute_trends(path, "org", "month")) == [
        "2019-11", "2019-12", "2020-01", "2020-02",
    ]  # fmt: skip
