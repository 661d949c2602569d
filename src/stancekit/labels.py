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

#: Sample weight of a user's own labelled rows when they are trained on together with the
#: corpus (corpus rows weigh 1): the default of `stancekit train --weight`, of the annotate
#: tool's background retrain and of benchmarks/bench_annotate.py. Chosen by a simulation on the
#: corpus alone (benchmarks/bench_label_weight.py: whole genres and voices held out, their own
#: labels added at weights 1, 3, 10, 30), by a rule fixed before it ran
#: (:func:`stancekit.annotate.labelweight.choose_weight`): mean macro-F1 gain at 100 labels,
#: w=1 +0.011, w=3 +0.014, w=10 +0.013, w=30 +0.009 (2026-11-30; table in README). It lives
#: here, not in :mod:`stancekit.model.pipeline` (which re-exports it), so the CLI's help needs no
#: model code.
USER_LABEL_WEIGHT = 3.0


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
