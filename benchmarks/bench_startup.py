"""Start-up benchmark: a one-text `stancekit predict` against a bare scikit-learn import.

`stancekit predict` loads the portable model (JSON + numpy arrays) and scores with numpy alone,
so it should not cost a scikit-learn import. Both commands run as fresh subprocesses, best of 5
(the minimum is the least disturbed by other load on the machine); CPU time (user + sys of the
child) is printed too. Target: the one-text predict <= 0.35x the bare import.

Usage: python benchmarks/bench_startup.py [--model models] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANCEKIT = str(Path(sys.executable).parent / "stancekit")
BARE_IMPORT = "import sklearn.linear_model, sklearn.feature_extraction.text"
TARGET = 0.35


def best_of(args: list[str], repeat: int) -> tuple[float, float]:
    """Best wall seconds and best CPU seconds (user + sys) of ``repeat`` runs of ``args``."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = os.times()
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
        if result.returncode != 0:
            sys.exit(f"benchmark command failed: {' '.join(args)}\n{result.stderr}")
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(REPO / "models"))
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if not (Path(options.model) / "model.json").is_file():
        sys.exit(f"{options.model}/model.json not found: run `dvc repro` (or `make run`) first.")
    predict = [STANCEKIT, "predict", "Sex work is work.", "--model", options.model, "-f", "jsonl"]
    # Warm the file cache once so the first measured run is not a cold read.
    subprocess.run(predict, capture_output=True)
    bare_wall, bare_cpu = best_of([sys.executable, "-c", BARE_IMPORT], options.repeat)
    one_wall, one_cpu = best_of(predict, options.repeat)
    n = options.repeat
    print(f"bare sklearn import (best of {n})        {bare_wall:.3f} s wall  {bare_cpu:.3f} s CPU")
    print(f"one-text stancekit predict (best of {n}) {one_wall:.3f} s wall  {one_cpu:.3f} s CPU")
    ratio = one_wall / bare_wall
    verdict = "ok" if ratio <= TARGET else "ABOVE TARGET"
    print(
        f"ratio {ratio:.2f}x wall, {one_cpu / bare_cpu:.2f}x CPU "
        f"(target <= {TARGET}x wall: {verdict})"
    )


if __name__ == "__main__":
    main()
