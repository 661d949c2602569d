"""Integer keys to integer values in an open-addressing hash table, looked up with numpy (the
portable scorer's word n-grams: a few gathers per key instead of a binary search)."""

from __future__ import annotations

import numpy as np

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: odd, bits well mixed
_EMPTY = -1


class KeyTable:
    """Distinct non-negative int64 keys and their values; a quarter of the slots or fewer used,
    so that most keys are found, or known absent, at the first slot looked at."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        bits = max((4 * len(keys)).bit_length(), 4)
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self._keys = np.full(1 << bits, _EMPTY, dtype=np.int64)
        self._values = np.full(1 << bits, -1, dtype=np.int64)
        keys = np.asarray(keys, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        slots = self._slots(keys)
        pending = np.arange(len(keys))
        while len(pending):  # linear probing; of the keys that want one free slot, the first
            free = pending[self._keys[slots[pending]] == _EMPTY]
            _, first = np.unique(slots[free], return_index=True)
            placed = free[first]
            self._keys[slots[placed]] = keys[placed]
            self._values[slots[placed]] = values[placed]
            pending = np.setdiff1d(pending, placed, assume_unique=True)
            slots[pending] = (slots[pending] + 1) & self._mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * _MULTIPLIER) >> self._shift).astype(np.int64)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Each key's value, or -1 for a key not in the table."""
        slots = self._slots(keys)
        stored = self._keys[slots]
        found = np.where(stored == keys, self._values[slots], -1)
        pending = np.flatnonzero((stored != keys) & (stored != _EMPTY))
        slots = slots[pending]
        while len(pending):
            slots = (slots + 1) & self._mask
            stored = self._keys[slots]
            hit = stored == keys[pending]
            found[pending[hit]] = self._values[slots[hit]]
            more = ~hit & (stored != _EMPTY)
            pending, slots = pending[more], slots[more]
        return found
