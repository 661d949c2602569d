"""Throughput, memory and start-up of `stancekit predict` against raw scikit-learn (`make bench`).

The inputs are corpus-like: N paragraphs of the English corpus (data/corpus/en), drawn with
replacement a whole document at a time (fixed seed), one paragraph per row with columns id,
doc_id and text, as JSONL, CSV and Parquet. Every figure is printed against the reference, the raw
scikit-learn pipeline of the model folder (`joblib.load(model.joblib)`) and its predict_proba on
the pre-loaded list of the N texts in 10k chunks, and against its aim:

* the library path: `StancePredictor.load(model, language="en", paragraph_only=True)` and its
  predict_proba on the same list and chunks; its probabilities must equal the reference's;
* end to end (process start and model load included): `stancekit predict` JSONL -> JSONL (the
  default path, with language identification; and with --language en), CSV -> CSV and
  Parquet -> Parquet; aims >= 1.5x the reference (Parquet >= 2x) on one core: these runs and the
  reference are pinned to one CPU;
* `--jobs 2` against `--jobs 1` on P paragraphs (JSONL -> JSONL; aim >= 1.5x), and
  `--engine dask` on a local cluster (one worker per core) on the same P paragraphs as Parquet
  shards, into a Parquet dataset folder (aim >= 0.9x --jobs 2);
* peak RSS of the default JSONL run at N and 4N (aim <= 1.1x);
* wall time of `stancekit --help` (aim <= 0.25 s), and of a one-text predict against a bare
  scikit-learn import (aim <= 0.35x; bench_startup.py measures it alone).

Then a markdown table of the same lines, and with --json FILE the figures in a file. Temporary
inputs and outputs live in one temporary folder; every command runs in a process group of its own,
ended after it and on Ctrl-C, so no Dask cluster outlives the benchmark.

Usage: python benchmarks/bench_predict.py [--n 100000] [--parallel-n 300000] [--model models]
                                          [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
from _bench_util import (
    REPO,
    STANCEKIT,
    Figure,
    Run,
    aimed,
    best_seconds,
    corpus_documents,
    markdown_table,
    median_seconds,
    run,
    sample_rows,
    save_json,
    throughput_text,
    write_csv,
    write_jsonl,
    write_parquet,
)

CHUNK = 10_000
BARE_IMPORT = "import sklearn.linear_model, sklearn.feature_extraction.text"


def chunked_proba(predict_proba, texts: list[str]) -> np.ndarray:
    return np.vstack([predict_proba(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)])


def rows_differing(path: Path, expected: np.ndarray, labels: list[str]) -> Counter[str]:
    """The languages of the rows of a predict JSONL output whose probabilities differ from
    ``expected`` (row ``p<i>``) beyond the 6 decimals the output keeps."""
    differing: Counter[str] = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            got = [record[f"p_{label}"] for label in labels]
            want = expected[int(record["id"][1:])]
            if None in got or np.abs(np.array(got) - want).max() > 5.1e-7:
                differing[str(record["language"])] += 1
    return differing


def digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="paragraphs (4N for memory)")
    parser.add_argument("--parallel-n", type=int, default=300_000, help="paragraphs for -j/dask")
    parser.add_argument("--model", default=str(REPO / "models"), help="model folder")
    parser.add_argument("--json", type=Path, help="also save the figures to this file")
    options = parser.parse_args()
    # SIGTERM ends the benchmark as Ctrl-C does: through the finally blocks that end each command.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    model = Path(options.model)
    if not (model / "model.joblib").is_file():
        sys.exit(f"{model}/model.joblib not found: run `dvc repro` (or `make run`) first.")
    import joblib

    from stancekit import StancePredictor

    pipeline = joblib.load(model / "model.joblib")
    labels = [str(label) for label in pipeline.classes_]
    languages = StancePredictor.load(model).languages
    all_cpus = os.sched_getaffinity(0)
    core = max(all_cpus)
    n, p = options.n, options.parallel_n
    header = {
        "n": n,
        "parallel_n": p,
        "cores": len(all_cpus),
        "one_core": core,
        "languages": list(languages),
        "labels": labels,
        "model": str(model.resolve()),
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(
        f"stancekit predict benchmark, {header['time']}\n"
        f"  N = {n:,} corpus paragraphs (4N = {4 * n:,} for memory), P = {p:,} for --jobs and "
        f"Dask; {len(all_cpus)} cores (one-core lines pinned to CPU {core}); load average "
        f"{header['load_average']}\n  model {model}: languages {', '.join(languages)}; "
        f"labels {', '.join(labels)}\n",
        flush=True,
    )
    figures: list[Figure] = []

    def report(figure: Figure) -> None:
        figures.append(figure)
        print(figure.line(), flush=True)

    def end_to_end(what: str, args: list[str], rows: int, aim: float, ref: float) -> Run:
        result = run([STANCEKIT, "predict", *args, "--model", str(model), "--quiet"])
        rate = rows / result.seconds
        ratio = rate / ref
        report(
            Figure(
                what,
                throughput_text(rate),
                f"{ratio:.2f}x",
                "",
                f">= {aim:g}x reference",
                aimed(ratio, aim),
                f"{result.cpu / result.seconds:.2f} CPUs busy, peak RSS {result.rss_mib:,.0f} MiB",
            )
        )
        return result

    documents = corpus_documents("en")
    with tempfile.TemporaryDirectory(prefix="stancekit-bench-") as tmp:
        folder = Path(tmp)
        rows = sample_rows(documents, n, seed=0)
        texts = [text for _, text in rows]
        jsonl = write_jsonl(rows, folder / "n.jsonl")
        table = write_csv(rows, folder / "n.csv")
        parquet = write_parquet(rows, folder / "n.parquet")

        os.sched_setaffinity(0, {core})  # the reference and the end-to-end runs: one core
        pipeline.predict_proba(texts[:100])  # warm
        reference_probs = np.empty((0, len(labels)))

        def score_reference() -> None:
            nonlocal reference_probs
            reference_probs = chunked_proba(pipeline.predict_proba, texts)

        ref = n / best_seconds(score_reference)
        report(
            Figure(
                f"reference: pipeline.predict_proba, {CHUNK // 1000}k chunks",
                throughput_text(ref),
                "1.00x",
                note="raw scikit-learn from model.joblib, texts pre-loaded",
            )
        )

        predictor = StancePredictor.load(model, language="en", paragraph_only=True)
        order = [list(predictor.labels).index(label) for label in labels]
        predictor.predict_proba(texts[:100])  # warm
        library_probs = np.empty((0, len(labels)))

        def score_library() -> None:
            nonlocal library_probs
            library_probs = chunked_proba(predictor.predict_proba, texts)[:, order]

        library = n / best_seconds(score_library)
        gap = float(np.abs(library_probs - reference_probs).max())
        report(
            Figure(
                "library: StancePredictor.predict_proba, en",
                throughput_text(library),
                f"{library / ref:.2f}x",
                f"max |dp| {gap:.1e}",
                "identical to 1e-9",
                gap <= 1e-9,
                f"identical probabilities: {gap <= 1e-9}",
            )
        )

        out = folder / "out.jsonl"
        headline = "end to end JSONL -> JSONL (default)"
        rss_n = end_to_end(headline, [str(jsonl), "-o", str(out)], n, 1.5, ref)
        differing = rows_differing(out, reference_probs, labels)
        report(
            Figure(
                "default JSONL output = reference to 6 places",
                f"{n - differing.total():,} rows",
                figure=f"{differing['en']} en rows differ",
                aim="0 en rows differ",
                met=not differing["en"],
                note="differing: "
                + (", ".join(f"{k} {v}" for k, v in differing.most_common()) or "none")
                + " (by language identified; others are scored by their language's model)",
            )
        )
        out.unlink()
        forced = [str(jsonl), "-o", str(out), "--language", "en"]
        end_to_end("end to end JSONL -> JSONL --language en", forced, n, 1.5, ref)
        out.unlink()
        end_to_end("end to end CSV -> CSV", [str(table), "-o", str(folder / "o.csv")], n, 1.5, ref)
        (folder / "o.csv").unlink()
        end_to_end(
            "end to end Parquet -> Parquet",
            [str(parquet), "-o", str(folder / "o.parquet")],
            n,
            2.0,
            ref,
        )
        (folder / "o.parquet").unlink()
        for path in (jsonl, table, parquet):
            path.unlink()

        jsonl4 = write_jsonl(sample_rows(documents, 4 * n, seed=0), folder / "n4.jsonl")
        rss_4n = run(
            [STANCEKIT, "predict", str(jsonl4), "-o", str(out), "--model", str(model), "-q"]
        )
        jsonl4.unlink()
        out.unlink()
        report(Figure(f"peak RSS, default JSONL, N = {n:,}", f"{rss_n.rss_mib:,.0f} MiB"))
        growth = rss_4n.rss_mib / rss_n.rss_mib
        report(
            Figure(
                f"peak RSS, default JSONL, 4N = {4 * n:,}",
                f"{rss_4n.rss_mib:,.0f} MiB",
                figure=f"{growth:.2f}x N",
                aim="<= 1.1x N",
                met=aimed(growth, 1.1, at_least=False),
                note=f"{4 * n / rss_4n.seconds:,.0f}/s at 4N",
            )
        )

        os.sched_setaffinity(0, all_cpus)  # --jobs 2 and Dask: every core
        rows_p = sample_rows(documents, p, seed=1)
        jsonl_p = write_jsonl(rows_p, folder / "p.jsonl")
        shards = write_parquet(rows_p, folder / "p-shards", shard=min(25_000, math.ceil(p / 4)))
        base = [STANCEKIT, "predict", "--model", str(model), "-q"]
        one = p / run([*base, str(jsonl_p), "-o", str(out)]).seconds
        one_digest = digest(out)
        out.unlink()
        report(
            Figure(f"--jobs 1 JSONL -> JSONL, P = {p:,}", throughput_text(one), f"{one / ref:.2f}x")
        )
        two = p / run([*base, str(jsonl_p), "-o", str(out), "--jobs", "2"]).seconds
        identical = digest(out) == one_digest
        out.unlink()
        report(
            Figure(
                f"--jobs 2 JSONL -> JSONL, P = {p:,}",
                throughput_text(two),
                f"{two / ref:.2f}x",
                f"{two / one:.2f}x --jobs 1",
                ">= 1.5x --jobs 1",
                aimed(two / one, 1.5),
                f"output identical to --jobs 1: {identical}",
            )
        )
        dask_out = folder / "dask-out"
        dask = p / run([*base, str(shards), "--engine", "dask", "-o", str(dask_out)]).seconds
        import pyarrow.parquet as pq

        written = sum(pq.read_metadata(part).num_rows for part in dask_out.glob("*.parquet"))
        report(
            Figure(
                f"--engine dask, Parquet shards, P = {p:,}",
                throughput_text(dask),
                f"{dask / ref:.2f}x",
                f"{dask / two:.2f}x --jobs 2",
                ">= 0.9x --jobs 2",
                aimed(dask / two, 0.9),
                f"local cluster, {len(all_cpus)} workers, start-up included; "
                f"{written:,} rows written; {dask / one:.2f}x --jobs 1",
            )
        )

    help_time = median_seconds([STANCEKIT, "--help"])
    report(
        Figure(
            "stancekit --help (median of 5)",
            f"{help_time:.3f} s",
            figure=f"{help_time:.3f} s",
            aim="<= 0.25 s",
            met=help_time <= 0.25,
        )
    )
    bare = median_seconds([sys.executable, "-c", BARE_IMPORT])
    one_text = median_seconds(
        [STANCEKIT, "predict", "Sex work is work.", "--model", str(model), "-f", "jsonl"]
    )
    report(
        Figure(
            "one-text stancekit predict (median of 5)",
            f"{one_text:.3f} s",
            figure=f"{one_text / bare:.2f}x bare import",
            aim="<= 0.35x bare import",
            met=one_text / bare <= 0.35,
            note=f"bare `{BARE_IMPORT}`: {bare:.3f} s",
        )
    )
    header["load_average_end"] = round(os.getloadavg()[0], 2)
    print(f"\nload average at the end: {header['load_average_end']}\n")
    print(markdown_table(figures))
    if options.json:
        save_json(options.json, header, figures)
        print(f"\nfigures saved to {options.json}")


if __name__ == "__main__":
    started = time.perf_counter()
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: the running command was ended and the temporary folder removed")
    print(f"\n(benchmark took {time.perf_counter() - started:,.0f} s)")
