"""Benchmark of the Dask engine (run with `make bench-dask`; not part of the tests).

Generates N synthetic paragraphs of 40-160 words (word runs drawn from the corpus, fixed seed)
as Parquet shards of --shard rows (one Dask partition each), then in one run prints:

* the reference: raw ``pipeline.predict_proba`` on the pre-loaded texts in 10k chunks;
* the partition scorer (``stancekit.scoring.partition.score_partition``) on the same texts as
  10k-row pandas frames (rows built, labels, margins, pass-through), as a ratio to the reference;
* one worker's whole task (read a shard, score it, write its part file) on one core;
* `stancekit predict` in one process, with `--jobs 2`, and with `--engine dask` on a LocalCluster
  of one single-threaded worker per core (process start, model load and cluster start included),
  as paragraphs/s and ratios, and whether the Dask dataset equals the single-process output row
  for row.

Usage: python benchmarks/bench_dask.py [--n 1000000] [--shard 25000] [--model models]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bench_util import make_paragraphs  # synthetic paragraphs of 40-160 words

REPO = Path(__file__).resolve().parents[1]
STANCEKIT = str(Path(sys.executable).parent / "stancekit")


def write_shards(texts: list[str], folder: Path, shard: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    for number, start in enumerate(range(0, len(texts), shard)):
        chunk = texts[start : start + shard]
        ids = [f"p{i}" for i in range(start, start + len(chunk))]
        pq.write_table(pa.table({"id": ids, "text": chunk}), folder / f"s{number:05d}.parquet")


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(args)}\n{result.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="paragraphs")
    parser.add_argument("--shard", type=int, default=25_000, help="rows per Parquet shard")
    parser.add_argument("--model", default=str(REPO / "models"))
    options = parser.parse_args()
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stancekit.scoring.columns import output_columns
    from stancekit.scoring.distributed import ModelRef, score_piece_to_file
    from stancekit.scoring.options import ScoreOptions
    from stancekit.scoring.partition import score_partition
    from stancekit.scoring.pieces import pieces_of, read_piece
    from stancekit.scoring.predictor import StancePredictor

    n, model = options.n, options.model
    predictor = StancePredictor.load(model)
    print(
        f"stancekit Dask benchmark: N = {n:,} paragraphs of 40-160 words, {os.cpu_count()} "
        f"cores, shards of {options.shard:,} rows\n",
        flush=True,
    )

    def report(name: str, value: str, note: str = "") -> None:
        print(f"  {name:<50}{value:>16}  {note}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = make_paragraphs(n)
        shards = folder / "in"
        write_shards(texts, shards, options.shard)

        sample = texts[: min(n, 100_000)]
        start = time.perf_counter()
        for i in range(0, len(sample), 10_000):
            predictor.pipeline.predict_proba(sample[i : i + 10_000])
        reference = len(sample) / (time.perf_counter() - start)
        report("reference: pipeline.predict_proba, 10k chunks", f"{reference:,.0f} /s")
        frames = [
            pa.table({"id": [f"p{j}" for j in range(i, i + len(part))], "text": part})
            for i in range(0, len(sample), 10_000)
            if (part := sample[i : i + 10_000])
        ]
        start = time.perf_counter()
        for frame in frames:
            score_partition(frame, predictor, ScoreOptions(id_column="id"))
        scorer = len(sample) / (time.perf_counter() - start)
        report(
            "partition scorer, same texts, 10k-row frames",
            f"{scorer:,.0f} /s",
            f"{scorer / reference:.2f}x reference (target >= 1.5)",
        )

        pieces = pieces_of(sorted(shards.glob("*.parquet")), "utf-8")
        ref = ModelRef(str(Path(model).resolve()), "", predictor.labels)
        columns = output_columns(predictor.labels, ["id", "text"])
        start, cpu = time.perf_counter(), time.process_time()
        frame = read_piece(pieces[0])
        stats = score_piece_to_file(
            frame, ref, ScoreOptions(), pieces[0].path, columns, str(folder / "one.parquet")
        )
        worker = stats.units / (time.perf_counter() - start)
        worker_cpu = stats.units / (time.process_time() - cpu)
        report(
            "one worker's task: read + score + write a shard",
            f"{worker:,.0f} /s",
            f"per worker, one core; {worker_cpu:,.0f} per CPU-second",
        )

        base = [STANCEKIT, "predict", str(shards), "--model", model, "--quiet"]
        one = n / wall([*base, "--glob", "*.parquet", "-o", str(folder / "one_process.parquet")])
        report("stancekit predict, one process", f"{one:,.0f} /s")
        two = n / wall(
            [*base, "--glob", "*.parquet", "-o", str(folder / "jobs2.parquet"), "--jobs", "2"]
        )
        report("stancekit predict --jobs 2", f"{two:,.0f} /s", f"{two / one:.2f}x one process")
        dask = n / wall([*base, "--engine", "dask", "-o", str(folder / "dask_out")])
        report(
            f"stancekit predict --engine dask ({os.cpu_count()} workers)",
            f"{dask:,.0f} /s",
            f"{dask / two:.2f}x --jobs 2 (target >= 0.9); {dask / one:.2f}x one process",
        )

        single = pq.read_table(folder / "one_process.parquet")
        parts = sorted((folder / "dask_out").glob("part.*.parquet"))
        import pyarrow as pa

        dataset = pa.concat_tables([pq.read_table(p) for p in parts])
        same = single.num_rows == dataset.num_rows == n and single.equals(dataset)
        report("Dask output identical row for row", str(same), f"{dataset.num_rows:,} rows")


if __name__ == "__main__":
    main()
