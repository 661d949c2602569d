"""How much a user's own labels should weigh against the corpus, simulated on the corpus alone.

The pieces of ``benchmarks/bench_label_weight.py`` worth testing on their own. Each held-out
group (a whole genre, or a whole voice) plays a user's own kind of text: the model is trained on
every other corpus document, the group's documents are split by document into a pool half and a
test half, ``k`` pool rows are labelled (by the annotate queue or at random) and added at sample
weight ``w``, and the gain in macro-F1 on the group's test half over the 0-label model is
recorded. :func:`choose_weight` applies the rule, stated before the simulation was run, that
picks the shipped default (:data:`stancekit.labels.USER_LABEL_WEIGHT`) from those gains.

Nothing here imports scikit-learn; the fits are the benchmark's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import NamedTuple

from stancekit.errors import UsageError


class Gain(NamedTuple):
    """One simulated outcome: macro-F1 gain on a held-out group's test half."""

    kind: str  #: the grouping: ``genre`` or ``voice``
    group: str  #: the held-out genre or voice
    arm: str  #: how the labels were drawn: ``queue`` or ``random``
    k: int  #: labels asked for
    weight: float  #: sample weight of the labelled rows (corpus rows weigh 1)
    gain: float  #: macro-F1 with the labels minus macro-F1 without


def held_out_groups(
    values: Sequence[Hashable], doc_ids: Sequence[str], min_documents: int
) -> list[str]:
    """The groups (values of a grouping column, one per row) with at least ``min_documents``
    documents, largest first (ties by name), so ``--groups N`` keeps the N largest."""
    documents: dict[str, set[str]] = defaultdict(set)
    for value, doc in zip(values, doc_ids, strict=True):
        documents[str(value)].add(doc)
    kept = [g for g, docs in documents.items() if len(docs) >= min_documents]
    return sorted(kept, key=lambda g: (-len(documents[g]), g))


def summarise_gains(
    gains: Iterable[Gain],
) -> dict[tuple[str, int, float, str], tuple[float, float, int]]:
    """Mean, sample sd (0 for one value) and count of the gains, by (kind, k, weight, arm)."""
    from stancekit.annotate.simulate import mean_sd

    cells: dict[tuple[str, int, float, str], list[float]] = defaultdict(list)
    for g in gains:
        cells[(g.kind, g.k, float(g.weight), g.arm)].append(g.gain)
    return {key: (*mean_sd(values), len(values)) for key, values in sorted(cells.items())}


def choose_weight(gains: Iterable[Gain], k: int, decimals: int = 3) -> tuple[float, dict]:
    """The default weight by the rule fixed before the simulation ran.

    Rule: for each weight, the mean gain at ``k`` labels over the groups of each grouping (and
    both draws, queue and random, pooled), then averaged over the groupings with equal say; the
    weight with the largest average wins, rounded to ``decimals`` places, ties to the smaller
    weight (less trust in a few labels when more buys nothing).

    Returns
    -------
    tuple
        The chosen weight and the score of every weight.

    Raises
    ------
    UsageError
        If no gain was measured at ``k`` labels, or a weight lacks a grouping another has.
    """
    by_weight: dict[float, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for g in gains:
        if g.k == k:
            by_weight[float(g.weight)][g.kind].append(g.gain)
    if not by_weight:
        raise UsageError(f"no gains at {k} labels: run the simulation with k={k}.")
    kinds = {kind for per_kind in by_weight.values() for kind in per_kind}
    scores: dict[float, float] = {}
    for weight, per_kind in by_weight.items():
        if set(per_kind) != kinds:
            raise UsageError(
                f"weight {weight:g} lacks grouping(s) {sorted(kinds - set(per_kind))}."
            )
        scores[weight] = sum(sum(v) / len(v) for v in per_kind.values()) / len(per_kind)
    best = min(scores, key=lambda w: (-round(scores[w], decimals), w))
    return best, dict(sorted(scores.items()))


def weight_vector(corpus_rows: int, label_rows: int, weight: float) -> list[float]:
    """Sample weights: 1 for each corpus row, then ``weight`` for each labelled row."""
    if not weight > 0:
        raise UsageError(f"weight must be above 0, got {weight}.")
    return [1.0] * corpus_rows + [float(weight)] * label_rows
