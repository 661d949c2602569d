"""Which paragraph to show next: least certain first, with diversity and a random share.

A simple stand-in with the shared signature (the benchmark branch owns the full version).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


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
    """Row indexes (not in ``exclude``) in the order to show, each with how it was picked.

    Parameters
    ----------
    probabilities : ndarray, shape (n, k)
        Class probabilities of each row.
    doc_ids : sequence of str
        The document of each row.
    strategy : {"margin", "entropy"}
        Smallest top-two margin first, or largest entropy first.
    random_share : float
        Share of positions drawn uniformly at random (seeded) from the rest.
    seed : int
        Seed of the random draws.
    exclude : collection of int
        Rows never returned.
    limit : int, optional
        At most this many rows.

    Returns
    -------
    list of (int, str)
        Row index and ``"uncertainty"`` or ``"random"``.
    """
    import numpy as np

    probs = np.asarray(probabilities, dtype=float)
    if strategy not in ("margin", "entropy"):
        raise ValueError(f"strategy must be margin or entropy, got {strategy!r}")
    if not 0.0 <= random_share <= 1.0:
        raise ValueError(f"random_share must be between 0 and 1, got {random_share}")
    excluded = set(exclude)
    rows = [i for i in range(len(probs)) if i not in excluded]
    if not rows:
        return []
    if strategy == "margin":
        top = np.sort(probs, axis=1)
        key = top[:, -1] - (top[:, -2] if probs.shape[1] > 1 else 0.0)
    else:
        clipped = np.clip(probs, 1e-12, 1.0)
        key = (clipped * np.log(clipped)).sum(axis=1)  # negative entropy: smallest first
    by_need = sorted(rows, key=lambda i: (key[i], i))
    generator = np.random.default_rng(seed)
    total = len(rows) if limit is None else min(limit, len(rows))
    n_random = round(total * random_share)
    random_rows = [by_need[i] for i in generator.permutation(len(by_need))[:n_random]]
    random_set = set(random_rows)
    uncertain = _diverse([i for i in by_need if i not in random_set], doc_ids)
    order: list[tuple[int, str]] = []
    step = max(1, round(1 / random_share)) if random_share > 0 else 0
    u = r = 0
    while len(order) < total:
        take_random = r < len(random_rows) and (
            u >= len(uncertain) or (step and (len(order) + 1) % step == 0)
        )
        if take_random:
            order.append((random_rows[r], "random"))
            r += 1
        else:
            order.append((uncertain[u], "uncertainty"))
            u += 1
    return order


def _diverse(rows: list[int], doc_ids: Sequence[str], window: int = 10, most: int = 2) -> list[int]:
    """``rows`` reordered so that no document has more than ``most`` rows in any ``window``
    consecutive positions, when avoidable (otherwise the first waiting row goes next)."""
    waiting = list(rows)
    out: list[int] = []
    while waiting:
        recent = [doc_ids[i] for i in out[-(window - 1) :]]
        pick = next((n for n, i in enumerate(waiting) if recent.count(doc_ids[i]) < most), 0)
        out.append(waiting.pop(pick))
    return out
