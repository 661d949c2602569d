"""Plain text tables that fit the terminal: columns shrink (the flexible one first, with ``…``)
or drop out (optional ones, last first) until the table fits ``width``.

Machine formats (CSV, JSON Lines) keep the full text; this is only for people reading a terminal.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass

#: Terminal width when stdout is not a terminal (pipes, tests), as ``shutil`` assumes.
FALLBACK_WIDTH = 80


def terminal_width() -> int:
    """The terminal's columns (``$COLUMNS`` first), else :data:`FALLBACK_WIDTH`."""
    return shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis when cut."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Column:
    """A table column: its header, alignment (``<`` or ``>``), whether it may shrink (``flex``,
    never below ``least`` characters) and whether it may be dropped when space runs out."""

    header: str
    align: str = ">"
    flex: bool = False
    least: int = 6
    optional: bool = False


def format_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None = None, gap: int = 2
) -> str:
    """Rows of cell strings as aligned lines no wider than ``width`` (default: the terminal).

    Flexible columns shrink first (cells clipped with ``…``); then optional columns are dropped,
    the rightmost first. If the table still does not fit, it is printed as narrow as it can be.
    """
    return fit_table(columns, rows, width, gap)[0]


def fit_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None = None, gap: int = 2
) -> tuple[str, list[str]]:
    """:func:`format_table`'s text, and the headers of the columns it dropped to fit."""
    width = terminal_width() if width is None else width
    keep = list(range(len(columns)))
    natural = [
        max([len(columns[i].header)] + [len(row[i]) for row in rows]) for i in range(len(columns))
    ]

    def layout(kept: list[int]) -> list[int] | None:
        sizes = [natural[i] for i in kept]
        excess = sum(sizes) + gap * (len(kept) - 1) - width
        for pos, i in enumerate(kept):
            if excess <= 0:
                break
            if columns[i].flex:
                cut = min(excess, sizes[pos] - min(columns[i].least, sizes[pos]))
                sizes[pos] -= cut
                excess -= cut
        return sizes if excess <= 0 else None

    sizes = layout(keep)
    while sizes is None and any(columns[i].optional for i in keep):
        drop = max(i for i in keep if columns[i].optional)
        keep.remove(drop)
        sizes = layout(keep)
    if sizes is None:  # as narrow as it gets
        sizes = [min(natural[i], columns[i].least) if columns[i].flex else natural[i] for i in keep]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for size, i in zip(sizes, keep, strict=True):
            cell = clip(cells[i], size)
            parts.append(f"{cell:<{size}}" if columns[i].align == "<" else f"{cell:>{size}}")
        return (" " * gap).join(parts).rstrip()

    text = "\n".join([line([c.header for c in columns]), *(line(row) for row in rows)]) + "\n"
    return text, [c.header for i, c in enumerate(columns) if i not in keep]
