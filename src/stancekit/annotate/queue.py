"""The order in which `stancekit annotate` shows paragraphs: the least certain first.

:func:`rank` orders paragraphs by how unsure the current model is of them (uncertainty sampling:
the smallest margin between the two most probable labels, or the largest entropy), keeps any one
document from filling the screen (diversity), and gives a fixed share of the positions to
paragraphs drawn uniformly at random, so that estimates from the labels stay unbiased.

The order is built greedily, position by position:

- Position ``p`` (0-based) is a *random* position when ``floor((p + 1) * share) > floor(p *
  share)``: with ``random_share=0.1`` positions 9, 19, 29, ...; every run of ``1 / share``
  positions holds one. At a random position the next paragraph of a seeded random permutation of
  the candidates that has not been shown yet is taken; at the others, the most uncertain one not
  shown yet.
- Diversity: a paragraph is passed over (for now, not for good) while its document already has
  :data:`PER_WINDOW` paragraphs among the previous ``WINDOW - 1`` positions, so no ``WINDOW``
  consecutive positions hold more than ``PER_WINDOW`` paragraphs of one document. The rule gives
  way only where every paragraph still waiting would break it: near the end of a queue when few
  documents are left (the greedy order does not plan ahead to spread those).

Nothing is drawn from the clock or global state: the same arguments give the same order, and a
``limit`` gives a prefix of the unlimited order.
"""

from __future__ import annotations

import heapq
import numbers
from collections.abc import Collection, Hashable, Sequence
from typing import TYPE_CHECKING

from stancekit.errors import InputError, UsageError

if TYPE_CHECKING:
    import numpy as np

#: Uncertainty measures :func:`rank` knows.
STRATEGIES = ("margin", "entropy")
#: Positions of the diversity window and the most paragraphs of one document inside it.
WINDOW = 10
PER_WINDOW = 2
#: What each returned index says about how it was picked.
PICKED_BY_UNCERTAINTY = "uncertainty"
PICKED_BY_RANDOM = "random"
#: Probability rows may miss summing to 1 by this much (float rounding of predict_proba).
_SUM_TOLERANCE = 1e-3
#: ``random_share`` is used in millionths: exact integer arithmetic for the random positions.
_SHARE_UNIT = 1_000_000


def uncertainty(probabilities: np.ndarray, strategy: str = "margin") -> np.ndarray:
    """How unsure each row is, larger = less sure.

    Parameters
    ----------
    probabilities : ndarray of shape (n, k)
        Class probabilities, one row per paragraph (``predict_proba``).
    strategy : {"margin", "entropy"}
        ``margin``: minus the gap between the two highest probabilities (a tie between two labels
        is the least sure). ``entropy``: the Shannon entropy of the row in nats (probability
        spread over all labels is the least sure).

    Returns
    -------
    ndarray of shape (n,)
        The score of each row.
    """
    import numpy as np

    if strategy == "margin":
        top = np.sort(probabilities, axis=1)
        return -(top[:, -1] - top[:, -2])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(probabilities > 0, probabilities * np.log(probabilities), 0.0)
    return -terms.sum(axis=1)


def random_position(position: int, share_millionths: int) -> bool:
    """Whether 0-based ``position`` of the queue is a random one (see the module docstring)."""
    return ((position + 1) * share_millionths) // _SHARE_UNIT > (
        position * share_millionths
    ) // _SHARE_UNIT


def _check_probabilities(probabilities: object, n_docs: int) -> np.ndarray:
    import numpy as np

    try:
        array = np.asarray(probabilities, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            "probabilities must be a numeric (n, k) array: pass the model's predict_proba output."
        ) from None
    if array.ndim != 2 or (array.shape[0] > 0 and array.shape[1] < 2):
        raise InputError(
            f"probabilities has shape {array.shape}; rank needs an (n, k) array with k >= 2 "
            "labels: pass the model's predict_proba output."
        )
    if array.shape[0] != n_docs:
        raise InputError(
            f"probabilities has {array.shape[0]} rows but doc_ids has {n_docs}: pass one "
            "document id per row."
        )
    if array.size and (
        not np.isfinite(array).all()
        or (array < 0).any()
        or (np.abs(array.sum(axis=1) - 1.0) > _SUM_TOLERANCE).any()
    ):
        raise InputError(
            "probabilities must be finite, non-negative and sum to 1 in each row: pass the "
            "model's predict_proba output, not scores or logits."
        )
    return array


def _check_options(
    strategy: str, random_share: float, seed: int, limit: int | None
) -> tuple[int, int | None]:
    if strategy not in STRATEGIES:
        raise UsageError(f"unknown strategy {strategy!r}: use one of {', '.join(STRATEGIES)}.")
    if (
        isinstance(random_share, bool)
        or not isinstance(random_share, numbers.Real)
        or not 0.0 <= random_share <= 1.0
    ):
        raise UsageError(
            f"random_share is {random_share!r}: give a fraction from 0 (no random picks) to 1 "
            "(all random), e.g. 0.1."
        )
    if not _whole(seed) or seed < 0:
        raise UsageError(f"seed is {seed!r}: give a whole number 0 or greater.")
    if limit is not None and (not _whole(limit) or limit < 0):
        raise UsageError(f"limit is {limit!r}: give a whole number 0 or greater, or None for all.")
    return round(random_share * _SHARE_UNIT), None if limit is None else int(limit)


def _whole(value: object) -> bool:
    """An integer (Python or numpy), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _candidates(n: int, exclude: Collection[int]) -> list[int]:
    excluded: set[int] = set()
    for index in exclude:
        if not _whole(index) or not 0 <= index < n:
            raise UsageError(
                f"exclude holds {index!r}, which is not a row index (0 to {n - 1}): pass the "
                "indexes of rows already labelled or skipped."
            )
        excluded.add(int(index))  # type: ignore[call-overload]
    return [i for i in range(n) if i not in excluded]


class _DocumentQueues:
    """Rows in one order, taken one at a time: the first not yet used whose document is
    allowed; lazy deletion of rows another queue took. Heap of document heads: O(log n) a take.

    ``order`` holds row indexes, ``codes`` the document number of every row (0..documents-1).
    """

    def __init__(self, order: np.ndarray, codes: np.ndarray) -> None:
        import numpy as np

        place = np.empty(len(codes), dtype=np.int64)
        place[order] = np.arange(len(order))
        order_codes = codes[order]
        grouping = np.argsort(order_codes, kind="stable")
        grouped = order[grouping]
        docs, starts = np.unique(order_codes[grouping], return_index=True)
        ends = np.append(starts[1:], len(grouped))
        self.rows: list[int] = grouped.tolist()  # each document's rows together, in order
        self.rank: list[int] = place.tolist()
        self.head: dict[int, int] = dict(zip(docs.tolist(), starts.tolist(), strict=True))
        self.end: dict[int, int] = dict(zip(docs.tolist(), ends.tolist(), strict=True))
        self.heap = list(zip(place[grouped[starts]].tolist(), docs.tolist(), strict=True))
        heapq.heapify(self.heap)

    def _advance(self, doc: int, used: set[int]) -> int | None:
        """The first unused row of ``doc``, or None when it has none left."""
        head, end = self.head[doc], self.end[doc]
        while head < end and self.rows[head] in used:
            head += 1
        self.head[doc] = head
        return self.rows[head] if head < end else None

    def _pop(self, doc: int, used: set[int]) -> int:
        """Take the head row of ``doc`` and file the document again under its next row."""
        row = self.rows[self.head[doc]]
        self.head[doc] += 1
        following = self._advance(doc, used)
        if following is not None:
            heapq.heappush(self.heap, (self.rank[following], doc))
        return row

    def take(self, used: set[int], blocked: set[int]) -> int | None:
        """Remove and return the first unused row whose document is not ``blocked`` (the first
        unused row at all when every document left is blocked); None when none is left."""
        held: list[tuple[int, int]] = []
        chosen: int | None = None
        while self.heap:
            key, doc = heapq.heappop(self.heap)
            row = self._advance(doc, used)
            if row is None:
                continue  # document exhausted
            if self.rank[row] != key:  # its head was taken by another queue: re-file it
                heapq.heappush(self.heap, (self.rank[row], doc))
            elif doc in blocked:
                held.append((key, doc))
            else:
                chosen = self._pop(doc, used)
                break
        if chosen is None and held:
            held.sort()
            chosen = self._pop(held.pop(0)[1], used)
        for item in held:
            heapq.heappush(self.heap, item)
        return chosen


def rank(
    probabilities: np.ndarray,
    doc_ids: Sequence[str],
    *,
    strategy: str = "margin",
    random_share: float = 0.1,
    seed: int = 0,
    exclude: Collection[int] = (),
    limit: int | None = None,
) -> list[tuple[int, str]]:
    """The order in which to show paragraphs for labelling.

    Parameters
    ----------
    probabilities : ndarray of shape (n, k)
        The current model's class probabilities, one row per paragraph.
    doc_ids : sequence of str
        The document of each row (length n): at most :data:`PER_WINDOW` paragraphs of one
        document in any :data:`WINDOW` consecutive positions, when the remaining rows allow it.
    strategy : {"margin", "entropy"}
        Uncertainty measure (:func:`uncertainty`): ``margin`` shows the smallest gap between the
        two most probable labels first, ``entropy`` the largest entropy first. Ties keep row
        order.
    random_share : float
        Fraction of positions (0 to 1) filled by paragraphs drawn uniformly at random (seeded)
        from those not shown yet, spread evenly: with 0.1 every tenth position.
    seed : int
        Seed of the random draws (0 or greater); the same arguments give the same order.
    exclude : collection of int
        Row indexes never to return (already labelled or skipped).
    limit : int, optional
        Return at most this many positions (a prefix of the full order). Default: all rows not
        excluded.

    Returns
    -------
    list of (int, str)
        Row indexes in the order to show, each with how it was picked: ``"uncertainty"`` or
        ``"random"``.

    Raises
    ------
    InputError
        If ``probabilities`` is not an (n, k >= 2) array of probability rows, or its length
        differs from ``doc_ids``.
    UsageError
        If ``strategy``, ``random_share``, ``seed``, ``exclude`` or ``limit`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> probabilities = np.array([[0.9, 0.1], [0.5, 0.5], [0.6, 0.4]])
    >>> rank(probabilities, ["a", "b", "c"], random_share=0.0)
    [(1, 'uncertainty'), (2, 'uncertainty'), (0, 'uncertainty')]
    """
    import numpy as np

    share, limit = _check_options(strategy, random_share, seed, limit)
    doc_ids = list(doc_ids)
    array = _check_probabilities(probabilities, len(doc_ids))
    candidates = _candidates(len(doc_ids), exclude)
    total = len(candidates) if limit is None else min(limit, len(candidates))
    if total == 0:
        return []
    number: dict[Hashable, int] = {}
    codes = np.fromiter(
        (number.setdefault(doc, len(number)) for doc in doc_ids), dtype=np.int64, count=len(doc_ids)
    )
    rows = np.asarray(candidates, dtype=np.int64)
    scores = uncertainty(array[rows], strategy)
    queues = {
        PICKED_BY_UNCERTAINTY: _DocumentQueues(rows[np.argsort(-scores, kind="stable")], codes),
        PICKED_BY_RANDOM: _DocumentQueues(
            rows[np.random.default_rng(int(seed)).permutation(len(rows))], codes
        ),
    }
    doc_of: list[int] = codes.tolist()
    order: list[tuple[int, str]] = []
    used: set[int] = set()
    recent: dict[int, int] = {}  # paragraphs of each document in the last WINDOW - 1
    for position in range(total):
        picked_by = PICKED_BY_RANDOM if random_position(position, share) else PICKED_BY_UNCERTAINTY
        blocked = {doc for doc, count in recent.items() if count >= PER_WINDOW}
        row = queues[picked_by].take(used, blocked)
        assert row is not None  # total never exceeds the candidates
        used.add(row)
        order.append((row, picked_by))
        recent[doc_of[row]] = recent.get(doc_of[row], 0) + 1
        if len(order) >= WINDOW:
            leaving = doc_of[order[len(order) - WINDOW][0]]
            recent[leaving] -= 1
            if not recent[leaving]:
                del recent[leaving]
    return order
