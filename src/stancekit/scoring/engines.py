"""Where batches are scored: in this process, or spread over joblib worker processes.

An engine maps a function over argument tuples and yields the results in order, lazily, with a
bounded number in flight, so :func:`stancekit.scoring.stream.score_records` streams whatever
runs the batches. A cluster engine (Dask, say) is one more class with the two members of
:class:`Engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from stancekit.errors import UsageError

#: Below this many units a run stays in one process: starting workers (and importing
#: scikit-learn in each) costs more than it saves.
PARALLEL_MIN_UNITS = 20_000


def check_jobs(jobs: int) -> None:
    """Refuse a number of workers that is neither positive nor -1 (all cores).

    Raises
    ------
    UsageError
        Naming ``--jobs``.
    """
    if jobs == 0 or jobs < -1:
        raise UsageError(f"--jobs: {jobs} is not a number of workers: give 1 or more, or -1.")


class Engine(Protocol):
    """Where batches are scored. ``map`` runs ``function(*args)`` for every tuple of ``tasks`` and
    yields the results in order, lazily (a bounded number in flight). Below ``min_units`` units
    :func:`~stancekit.scoring.stream.score_records` stays in-process (:class:`LocalEngine`):
    starting workers would cost more than it saves. A cluster engine (Dask, say) is one more
    class with these two members."""

    min_units: int

    def map(self, function: Callable[..., Any], tasks: Iterable[tuple]) -> Iterator[Any]: ...


class LocalEngine:
    """Every batch in this process, one after the other."""

    min_units = 0

    def map(self, function: Callable[..., Any], tasks: Iterable[tuple]) -> Iterator[Any]:
        for args in tasks:
            yield function(*args)


@dataclass(frozen=True)
class JoblibEngine:
    """Batches spread over ``jobs`` worker processes (joblib; ``-1``: all cores), two per worker in
    flight, results in order."""

    jobs: int = -1
    min_units: int = PARALLEL_MIN_UNITS

    def map(self, function: Callable[..., Any], tasks: Iterable[tuple]) -> Iterator[Any]:
        from joblib import Parallel, delayed

        with Parallel(n_jobs=self.jobs, return_as="generator", pre_dispatch="2*n_jobs") as run:
            yield from run(delayed(function)(*args) for args in tasks)


ENGINES = ("local", "joblib")


def resolve_engine(engine: str | Engine | None = None, jobs: int = 1) -> Engine:
    """The engine for ``engine``: ``"local"``, ``"joblib"`` (``jobs`` workers), an engine object
    (returned as it is), or ``None``: joblib when ``jobs`` is not 1, else local."""
    check_jobs(jobs)
    if engine is None:
        engine = "local" if jobs == 1 else "joblib"
    if engine == "local":
        return LocalEngine()
    if engine == "joblib":
        return JoblibEngine(jobs)
    if isinstance(engine, str) or not hasattr(engine, "map"):
        raise UsageError(f"engine: {engine!r} is not one of {', '.join(ENGINES)} or an engine.")
    return engine
