from __future__ import annotations

import json
from pathlib import Path

from stancekit.params import Params, PrepareParams, TrainParams, TuneParams
from stancekit.prepare import prepare
from stancekit.tune import grid_points, tune, write_tune_results


def test_grid_points() -> None:
    points = grid_points({"C": (1.0, 4.0), "ngram_range": ((1, 1), (1, 2)), "min_df": (1,)})
    assert len(points) == 4
    assert points[0] == {"C": 1.0, "min_df": 1, "ngram_range": (1, 1)}


def test_tune_ranks_and_writes(tmp_path: Path, tiny_corpus: Path) -> None:
    prepare(PrepareParams(data=(str(tiny_corpus),), test_fraction=0.25, seed=0), tmp_path / "p")
    params = Params(
        train=TrainParams(min_df=1, max_df=1.0),
        tune=TuneParams(grid={"C": (0.01, 10.0), "ngram_range": ((1, 1),)}, cv_folds=3),
    )
    seen = []
    result = tune(params, tmp_path / "p" / "train.jsonl", lambda *args: seen.append(args[:2]))
    assert seen == [(1, 2), (2, 2)]
    means = [s.mean["macro_f1"] for _, s in result.results]
    assert means == sorted(means, reverse=True)
    assert result.dvc_command().startswith("dvc exp run -S 'train.C=")
    out = write_tune_results(result, tmp_path / "tune")
    best = json.loads((out / "best.json").read_text(encoding="utf-8"))
    assert best["train"]["C"] == result.best["C"]
    assert len((out / "results.csv").read_text(encoding="utf-8").splitlines()) == 3
