"""``stancekit tune``: grouped-CV grid search over the ``tune.grid`` of params.yaml.

Only the training split is searched, so the held-out split stays unseen. Folds leave out whole
groups of each of ``tune.groupings`` (by default whole voices, then whole genres): settings are
ranked by the mean of their macro-F1 over those groupings, so the winner is what carries to
voices and genres the model has not seen. The
winner is not written into params.yaml: the command prints the ``dvc exp run -S ...`` that applies
it as a DVC experiment, and the results table lands in ``models/tune/``.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from stancekit.data.corpus import read_split
from stancekit.errors import DataError
from stancekit.evaluation.crossval import FoldSummary, cross_validate
from stancekit.io.files import atomic_write
from stancekit.params import Params, TrainParams

DEFAULT_TUNE_DIR = Path("models/tune")


def _plain(value: Any) -> Any:
    """Grid and params values compared alike (lists as tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def yaml_value(value: Any) -> str:
    """A value as ``dvc exp run -S`` takes it: ``[1,2]``, ``true``, ``null``, ``4.0``."""
    if isinstance(value, tuple | list):
        return "[" + ",".join(str(v) for v in value) + "]"
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class TuneResult:
    """Every grid point with its CV summary (of the first grouping) and its score (the mean
    macro-F1 over the groupings), best first; ``noise`` is each point's standard deviation of
    macro-F1 over the folds (mean over the groupings), and ``current`` the values params.yaml
    has now for the grid's keys."""

    results: list[tuple[dict[str, Any], FoldSummary]]
    scores: list[float] | None = None
    noise: list[float] | None = None
    current: dict[str, Any] | None = None

    @property
    def best(self) -> dict[str, Any]:
        return self.results[0][0]

    def _score(self, rank: int) -> float:
        if self.scores is not None:
            return self.scores[rank]
        return self.results[rank][1].mean["macro_f1"] or 0.0

    def _noise(self, rank: int) -> float:
        if self.noise is not None:
            return self.noise[rank]
        return self.results[rank][1].std["macro_f1"] or 0.0

    def current_rank(self) -> int | None:
        """The rank (0: best) of the current settings, or ``None`` if the grid lacks them."""
        if self.current is None:
            return None
        for rank, (point, _) in enumerate(self.results):
            if all(_plain(point[k]) == _plain(self.current.get(k)) for k in point):
                return rank
        return None

    def changes(self) -> dict[str, Any]:
        """The best values that differ from the current ones (all of them if unknown)."""
        if self.current is None:
            return dict(self.best)
        return {k: v for k, v in self.best.items() if _plain(v) != _plain(self.current.get(k))}

    def beats_current(self) -> bool | None:
        """Whether the best beats the current settings by more than one standard deviation
        of the folds (the best's); ``None`` when the grid does not hold the current settings."""
        rank = self.current_rank()
        if rank is None:
            return None
        if rank == 0:
            return False
        return self._score(0) - self._score(rank) > self._noise(0)

    def verdict(self) -> str:
        """One sentence: does anything beat the current settings beyond the noise?"""
        rank = self.current_rank()
        if rank is None:
            return (
                "the current settings are not in tune.grid, so the table cannot say whether the "
                "best beats them: add their values to the grid."
            )
        gap, noise = self._score(0) - self._score(rank), self._noise(0)
        if rank == 0:
            return "the current settings are the best in the grid: keep params.yaml as it is."
        if gap <= noise:
            return (
                f"nothing beats the current settings (rank {rank + 1}) beyond the noise: the best "
                f"is {gap:+.3f} macro-F1 ahead, within one standard deviation of the folds "
                f"({noise:.3f}). Keep params.yaml as it is."
            )
        return (
            f"the best beats the current settings (rank {rank + 1}) by {gap:+.3f} macro-F1, "
            f"more than one standard deviation of the folds ({noise:.3f})."
        )

    def dvc_command(self) -> str | None:
        """The ``dvc exp run`` that sets the best values that differ from the current ones;
        ``None`` when the best are the current settings."""
        changes = self.changes()
        if not changes:
            return None
        return "dvc exp run " + " ".join(
            f"-S 'train.{k}={yaml_value(v)}'" for k, v in changes.items()
        )


def grid_points(grid: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in a stable order."""
    keys = sorted(grid)
    return [
        dict(zip(keys, values, strict=True))
        for values in itertools.product(*(grid[k] for k in keys))
    ]


def tune(
    params: Params,
    train_path: str | Path,
    on_result: Callable[[int, int, dict[str, Any], FoldSummary], None] | None = None,
) -> TuneResult:
    """Cross-validate every grid point on ``train_path``; rank by mean macro-F1 (ties: lower
    std, then fewer changes to the current settings).

    Parameters
    ----------
    params : Params
        ``train`` gives the base values, ``tune`` the grid, folds and seed.
    train_path : path
        The training split (JSONL).
    on_result : callable, optional
        Called as ``on_result(done, total, point, summary)`` after each grid point (progress);
        ``summary`` holds the macro-F1 the ranking uses: the mean over the groupings, ± the mean
        of their fold standard deviations.
    """
    from stancekit.model.pipeline import fit_pipeline

    rows = [r for r in read_split(train_path) if r["label"] in params.train.labels]
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    documents = [r["doc_id"] for r in rows]
    points = grid_points(params.tune.grid)
    results = []
    for done, point in enumerate(points, start=1):
        try:
            candidate: TrainParams = replace(params.train, **point)
        except TypeError as exc:
            raise DataError(f"tune.grid value does not fit train params: {exc}") from None
        summaries = [
            cross_validate(
                texts,
                labels,
                [str(r[grouping]) for r in rows],
                lambda x, y, d, p=candidate: fit_pipeline(x, y, p, d),
                params.tune.cv_folds,
                params.tune.seed,
                documents=documents,
            )
            for grouping in params.tune.groupings
        ]
        score = sum(s.mean["macro_f1"] or 0.0 for s in summaries) / len(summaries)
        noise = sum(s.std["macro_f1"] or 0.0 for s in summaries) / len(summaries)
        results.append((point, summaries[0], score, noise))
        if on_result is not None:
            # The figures the final table ranks by (mean over the groupings), not one grouping's.
            shown = FoldSummary(
                folds=summaries[0].folds,
                mean={"macro_f1": score},
                std={"macro_f1": noise},
                per_fold=[],
            )
            on_result(done, len(points), point, shown)
    current = {k: getattr(params.train, k, None) for k in params.tune.grid}

    def changed(point: dict[str, Any]) -> int:
        return sum(_plain(v) != _plain(current.get(k)) for k, v in point.items())

    # best score first; ties: lower fold std, then fewer changes to params.yaml
    results.sort(key=lambda item: (-item[2], item[3], changed(item[0])))
    return TuneResult(
        results=[(point, summary) for point, summary, _, _ in results],
        scores=[score for _, _, score, _ in results],
        noise=[noise for _, _, _, noise in results],
        current=current,
    )


def write_tune_results(result: TuneResult, out_dir: str | Path = DEFAULT_TUNE_DIR) -> Path:
    """``results.csv`` (every point, best first) and ``best.json`` in ``out_dir``."""
    out_dir = Path(out_dir)
    keys = sorted(result.best)
    with atomic_write(out_dir / "results.csv") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*keys, "macro_f1_mean", "macro_f1_std", "accuracy_mean", "folds"])
        for point, summary in result.results:
            writer.writerow(
                [json.dumps(point[k]) if isinstance(point[k], tuple) else point[k] for k in keys]
                + [
                    round(summary.mean["macro_f1"], 6),
                    round(summary.std["macro_f1"], 6),
                    round(summary.mean["accuracy"], 6),
                    summary.folds,
                ]
            )
    with atomic_write(out_dir / "best.json") as handle:
        best_summary = result.results[0][1]
        json.dump(
            {
                "train": result.best,
                "macro_f1_mean": best_summary.mean["macro_f1"],
                "macro_f1_std": best_summary.std["macro_f1"],
                "beats_current": result.beats_current(),
                "verdict": result.verdict(),
                "dvc_command": result.dvc_command(),
            },
            handle,
            indent=2,
        )
        handle.write("\n")
    return out_dir
