"""Text analysis as scikit-learn's ``TfidfVectorizer`` does it: accent stripping, character
n-grams and, for a whole batch at once, word tokens (private to :mod:`.scorer`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

_WHITE_SPACES = re.compile(r"\s\s+")

#: The token patterns whose matches are the maximal runs of a character class (word characters,
#: or non-spaces), so that a batch can be tokenised as one string (see :func:`batch_tokens`).
RUN_PATTERNS = frozenset((r"(?u)\b\w\w+\b", r"(?u)\b\w+\b", r"\S+", r"(?u)\S+"))
_WORD_PATTERNS = (r"(?u)\b\w\w+\b", r"(?u)\b\w+\b")
_ASCII_WORD = [chr(c) for c in range(128) if re.fullmatch(r"\w", chr(c))]
#: ``bytes.translate`` table: ASCII characters that are not word characters (``re``'s ``\w``)
#: become spaces; other bytes are kept.
_NON_WORD_TO_SPACE = bytes(c if c > 127 or chr(c) in _ASCII_WORD else 32 for c in range(256))
#: Per pattern, the tokens :func:`batch_tokens` may give that the pattern never makes (single
#: ASCII word characters): the caller drops them.
NOT_TOKENS = {r"(?u)\b\w\w+\b": tuple(_ASCII_WORD)}
#: Put between two texts of a batch (with a space either side): one token under every pattern
#: of :data:`RUN_PATTERNS`, and only a separator when no text of the batch contains it.
SEPARATOR = "x0stancekit0text0separator0x"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def strip_accents_unicode(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode``: NFKD, combining characters dropped (each
    distinct one with one ``str.replace``: a text has few)."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKD", text)
    if normalized.isascii():
        return normalized
    for char in set(_NON_ASCII.findall(normalized)):
        if unicodedata.combining(char):
            normalized = normalized.replace(char, "")
    return normalized


def strip_accents_ascii(text: str) -> str:
    """scikit-learn's ``strip_accents_ascii``: NFKD, then only the ASCII characters."""
    return unicodedata.normalize("NFKD", text).encode("ASCII", "ignore").decode("ASCII")


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams of a preprocessed text (scikit-learn's ``analyzer="char"``)."""
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text) if low == 1 else []
    for n in range(max(low, 2), min(high + 1, len(text) + 1)):
        grams.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside words, padded with a space (``analyzer="char_wb"``)."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        word = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[:n])
            while offset + n < len(word):
                offset += 1
                grams.append(word[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def as_key(token: str, token_pattern: str) -> str | bytes:
    """A token as :func:`batch_tokens` gives it when it tokenises a batch as one string (UTF-8
    for the word-character patterns)."""
    return token.encode("utf-8", "surrogatepass") if token_pattern in _WORD_PATTERNS else token


def batch_tokens(
    texts: Sequence[str], token_pattern: str, findall: Callable[[str], list[str]]
) -> tuple[list[Any], bool]:
    """The tokens of all the preprocessed texts, in order, each text's followed by a separator
    (stop words and :data:`NOT_TOKENS` not removed), and whether the batch was tokenised as one
    string: then the tokens and the separator :data:`SEPARATOR` are as :func:`as_key` gives
    them, else the tokens are ``findall``'s of each text and the separator is ``None``.

    With a pattern of :data:`RUN_PATTERNS`, a match is a maximal run of non-spaces, or of word
    characters. Non-spaces: the texts, joined by ``" SEPARATOR "``, are split on spaces
    (``str.split`` and ``re``'s ``\\s`` agree on what a space is). Word characters: a text
    that is not ASCII is replaced by its matches joined by spaces; joined by
    ``" SEPARATOR "``, encoded in UTF-8 (where every byte of a character beyond ASCII is above
    127), the ASCII bytes that are not word characters become spaces, and the bytes are split
    on spaces. Each text's runs are the ones it has alone, and the separator is a run of its
    own. When a text holds :data:`SEPARATOR`, or for any other pattern, each text is tokenised
    alone.
    """
    if token_pattern in RUN_PATTERNS:
        joined: str | bytes
        if token_pattern in _WORD_PATTERNS:
            runs = [t if t.isascii() else " ".join(findall(t)) for t in texts]
            joined = f" {SEPARATOR} ".join(runs).encode("utf-8", "surrogatepass")
            joined = joined.translate(_NON_WORD_TO_SPACE)
        else:
            joined = f" {SEPARATOR} ".join(texts)
        separator = as_key(SEPARATOR, token_pattern)
        if joined.count(separator) == len(texts) - 1:  # type: ignore[arg-type]
            tokens: list[Any] = joined.split()
            if texts:
                tokens.append(separator)
            return tokens, True
    tokens = []
    for text in texts:
        tokens.extend(findall(text))
        tokens.append(None)
    return tokens, False
