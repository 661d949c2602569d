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
