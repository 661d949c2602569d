"""A simulated annotator: which labelled paragraphs the annotate queue would have asked for.

The pieces of ``benchmarks/bench_annotate.py`` that are worth testing on their own: splitting an
oracle (a labelled file) into a pool and a test half by organisation, the retraining schedule, and
drawing labels from the pool by the queue (:func:`stancekit.annotate.queue.rank` on the current
model's probabilities, the model retrained every few labels, as `stancekit annotate` does) or at
random. The model is a callback, so these run without scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from stancekit.annotate.queue import rank
from stancekit.errors import UsageError

if TYPE_CHECKING:
    import numpy as np

#: ``score(labelled)``: the pool's class probabilities, shape (pool size, k), from a model
#: trained on the corpus plus the pool rows ``labelled`` (indexes into the pool, in the order
#: they were labelled).
Scorer = Callable[[list[int]], "np.ndarray"]


def split_groups(groups: Sequence[Hashable], seed: int) -> list[bool]:
    """Split rows into two halves of about equal size, whole groups on one side.

    Groups are taken in a seeded random order and each goes to the half that has fewer rows so
    far (ties: the pool half), so the halves differ by at most the size of the largest group.

    Parameters
    ----------
    groups : sequence
        The group (organisation) of each row.
    seed : int
        Seed of the group order: another seed, another split.

    Returns
    -------
    list of bool
        For each row, True when it is in the pool half, False when in the test half.

    Raises
    ------
    UsageError
        If there are fewer than two groups: nothing to split.
    """
    import numpy as np

    distinct = sorted(set(groups), key=str)
    if len(distinct) < 2:
        raise UsageError(
            f"the oracle has {len(distinct)} group(s): a pool/test split needs at least two "
            "organisations (or whatever --group-column names)."
        )
    sizes = {group: 0 for group in distinct}
    for group in groups:
        sizes[group] += 1
    order = np.random.default_rng(seed).permutation(len(distinct))
    in_pool: dict[Hashable, bool] = {}
    pool_rows = test_rows = 0
    for i in order:
        group = distinct[i]
        if pool_rows <= test_rows:
            in_pool[group], pool_rows = True, pool_rows + sizes[group]
        else:
            in_pool[group], test_rows = False, test_rows + sizes[group]
    return [in_pool[group] for group in groups]


def retrain_schedule(points: Sequence[int], retrain_every: int) -> list[int]:
    """The label counts at which the model is trained: every ``retrain_every`` labels and at
    every point measured, from 0 up to the largest point.

    Examples
    --------
    >>> retrain_schedule([0, 10, 25, 50], 10)
    [0, 10, 20, 25, 30, 40, 50]
    """
    if retrain_every < 1:
        raise UsageError(f"retrain_every is {retrain_every}: give a whole number 1 or greater.")
    if any(point < 0 for point in points):
        raise UsageError(f"points {list(points)}: label counts must be 0 or greater.")
    top = max(points, default=0)
    return sorted({0, *points, *range(0, top, retrain_every)})


def draw_by_queue(
    score: Scorer,
    doc_ids: Sequence[str],
    points: Sequence[int],
    *,
    retrain_every: int = 10,
    strategy: str = "margin",
    random_share: float = 0.1,
    seed: int = 0,
) -> list[int]:
    """The pool rows an annotator following the queue labels, in order.

    At each count of :func:`retrain_schedule` the model is retrained (``score`` is called with
    the rows labelled so far) and the queue re-ranked; the annotator then labels the head of the
    queue up to the next count.

    Parameters
    ----------
    score : callable
        See :data:`Scorer`.
    doc_ids : sequence of str
        The document of each pool row (the queue's diversity rule).
    points : sequence of int
        Label counts that will be measured; the draw stops at the largest (or when the pool is
        used up).
    retrain_every : int
        Labels between retrains.
    strategy, random_share, seed
        Passed to :func:`stancekit.annotate.queue.rank`.

    Returns
    -------
    list of int
        Pool indexes in the order labelled; its first ``p`` items are the labels at point ``p``.
    """
    labelled: list[int] = []
    for stop in retrain_schedule(points, retrain_every)[1:]:
        wanted = min(stop, len(doc_ids)) - len(labelled)
        if wanted <= 0:
            break  # the pool is used up
        order = rank(
            score(list(labelled)),
            doc_ids,
            strategy=strategy,
            random_share=random_share,
            seed=seed,
            exclude=labelled,
            limit=wanted,
        )
        labelled.extend(row for row, _ in order)
    return labelled


def draw_at_random(pool_size: int, count: int, seed: int) -> list[int]:
    """``count`` pool indexes (at most the pool) drawn uniformly without replacement, seeded;
    the first ``p`` are the draw of ``p`` labels."""
    import numpy as np

    return [int(i) for i in np.random.default_rng(seed).permutation(pool_size)[:count]]


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise UsageError("no values to summarise: run at least one repeat.")
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else 0.0
