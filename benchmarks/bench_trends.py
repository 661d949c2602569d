"""Scale benchmark of `stancekit trends` (run with `make bench-trends`).

Generates N scored paragraph rows as `stancekit predict` writes them (doc_id, paragraph_index,
label, p_<label>, margin, date, org, text; documents of 1-15 paragraphs, 40 organisations,
dates 2000-2025, fixed seed) into a folder of Parquet files partitioned by year, as a cluster run
would write it, and optionally as one JSON Lines file. Then runs `stancekit trends` on it in a
child process and prints the wall time and the child's peak RSS (resource.getrusage), for
``--every year`` and ``--every quarter``.

Usage: python benchmarks/bench_trends.py [--n 10000000] [--jsonl] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
LABELS = ("abolitionist", "decriminalisation", "neutral")
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(peak, code)\n"
)
CHUNK = 1_000_000


def generate(folder: Path, n: int, jsonl: Path | None, seed: int = 0) -> tuple[int, int]:
    """Write ``n`` scored rows; return (rows, documents)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.json

    rng = np.random.default_rng(seed)
    orgs = np.array([f"org-{i:02d}" for i in range(40)], dtype=object)
    written, documents = 0, 0
    handle = jsonl.open("w", encoding="utf-8") if jsonl else None
    part = 0
    while written < n:
        size = min(CHUNK, n - written)
        lengths = rng.integers(1, 16, size=size // 4 + 16)
        lengths = lengths[: np.searchsorted(np.cumsum(lengths), size) + 1]
        lengths[-1] -= lengths.sum() - size
        local = np.repeat(np.arange(len(lengths)), lengths)
        docs = local + documents
        index = np.concatenate([np.arange(k) for k in lengths])
        org_of_doc = rng.integers(0, len(orgs), len(lengths))
        day_of_doc = rng.integers(0, 26 * 365, len(lengths))
        lean = rng.dirichlet((2, 2, 3), len(lengths))[local]
        proba = rng.dirichlet((1, 1, 1), size) * 0.5 + lean * 0.5
        label = np.array(LABELS, dtype=object)[proba.argmax(axis=1)]
        dates = (np.datetime64("2000-01-01") + day_of_doc[local]).astype(str)
        table = pa.table(
            {
                "doc_id": pa.array(np.char.add("doc-", docs.astype(str)).astype(object)),
                "paragraph_index": pa.array(index),
                "label": pa.array(label),
                **{f"p_{name}": pa.array(proba[:, i]) for i, name in enumerate(LABELS)},
                "margin": pa.array(np.sort(proba, axis=1)[:, -1] - np.sort(proba, axis=1)[:, -2]),
                "date": pa.array(dates.astype(object)),
                "year": pa.array(np.char.partition(dates, "-")[:, 0].astype(object)),
                "org": pa.array(orgs[org_of_doc][local]),
                "text": pa.array(
                    ["A paragraph of synthetic scored text, fifty characters."] * size
                ),
            }
        )
        ds.write_dataset(
            table,
            folder,
            format="parquet",
            partitioning=["year"],
            partitioning_flavor="hive",
            basename_template=f"part-{part:04d}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
        if handle is not None:
            import orjson

            for record in table.drop(["year"]).to_pylist():
                handle.write(orjson.dumps(record).decode() + "\n")
        written += size
        documents += len(lengths)
        part += 1
    if handle is not None:
        handle.close()
    return written, documents


def run_trends(source: Path, out: Path, every: str) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of one `stancekit trends` run."""
    command = [str(BIN / "stancekit"), "trends", str(source), "--by", "org", "--every", every]
    command += ["-o", str(out)]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    peak_kib, code = done.stdout.split()
    if int(code):
        print(done.stderr, file=sys.stderr)
    return wall, int(peak_kib) / 1024, int(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="scored rows")
    parser.add_argument("--jsonl", action="store_true", help="also time one JSON Lines file")
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-trends-"))
    folder = root / "scored"
    jsonl = root / "scored.jsonl" if args.jsonl else None
    try:
        start = time.perf_counter()
        rows, documents = generate(folder, args.n, jsonl)
        size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
        print(
            f"generated {rows:,} rows, {documents:,} documents, {size / 2**20:,.0f} MiB of Parquet "
            f"in {len(list(folder.rglob('*.parquet')))} files ({time.perf_counter() - start:.0f} s)"
        )
        print(f"{'input':<28}{'every':<9}{'wall s':>8}{'peak RSS MiB':>14}{'rows/s':>14}")
        runs = [("parquet folder", folder, "year"), ("parquet folder", folder, "quarter")]
        if jsonl is not None:
            runs.append(("one JSON Lines file", jsonl, "year"))
        for name, source, every in runs:
            wall, peak, code = run_trends(source, root / f"out-{every}", every)
            status = "" if code == 0 else f"  (exit {code})"
            print(f"{name:<28}{every:<9}{wall:>8.1f}{peak:>14,.0f}{rows / wall:>14,.0f}{status}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
