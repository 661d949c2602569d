"""The stance labels, as defined in the labelling guide (data/corpus/README.md)."""

from __future__ import annotations

DECRIMINALISATION = "decriminalisation"
ABOLITIONIST = "abolitionist"
NEUTRAL = "neutral"

#: Every label a paragraph can carry, in the order of the ``ClassLabel`` feature.
LABELS: tuple[str, ...] = (DECRIMINALISATION, ABOLITIONIST, NEUTRAL)

#: The two stances; the default (binary) model learns only these.
STANCES: tuple[str, ...] = (DECRIMINALISATION, ABOLITIONIST)

#: What :meth:`stancekit.StancePredictor.predict` answers below its ``threshold``: no label is
#: probable enough. Never a training label.
UNCERTAIN = "uncertain"


def short_names(labels: tuple[str, ...] | list[str], least: int = 4) -> dict[str, str]:
    """The shortest prefix of each label, at least ``least`` characters, that no other label
    shares: ``abol``, ``decr``, ``neut``, ``unce`` (for narrow terminal headers).

    Examples
    --------
    >>> short_names(["abolitionist", "decriminalisation", "neutral"])
    {'abolitionist': 'abol', 'decriminalisation': 'decr', 'neutral': 'neut'}
    """
    names = {}
    for label in labels:
        size = least
        while size < len(label) and any(
            other != label and other.startswith(label[:size]) for other in labels
        ):
            size += 1
        names[label] = label[:size]
    return names
