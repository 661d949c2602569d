"""stancekit.scoring.engines: where batches run; results come back in order."""

from __future__ import annotations

import operator

import pytest

from stancekit.errors import UsageError
from stancekit.scoring.engines import (
    PARALLEL_MIN_UNITS,
    JoblibEngine,
    LocalEngine,
    check_jobs,
    resolve_engine,
)

TASKS = [(i, i) for i in range(12)]


def test_engines_map_in_order() -> None:
    expected = [i * i for i in range(12)]
    assert list(LocalEngine().map(operator.mul, TASKS)) == expected
    assert list(JoblibEngine(jobs=2).map(operator.mul, TASKS)) == expected


def test_resolve_engine() -> None:
    assert isinstance(resolve_engine(), LocalEngine)
    assert resolve_engine(jobs=3) == JoblibEngine(3, PARALLEL_MIN_UNITS)
    assert resolve_engine("joblib", jobs=-1) == JoblibEngine(-1)
    assert isinstance(resolve_engine("local", jobs=4), LocalEngine)
    mine = JoblibEngine(2, min_units=0)
    assert resolve_engine(mine) is mine
    with pytest.raises(UsageError, match="engine: 'dask' is not one of local, joblib"):
        resolve_engine("dask")
    with pytest.raises(UsageError, match="engine: 3 is not"):
        resolve_engine(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("jobs", [0, -2])
def test_check_jobs(jobs: int) -> None:
    check_jobs(1)
    check_jobs(-1)
    with pytest.raises(UsageError, match=f"--jobs: {jobs} is not a number of workers"):
        check_jobs(jobs)
