"""Helpers of the benchmarks: corpus-like inputs, timed subprocesses, figures against aims.

Nothing here imports stancekit: the benchmarks reach it only through its public surface (the
``stancekit`` command, ``StancePredictor``, the model folder's ``model.joblib``).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANCEKIT = str(Path(sys.executable).parent / "stancekit")

#: One sampled row: (document id, paragraph text).
Row = tuple[str, str]


def corpus_documents(language: str = "en") -> list[list[str]]:
    """The paragraphs of each document of ``data/corpus/<language>/*.jsonl``, in order."""
    documents: dict[str, list[tuple[int, str]]] = {}
    for path in sorted((REPO / "data" / "corpus" / language).glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                key = f"{path.stem}/{record['doc_id']}"
                documents.setdefault(key, []).append((record["paragraph_index"], record["text"]))
    return [[text for _, text in sorted(paragraphs)] for paragraphs in documents.values()]


def sample_rows(documents: Sequence[Sequence[str]], n: int, seed: int = 0) -> list[Row]:
    """``n`` corpus paragraphs drawn with replacement, a whole document at a time.

    Each draw picks a document with probability proportional to its number of paragraphs (so
    every paragraph is equally likely) and appends its paragraphs in their order, under a
    document id unique to the draw; the last document is cut at ``n`` rows.
    """
    rng = random.Random(seed)
    weights = [len(paragraphs) for paragraphs in documents]
    rows: list[Row] = []
    draw = 0
    while len(rows) < n:
        (paragraphs,) = rng.choices(documents, weights=weights)
        rows.extend((f"d{draw}", text) for text in paragraphs[: n - len(rows)])
        draw += 1
    return rows


def write_jsonl(rows: Sequence[Row], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i, (doc_id, text) in enumerate(rows):
            handle.write(json.dumps({"id": f"p{i}", "doc_id": doc_id, "text": text}) + "\n")
    return path


def write_csv(rows: Sequence[Row], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "doc_id", "text"])
        writer.writerows((f"p{i}", doc_id, text) for i, (doc_id, text) in enumerate(rows))
    return path


def write_parquet(rows: Sequence[Row], path: Path, shard: int | None = None) -> Path:
    """One Parquet file (pyarrow's default row groups), or a folder of ``shard``-row files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def table(start: int, stop: int) -> pa.Table:
        part = rows[start:stop]
        ids = [f"p{i}" for i in range(start, start + len(part))]
        return pa.table({"id": ids, "doc_id": [d for d, _ in part], "text": [t for _, t in part]})

    if shard is None:
        pq.write_table(table(0, len(rows)), path)
        return path
    path.mkdir()
    for number, start in enumerate(range(0, len(rows), shard)):
        pq.write_table(table(start, start + shard), path / f"s{number:05d}.parquet")
    return path


@dataclass
class Run:
    seconds: float  # wall
    cpu: float  # user + system of the command and the processes it waited for
    rss_mib: float  # peak resident set of the largest of them


# A small process that runs the command and writes its wall seconds, CPU seconds and peak RSS
# (KiB) to a file. Measured from the benchmark itself, the peak would be at least the benchmark's
# own RSS: Linux keeps a process's peak across fork and exec.
MEASURE = """import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{seconds} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(code)
"""


def run(args: Sequence[str]) -> Run:
    """Run ``args`` in a process group of its own and measure it.

    The group is ended afterwards, and on Ctrl-C or an error, so nothing the command started (a
    Dask cluster's workers) outlives it. A failed command ends the benchmark with its stderr.
    """
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as figures:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", MEASURE, figures.name, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
        try:
            proc.wait()
        finally:
            end_group(proc)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-4000:]
            sys.exit(f"benchmark command failed ({proc.returncode}): {shlex.join(args)}\n{tail}")
        seconds, cpu, rss_kib = map(float, figures.read().split())
    return Run(seconds, cpu, rss_kib / 1024)


def end_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group ``proc`` leads, 10 s for ``proc`` to end, then SIGKILL."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    if proc.returncode is None:
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        proc.wait()


def median_seconds(args: Sequence[str], repeat: int = 5) -> float:
    times = sorted(run(args).seconds for _ in range(repeat))
    return times[len(times) // 2]


def best_seconds(work, repeat: int = 1) -> float:
    """The least wall time of ``repeat`` calls of ``work()``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def throughput_text(rate: float) -> str:
    return f"{rate:,.0f}/s"


@dataclass
class Figure:
    """One line of the benchmark: a measure, its ratio to the reference, and its aim."""

    what: str
    value: str  # paragraphs/s, MiB or seconds, as printed
    vs_reference: str = ""  # e.g. "1.62x"
    figure: str = ""  # the figure the aim is about, e.g. "1.45x --jobs 1"
    aim: str = ""  # e.g. ">= 1.5"
    met: bool | None = None
    note: str = ""

    @property
    def mark(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")

    def line(self) -> str:
        ratio = f"{self.vs_reference} ref" if self.vs_reference else ""
        aim = f"{self.figure} (aim {self.aim}) {self.mark}" if self.aim else self.figure
        parts = [f"  {self.what:<48}{self.value:>12}  {ratio:<10}{aim.strip()}", self.note]
        return "  ".join(part for part in parts if part).rstrip()


def aimed(value: float, aim: float, at_least: bool = True) -> bool:
    return value >= aim if at_least else value <= aim


def markdown_table(figures: Sequence[Figure]) -> str:
    head = "| what | paragraphs/s | vs reference | figure | aim | met |"
    lines = [head, "|---|---:|---:|---|---|---|"]
    for f in figures:
        cells = [f.what, f.value, f.vs_reference, f.figure, f.aim, f.mark]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def save_json(path: Path, header: dict, figures: Sequence[Figure]) -> None:
    rows = [{**asdict(f), "met": f.met} for f in figures]
    path.write_text(json.dumps({**header, "figures": rows}, indent=2) + "\n", encoding="utf-8")


def make_paragraphs(n: int, seed: int = 0) -> list[str]:
    """``n`` synthetic paragraphs of 40-160 words (word runs of the English corpus); used by
    bench_dask.py, which predates the corpus-like inputs of bench_predict.py."""
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
