"""Checks of what library callers pass in: lists of texts, ``(doc_id, text)`` pairs.

A dict or a set is refused rather than iterated (iterating a dict scores its keys, silently); a
single string is refused rather than scored letter by letter. Every refusal is an
:class:`~stancekit.errors.InputError` that names the item.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from stancekit.errors import InputError


def refuse_unordered(items: Any, what: str) -> None:
    """Refuse a single string, a mapping or a set where a sequence of ``what`` is expected.

    Raises
    ------
    InputError
        Saying what to pass instead.
    """
    if isinstance(items, str | bytes):
        raise InputError(f"pass a list of {what}, not a single string: [{what[:-1]}].")
    if isinstance(items, Mapping | AbstractSet):
        kind = type(items).__name__
        raise InputError(
            f"pass a list of {what}, not a {kind} (a {kind} has no order, and iterating a dict "
            f"gives its keys): list(...) it first."
        )
    if not isinstance(items, Iterable):
        raise InputError(f"pass a list of {what}, not {type(items).__name__}.")


def checked_texts(texts: Iterable[str]) -> Iterator[str]:
    """Yield ``texts``, refusing anything that is not a non-empty string (see
    :func:`refuse_unordered`).

    Raises
    ------
    InputError
        Naming the text's position and what it is.
    """
    refuse_unordered(texts, "texts")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"text {index} is {type(text).__name__}, not str.")
        if not text.strip():
            raise InputError(f"text {index} is empty: remove it or give it some words.")
        yield text


def checked_documents(documents: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Yield ``(doc_id, text)`` pairs, refusing anything else.

    Raises
    ------
    InputError
        Naming the document's position and what is wrong with it.
    """
    refuse_unordered(documents, "(doc_id, text) pairs")
    for index, document in enumerate(documents):
        if not isinstance(document, tuple | list) or len(document) != 2:
            raise InputError(
                f"document {index} is {type(document).__name__} {_short(document)}, not a "
                "(doc_id, text) pair."
            )
        doc_id, text = document
        if not isinstance(text, str):
            raise InputError(
                f"document {index} ({doc_id!r}): its text is {type(text).__name__}, not str."
            )
        yield str(doc_id), text


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"
