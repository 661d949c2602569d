from __future__ import annotations

import json
from pathlib import Path

from stancekit.data.prepare import prepare
from stancekit.evaluation.results import FoldSummary
from stancekit.evaluation.tune import TuneResult, grid_points, tune, write_tune_results
from stancekit.params import Params, PrepareParams, TrainParams, TuneParams


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
    assert result.current == {"C": params.train.C, "ngram_range": params.train.ngram_range}
    out = write_tune_results(result, tmp_path / "tune")
    best = json.loads((out / "best.json").read_text(encoding="utf-8"))
    assert best["train"]["C"] == result.best["C"]
    assert len((out / "results.csv").read_text(encoding="utf-8").splitlines()) == 3


def summary(mean: float, std: float) -> FoldSummary:
    return FoldSummary(5, {"macro_f1": mean, "accuracy": mean}, {"macro_f1": std}, [])


def result(current: dict, scores: list[tuple[dict, float, float]]) -> TuneResult:
    return TuneResult(
        results=[(point, summary(mean, std)) for point, mean, std in scores],
        scores=[mean for _, mean, _ in scores],
        noise=[std for _, _, std in scores],
        current=current,
    )


def test_no_dvc_command_when_the_winner_is_the_current_setting() -> None:
    tuned = result(
        {"C": 4.0, "ngram_range": (1, 2)}, [({"C": 4.0, "ngram_range": [1, 2]}, 0.8, 0.02)]
    )
    assert tuned.dvc_command() is None and tuned.beats_current() is False
    assert "current settings are the best" in tuned.verdict()


def test_a_win_inside_the_noise_is_not_a_win() -> None:
    tuned = result(
        {"C": 4.0, "min_df": 2},
        [({"C": 16.0, "min_df": 2}, 0.805, 0.03), ({"C": 4.0, "min_df": 2}, 0.79, 0.02)],
    )
    assert tuned.current_rank() == 1 and tuned.beats_current() is False
    assert tuned.verdict().startswith(
        "nothing beats the current settings (rank 2) beyond the noise"
    )
    assert tuned.dvc_command() == "dvc exp run -S 'train.C=16.0'"  # only what changes


def test_a_win_beyond_the_noise() -> None:
    tuned = result(
        {"C": 4.0, "sublinear_tf": True},
        [
            ({"C": 4.0, "sublinear_tf": False}, 0.85, 0.02),
            ({"C": 4.0, "sublinear_tf": True}, 0.8, 0.02),
        ],
    )
    assert tuned.beats_current() is True and "by +0.050 macro-F1" in tuned.verdict()
    assert tuned.dvc_command() == "dvc exp run -S 'train.sublinear_tf=false'"
    assert result({"C": 1.0}, [({"C": 4.0}, 0.8, 0.01)]).beats_current() is None
