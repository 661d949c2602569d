"""Split a document into paragraphs.

A document is plain text. Paragraphs are separated by one or more blank lines; inside a paragraph
all runs of white space (line breaks included) become one space. Two clean-ups happen before
splitting:

* a leading metadata line ``date YYYY-MM-DD`` sets the document's date and is not a paragraph (the
  rest of that line, if any, starts the first paragraph);
* Markdown links with an empty target, ``[text](#)``, keep their text and lose the marker.

A paragraph longer than ``max_chars`` characters (default :data:`DEFAULT_MAX_CHARS`, when asked
for) is split at the last white space before the limit (cut hard when a run of that many
characters holds none), so that the memory scoring needs per paragraph stays bounded; no
character but white space is lost.

Boilerplate paragraphs ("ENDS", press contacts, "Notes to editor") are kept: they are real
paragraphs of the document, and the corpus labels them ``neutral`` so that the model learns to
expect them. Dropping them would hide text from the user.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_DATE_LINE = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_EMPTY_LINK = re.compile(r"\[([^\]]*)\]\(#?\)")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
# What str.split() splits ASCII text on, besides a single space (plus a double space).
#: The longest paragraph scored whole; longer ones are split (``--max-chars``).
DEFAULT_MAX_CHARS = 20_000
_SPACE = re.compile(r"\s")
_ASCII_BREAKS = ("  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


class SegmentedDocument(NamedTuple):
    """A document split into paragraphs.

    Attributes
    ----------
    paragraphs : tuple of str
        Non-empty paragraphs with white space normalised, in document order.
    date : str or None
        ISO date from a leading ``date YYYY-MM-DD`` line, if the document has one.
    split : int
        How many paragraphs were longer than ``max_chars`` and split.
    """

    paragraphs: tuple[str, ...]
    date: str | None = None
    split: int = 0


def segment_document(text: str, max_chars: int | None = None) -> SegmentedDocument:
    """Split ``text`` into paragraphs and read its leading date line.

    Parameters
    ----------
    text : str
        The whole document.
    max_chars : int, optional
        Split paragraphs longer than this (see the module docstring); ``None``: never.

    Returns
    -------
    SegmentedDocument
        Paragraphs (possibly none, for an empty document) and the date, if any.

    Examples
    --------
    >>> segment_document("date 2016-10-10 First.\\n\\nSecond\\nline.").paragraphs
    ('First.', 'Second line.')
    """
    # The checks before each regex keep the common case (one plain paragraph) cheap: this runs
    # once per row when scoring millions of rows.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    date = None
    if "date" in text[:40] and (match := _DATE_LINE.match(text)):
        date = match.group(1)
        text = text[match.end() :]
    if "](" in text:
        text = _EMPTY_LINK.sub(r"\1", text)
    blocks = _BLANK_LINE.split(text) if "\n" in text else (text,)
    split = 0
    if max_chars is not None and len(text) > max_chars:
        pieces = []
        for block in blocks:
            chunks = split_long(block, max_chars)
            split += len(chunks) > 1
            pieces.extend(chunks)
        blocks = pieces
    paragraphs = tuple(normalised for block in blocks if (normalised := normalise_space(block)))
    return SegmentedDocument(paragraphs=paragraphs, date=date, split=split)


def split_long(block: str, max_chars: int) -> list[str]:
    """``block`` in pieces of at most ``max_chars`` characters, each ending before the last
    white space that fits (cut hard where there is none); ``[block]`` if it is short enough."""
    if len(block) <= max_chars:
        return [block]
    pieces, start = [], 0
    block = block.strip()
    while len(block) - start > max_chars:
        end = start + max_chars
        if block[end].isspace():  # the limit falls on a space: cut there
            cut = end
        else:  # the last space before the limit: the first in the reversed piece
            match = _SPACE.search(block[start:end][::-1])
            cut = end - match.start() - 1 if match and end - match.start() - 1 > start else end
        pieces.append(block[start:cut])
        start = cut
        while start < len(block) and block[start].isspace():
            start += 1
    pieces.append(block[start:])
    return pieces


def normalise_space(text: str) -> str:
    """Every run of white space becomes one space, none at the ends: ``" ".join(text.split())``,
    with a shortcut for ASCII text that is already so (most rows, when scoring millions)."""
    if (
        text.isascii()
        and text[:1] != " "
        and text[-1:] != " "
        and not any(s in text for s in _ASCII_BREAKS)
    ):
        return text
    return " ".join(text.split())


def segment_paragraphs(text: str) -> list[str]:
    """Return the paragraphs of ``text`` (see :func:`segment_document`)."""
    return list(segment_document(text).paragraphs)
