"""Throughput, scaling and start-up benchmark of `stancekit predict` (run with `make bench`).

Generates N synthetic paragraphs of 40-160 words (word runs drawn from the shipped corpus, fixed
seed), then prints, side by side:

* the reference: the raw pipeline's predict_proba on a pre-loaded list in 10k chunks;
* the same through stancekit's exact fast vectorizer path (``stancekit.model.vectorize``), which
  ``stancekit predict`` uses, so the I/O overhead can be read off against both;
* `stancekit predict` end to end, JSONL -> JSONL and CSV -> CSV (process start and model load
  included), as paragraphs/s and as a ratio to the reference;
* reading the JSONL with Hugging Face `datasets` (streaming) against the plain reader;
* `--jobs 2` against one process on P paragraphs;
* peak RSS of the end-to-end run at N and at 4N;
* wall time of `stancekit --help`, and of a one-text predict against a bare
  `python -c "import sklearn.linear_model, sklearn.feature_extraction.text"`.

Usage: python benchmarks/bench_predict.py [--n 100000] [--parallel-n 300000] [--model models]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STANCEKIT = str(BIN / "stancekit")
MEASURE_RSS = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def make_paragraphs(n: int, seed: int = 0) -> list[str]:
    words = []
    for path in sorted((REPO / "data" / "corpus" / "en").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words.extend(re.findall(r"\S+", json.loads(line)["text"]))
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        length = rng.randint(40, 160)
        start = rng.randrange(len(words) - length)
        out.append(" ".join(words[start : start + length]))
    return out


def corpus_mix(n: int, seed: int = 0) -> list[str]:
    """``n`` corpus paragraphs, a fifth from each language's corpus folder, shuffled."""
    import random

    by_language = []
    for code in ("en", "fr", "de", "es", "sv"):
        texts = [
            json.loads(line)["text"]
            for path in sorted((REPO / "data" / "corpus" / code).glob("*.jsonl"))
            for line in path.open(encoding="utf-8")
        ]
        by_language.append(texts)
    rng = random.Random(seed)
    mixed = [rng.choice(by_language[i % 5]) for i in range(n)]
    rng.shuffle(mixed)
    return mixed


def write_inputs(texts: list[str], folder: Path, name: str) -> tuple[Path, Path]:
    jsonl, table = folder / f"{name}.jsonl", folder / f"{name}.csv"
    with jsonl.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": f"p{i}", "text": text}) + "\n")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([f"p{i}", text] for i, text in enumerate(texts))
    return jsonl, table


def timed_run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of a command."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_RSS, *args], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(args)}\n{result.stderr}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) // 1024


def median_wall(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="paragraphs for throughput")
    parser.add_argument("--parallel-n", type=int, default=300_000, help="paragraphs for --jobs")
    parser.add_argument("--model", default=str(REPO / "models"))
    options = parser.parse_args()
    model = ["--model", options.model, "--quiet"]
    import joblib

    pipeline = joblib.load(Path(options.model) / "model.joblib")
    rows: list[tuple[str, str, str]] = []

    def report(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))
        print(f"  {name:<52}{value:>16}  {note}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n = options.n
        print(
            f"stancekit predict benchmark: N = {n:,} paragraphs of 40-160 words, "
            f"{os.cpu_count()} cores\n"
        )
        texts = make_paragraphs(4 * n)
        jsonl, table = write_inputs(texts[:n], folder, "n")
        jsonl4, _ = write_inputs(texts, folder, "n4")

        start = time.perf_counter()
        for i in range(0, n, 10_000):
            pipeline.predict_proba(texts[i : i + 10_000])
        reference = n / (time.perf_counter() - start)
        report("reference: pipeline.predict_proba, 10k chunks", f"{reference:,.0f} /s")

        from stancekit.model.vectorize import fast_features, predict_proba

        features = fast_features(pipeline)
        start = time.perf_counter()
        for i in range(0, n, 10_000):
            predict_proba(pipeline, texts[i : i + 10_000], features)
        fast = n / (time.perf_counter() - start)
        check = texts[:2000]
        same = (predict_proba(pipeline, check, features) == pipeline.predict_proba(check)).all()
        report(
            "stancekit's vectorizer path, same list and chunks",
            f"{fast:,.0f} /s",
            f"{fast / reference:.2f}x reference; identical probabilities: {bool(same)}",
        )

        seconds, rss_n = timed_run(
            [STANCEKIT, "predict", str(jsonl), "-o", str(folder / "o.jsonl"), *model]
        )
        report(
            "stancekit predict JSONL -> JSONL",
            f"{n / seconds:,.0f} /s",
            f"{n / seconds / reference:.2f}x reference (target >= 0.9)",
        )
        seconds, _ = timed_run(
            [STANCEKIT, "predict", str(table), "-o", str(folder / "o.csv"), *model]
        )
        report(
            "stancekit predict CSV -> CSV",
            f"{n / seconds:,.0f} /s",
            f"{n / seconds / reference:.2f}x reference (target >= 0.9)",
        )

        forced, _ = timed_run(
            [
                STANCEKIT,
                "predict",
                str(jsonl),
                "-o",
                str(folder / "forced.jsonl"),
                "--language",
                "en",
                *model,
            ]
        )
        from stancekit.language import identify

        identify(texts[:10])  # loaded once, as in predict
        start = time.perf_counter()
        identify(texts[:n])
        identification = time.perf_counter() - start
        report(
            "language identification of the N texts (in process)",
            f"{n / identification:,.0f} /s",
            f"{identification / seconds:.0%} of end-to-end JSONL time (aim <= 20%); "
            f"predict --language en: {n / forced:,.0f} /s",
        )
        mixed = corpus_mix(n)
        mixed_input, _ = write_inputs(mixed, folder, "mixed")
        seconds_mixed, _ = timed_run(
            [STANCEKIT, "predict", str(mixed_input), "-o", str(folder / "mixed-out.jsonl"), *model]
        )
        report(
            "predict JSONL, corpus paragraphs in en/fr/de/es/sv",
            f"{n / seconds_mixed:,.0f} /s",
            "a fifth in each language, every model loaded",
        )

        start = time.perf_counter()
        with jsonl.open(encoding="utf-8") as handle:
            plain = sum(len(json.loads(line)["text"]) > 0 for line in handle)
        plain_rate = plain / (time.perf_counter() - start)
        import datasets

        datasets.disable_progress_bars()
        start = time.perf_counter()
        stream = datasets.load_dataset("json", data_files=str(jsonl), split="train", streaming=True)
        counted = sum(len(row["text"]) > 0 for row in stream)
        hf_rate = counted / (time.perf_counter() - start)
        report("read JSONL: plain json reader", f"{plain_rate:,.0f} /s")
        report(
            "read JSONL: datasets streaming",
            f"{hf_rate:,.0f} /s",
            f"{hf_rate / plain_rate:.2f}x the plain reader",
        )

        _, rss_4n = timed_run(
            [STANCEKIT, "predict", str(jsonl4), "-o", str(folder / "o4.jsonl"), *model]
        )
        report(f"peak RSS at N = {n:,}", f"{rss_n:,} MiB")
        report(
            f"peak RSS at 4N = {4 * n:,}",
            f"{rss_4n:,} MiB",
            f"{rss_4n / rss_n:.2f}x (target <= 1.1)",
        )

        p = options.parallel_n
        parallel_input, _ = write_inputs(make_paragraphs(p, seed=1), folder, "p")
        one, _ = timed_run(
            [STANCEKIT, "predict", str(parallel_input), "-o", str(folder / "p1.jsonl"), *model]
        )
        two, _ = timed_run(
            [
                STANCEKIT,
                "predict",
                str(parallel_input),
                "-o",
                str(folder / "p2.jsonl"),
                "--jobs",
                "2",
                *model,
            ]
        )
        report(f"--jobs 1 on {p:,}", f"{p / one:,.0f} /s")
        report(f"--jobs 2 on {p:,}", f"{p / two:,.0f} /s", f"{one / two:.2f}x (target >= 1.5)")
        same = (folder / "p1.jsonl").read_bytes() == (folder / "p2.jsonl").read_bytes()
        report("--jobs 2 output identical to --jobs 1", str(same))

        help_time = median_wall([STANCEKIT, "--help"])
        report("stancekit --help (median of 5)", f"{help_time:.3f} s", "target <= 0.25 s")
        bare = median_wall(
            [sys.executable, "-c", "import sklearn.linear_model, sklearn.feature_extraction.text"]
        )
        one_text = median_wall(
            [STANCEKIT, "predict", "Sex work is work.", "--model", options.model, "-f", "jsonl"]
        )
        one_french = median_wall(
            [
                STANCEKIT,
                "predict",
                "Le travail du sexe est un travail comme un autre, il faut abroger la loi.",
                "--model",
                options.model,
                "-f",
                "jsonl",
            ]
        )
        report("bare sklearn import (median of 5)", f"{bare:.3f} s")
        report(
            "one-text stancekit predict in French (median of 5)",
            f"{one_french:.3f} s",
            f"{one_french / bare:.2f}x the bare import (loads the main and the French model)",
        )
        report(
            "one-text stancekit predict (median of 5)",
            f"{one_text:.3f} s",
            f"{one_text / bare:.2f}x the bare import (target <= 0.35, see bench_startup.py)",
        )


if __name__ == "__main__":
    main()
