"""The paragraphs to label: read as ``stancekit predict`` reads its inputs and split as it
splits them, so ``doc_id`` and ``paragraph_index`` match what ``predict --unit paragraph``
writes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from stancekit.errors import InputError
from stancekit.scoring.read import DEFAULT_GLOBS, STDIN, SourceOptions, SourceRecord, iter_records
from stancekit.scoring.rows import ScoringStats
from stancekit.scoring.segment import DEFAULT_MAX_CHARS
from stancekit.scoring.stream import iter_units


@dataclass(frozen=True)
class Item:
    """One paragraph to label.

    Attributes
    ----------
    key : str
        ``<doc_id>#<paragraph_index>`` (see :func:`stancekit.annotate.store.item_key`).
    doc_id, paragraph_index, text, date :
        As ``stancekit predict`` gives them.
    source : str
        The input file's name, ``"stdin"``, or ``"inline"`` for a text given as an argument.
    title : str or None
        A table's ``title`` column, if it has one.
    document : int
        The number of the document the paragraph belongs to (its neighbours share it).
    """

    key: str
    doc_id: str
    paragraph_index: int
    text: str
    source: str
    date: str | None
    title: str | None
    document: int


def _records(sources: Sequence[str], options: SourceOptions) -> Iterator[tuple[str, SourceRecord]]:
    """Every record of ``sources`` with the name of the input it came from."""
    from stancekit.io.folders import files_in

    inline = 0
    for arg in sources:
        path = Path(arg)
        if arg == STDIN:
            yield from (("stdin", r) for r in iter_records([arg], options))
        elif arg.strip() and path.is_dir():
            patterns = (options.glob,) if options.glob else DEFAULT_GLOBS
            for file in files_in(path, patterns):
                yield from ((file.name, r) for r in iter_records([str(file)], options))
        elif arg.strip() and path.is_file():
            yield from ((path.name, r) for r in iter_records([arg], options))
        else:
            for record in iter_records([arg], options):
                inline += 1
                yield "inline", record._replace(doc_id=f"text-{inline}")


def read_items(
    sources: Sequence[str],
    options: SourceOptions | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[Item]:
    """The paragraphs of ``sources`` (anything ``stancekit predict`` reads), in input order.

    A paragraph whose ``doc_id#paragraph_index`` repeats one read before (two tables with the
    same ids) is left out: answers are keyed by it.

    Raises
    ------
    InputError
        Unreadable input, or no paragraph at all.
    """
    from stancekit.annotate.store import item_key

    options = options or SourceOptions()
    items: list[Item] = []
    seen: set[str] = set()
    document = -1
    for source, record in _records(sources, options):
        title = record.extra.get("title")
        title = title if isinstance(title, str) and title.strip() else None
        stats = ScoringStats()
        first = True
        for unit in iter_units([record], "paragraph", stats, max_chars):
            if first:
                document += 1
                first = False
            assert unit.paragraph_index is not None
            key = item_key(unit.doc_id, unit.paragraph_index)
            if key in seen:
                continue
            seen.add(key)
            items.append(
                Item(
                    key,
                    unit.doc_id,
                    unit.paragraph_index,
                    unit.text,
                    source,
                    unit.date,
                    title,
                    document,
                )
            )
    if not items:
        raise InputError("nothing to annotate: every input was empty.")
    return items


def neighbours(items: Sequence[Item], index: int, around: int = 1) -> tuple[list[str], list[str]]:
    """The texts of up to ``around`` paragraphs before and after ``items[index]`` in its
    document."""
    document = items[index].document
    before = [
        items[i].text for i in range(max(0, index - around), index) if items[i].document == document
    ]
    after = [
        items[i].text
        for i in range(index + 1, min(len(items), index + 1 + around))
        if items[i].document == document
    ]
    return before, after
