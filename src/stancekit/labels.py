"""The stance labels, as defined in the labelling guide (data/corpus/README.md), and how a
user's spelling of one is matched to it (:func:`resolve_label`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stancekit.errors import DataError, InputError, StancekitError

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


def label_key(value: str) -> str:
    """The spelling-insensitive key of a label: casefolded, without spaces, hyphens and
    underscores, ``isation`` read as ``ization``.

    Examples
    --------
    >>> label_key(" De-criminalisation ") == label_key("decriminalization")
    True
    """
    key = value.casefold().strip()
    for mark in (" ", "-", "_"):
        key = key.replace(mark, "")
    return key.replace("isation", "ization")


def canonical_label(value: str) -> str | None:
    """The stancekit label that ``value`` spells (see :func:`label_key`), or ``None``."""
    return _CANONICAL.get(label_key(value))


def parse_label_map(spec: str | None) -> dict[str, str]:
    """Parse ``--label-map 'pro=decriminalisation,anti=abolitionist,other=neutral'``.

    Keys are the user's labels (matched by :func:`label_key`); values must be stancekit labels
    (spelt leniently too). An empty or missing spec is no map.

    Raises
    ------
    InputError
        One line naming the bad entry.
    """
    if spec is None or not spec.strip():
        return {}
    mapping: dict[str, str] = {}
    for entry in spec.split(","):
        name, sep, target = entry.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise InputError(
                f"--label-map: {entry.strip()!r} is not YOURS=LABEL; write e.g. "
                "'pro=decriminalisation,anti=abolitionist,other=neutral'."
            )
        label = canonical_label(target)
        if label is None:
            raise InputError(
                f"--label-map: {target.strip()!r} (for {name.strip()!r}) is not a stancekit "
                f"label; map to {', '.join(LABELS)}."
            )
        key = label_key(name)
        if key in mapping and mapping[key] != label:
            raise InputError(f"--label-map: {name.strip()!r} is mapped twice.")
        mapping[key] = label
    return {key: mapping[key] for key in sorted(mapping)}


def resolve_label(
    value: Any,
    label_map: Mapping[str, str],
    where: str,
    error: type[StancekitError] = DataError,
) -> str:
    """The stancekit label of a table's label cell: the label map first, then the lenient
    spelling of a stancekit label.

    Raises
    ------
    DataError
        (or ``error``) Naming the value, ``where`` (file and line) and ``--label-map``.
    """
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    label = label_map.get(label_key(text)) or canonical_label(text)
    if label is None:
        mapped = f" or {', '.join(sorted(label_map))}" if label_map else ""
        raise error(
            f"{where}: unknown label {text!r}; labels are {', '.join(LABELS)}{mapped} (any case, "
            "-isation or -ization): map your own with --label-map 'yours=decriminalisation,...'."
        )
    return label


_CANONICAL = {label_key(label): label for label in LABELS}
