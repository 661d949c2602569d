"""Simulated annotator benchmark of the annotate queue (run with `make bench-annotate`).

A labelled file is the oracle (default ../shared/realworld-dev/paragraphs.jsonl: evaluation data,
never trained on by the shipped model and never copied here). Each repeat splits it by
organisation (``--group-column``, default ``org``) into a pool half and a test half. A simulated
annotator then labels 0, 10, 25, 50, 100 pool paragraphs (``--points``), picked

- by the queue: :func:`stancekit.annotate.queue.rank` on the current model's probabilities, the
  model retrained on corpus + labels every 10 labels (``--retrain-every``) as `stancekit annotate`
  does, with its default 10% random share; or
- at random.

After each point a model is fitted on the shipped corpus (params.yaml ``prepare.data``, the train
params, :func:`stancekit.model.pipeline.fit_pipeline`: the shipped model's method) plus the drawn
labels, and scored by macro-F1 over the three labels on the test organisations. Points beyond the
pool size use the whole pool (then queue and random train on the same rows).

Cost control: the queue ranks with the logistic regression inside the model (no calibration:
the same fit the calibrated model predicts with, about 5x faster to fit on its own), and every
fitted model is cached by the set of rows it was trained on. ``--uncalibrated`` also evaluates
uncalibrated fits (faster, for a quick look; not the shipped method).

Prints a table (mean +- sd over repeats, gain over the 0-label model) and whether the targets
hold (queue >= random at every point; queue >= +0.03 over the 0-label model at the largest
point), and writes bench_annotate.json and bench_annotate.png to ``--out`` (default: a new
temporary folder, so git stays clean).

The drawn labels weigh ``--weight`` against the corpus rows (default
:data:`stancekit.labels.USER_LABEL_WEIGHT`, the weight `stancekit train` and `stancekit
annotate` give a user's labels; chosen on the corpus alone by benchmarks/bench_label_weight.py).

Usage: python benchmarks/bench_annotate.py [--oracle FILE] [--repeats 5] [--points 0,10,25,50,100]
       [--out DIR] [--uncalibrated] [--weight W]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ORACLE = REPO.parent / "shared" / "realworld-dev" / "paragraphs.jsonl"
TARGET_GAIN = 0.03


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE)
    parser.add_argument(
        "--group-column",
        default=None,
        help="split pool/test by this column (default: org, or source in corpus-schema files)",
    )
    parser.add_argument("--params", type=Path, default=REPO / "params.yaml")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", default="0,10,25,50,100")
    parser.add_argument("--retrain-every", type=int, default=10)
    parser.add_argument("--strategy", default="margin", choices=("margin", "entropy"))
    parser.add_argument("--random-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--uncalibrated", action="store_true")
    parser.add_argument(
        "--weight",
        type=float,
        default=None,
        help="sample weight of the drawn labels against the corpus rows (weight 1); default "
        "stancekit.labels.USER_LABEL_WEIGHT, as stancekit train and annotate",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.points = sorted({0, *(int(p) for p in args.points.split(","))})
    if args.weight is None:
        from stancekit.labels import USER_LABEL_WEIGHT

        args.weight = USER_LABEL_WEIGHT
    if not args.weight > 0:
        parser.error(f"--weight must be above 0, got {args.weight}")
    return args


def read_oracle(path: Path, group_column: str | None) -> tuple[list[dict[str, Any]], str]:
    """The oracle's rows with a label of the three (text, label, group, doc for the queue's
    diversity rule) and the column the groups come from."""
    from stancekit.labels import LABELS

    if not path.is_file():
        sys.exit(f"error: {path} not found: give a labelled JSONL file with --oracle FILE.")
    raw = [
        (number, json.loads(line))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip()
    ]
    if group_column is None:
        group_column = "org" if all("org" in row for _, row in raw) else "source"
    rows, skipped = [], 0
    for number, row in raw:
        if row.get("label") not in LABELS:
            skipped += 1
            continue
        if group_column not in row:
            sys.exit(
                f"error: {path}:{number} has no {group_column!r} field: name the column to "
                "split by with --group-column (e.g. doc_id)."
            )
        doc = row.get("doc_id") or row.get("url") or row.get("id") or f"row-{number}"
        rows.append(
            {
                "text": row["text"],
                "label": row["label"],
                "group": str(row[group_column]),
                "doc": f"oracle:{doc}",
            }
        )
    if skipped:
        print(f"(left out {skipped} oracle rows whose label is not one of {list(LABELS)})")
    return rows, group_column


class Lab:
    """Fits on the corpus plus some oracle rows, cached by the set of rows."""

    def __init__(
        self, params: Any, corpus: list[dict[str, Any]], calibrated: bool, weight: float = 1.0
    ) -> None:
        self.train = params.train
        self.weight = weight
        self.fast = dataclasses.replace(params.train, calibration=None)
        self.calibrated = calibrated
        self.texts = [r["text"] for r in corpus]
        self.labels = [r["label"] for r in corpus]
        self.groups = [r["doc_id"] for r in corpus]
        self.cache: dict[tuple[str, frozenset[int]], Any] = {}
        self.fits = {"evaluation": 0, "ranking": 0}
        self.seconds = 0.0

    def fit(self, rows: list[dict[str, Any]], chosen: list[int], kind: str) -> Any:
        from stancekit.model.pipeline import fit_pipeline

        key = (kind, frozenset(chosen))
        if key not in self.cache:
            extra = [rows[i] for i in chosen]
            params = self.train if kind == "evaluation" and self.calibrated else self.fast
            started = time.perf_counter()
            self.cache[key] = fit_pipeline(
                self.texts + [r["text"] for r in extra],
                self.labels + [r["label"] for r in extra],
                params,
                self.groups + [r["doc"] for r in extra],
                [1.0] * len(self.texts) + [self.weight] * len(extra) if extra else None,
            )
            self.seconds += time.perf_counter() - started
            self.fits[kind] += 1
        return self.cache[key]

    def ranker(self, rows: list[dict[str, Any]], chosen: list[int], points: list[int]) -> Any:
        """The model the queue ranks with: the logistic regression of an evaluation fit when
        there is one for these rows, else an uncalibrated fit (the same model)."""
        from stancekit.model.pipeline import uncalibrated

        if len(chosen) in points or ("evaluation", frozenset(chosen)) in self.cache:
            return uncalibrated(self.fit(rows, chosen, "evaluation"))
        return self.fit(rows, chosen, "ranking")


def macro_f1(predicted: list[str], rows: list[dict[str, Any]]) -> float:
    from sklearn.metrics import f1_score

    from stancekit.labels import LABELS

    truth = [r["label"] for r in rows]
    return float(f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0))


def run_repeat(args: argparse.Namespace, lab: Lab, oracle: list[dict], repeat: int) -> dict:
    from stancekit.annotate.simulate import draw_at_random, draw_by_queue, split_groups

    in_pool = split_groups([r["group"] for r in oracle], seed=args.seed + repeat)
    pool = [r for r, p in zip(oracle, in_pool, strict=True) if p]
    test = [r for r, p in zip(oracle, in_pool, strict=True) if not p]
    # Row indexes are into this repeat's pool: only the 0-label fits carry over.
    lab.cache = {key: model for key, model in lab.cache.items() if not key[1]}
    pool_texts = [r["text"] for r in pool]

    def score(labelled: list[int]) -> Any:
        return lab.ranker(pool, labelled, args.points).predict_proba(pool_texts)

    by_queue = draw_by_queue(
        score,
        [r["doc"] for r in pool],
        args.points,
        retrain_every=args.retrain_every,
        strategy=args.strategy,
        random_share=args.random_share,
        seed=args.seed + repeat,
    )
    at_random = draw_at_random(len(pool), max(args.points), seed=args.seed + 1000 + repeat)
    result: dict[str, Any] = {
        "pool_rows": len(pool),
        "test_rows": len(test),
        "test_groups": len({r["group"] for r in test}),
        "labels_drawn": [min(p, len(pool)) for p in args.points],
        "queue": [],
        "random": [],
        "queue_changed": [],  # test predictions that differ from the 0-label model's
        "random_changed": [],
    }
    test_texts = [r["text"] for r in test]
    before = list(lab.fit(pool, [], "evaluation").predict(test_texts))
    for point in args.points:
        for arm, drawn in (("queue", by_queue), ("random", at_random)):
            predicted = list(lab.fit(pool, drawn[:point], "evaluation").predict(test_texts))
            result[arm].append(macro_f1(predicted, test))
            changed = sum(a != b for a, b in zip(before, predicted, strict=True))
            result[f"{arm}_changed"].append(changed)
    return result


def summarise(args: argparse.Namespace, repeats: list[dict]) -> dict[str, Any]:
    from stancekit.annotate.simulate import mean_sd

    rows = []
    for i, point in enumerate(args.points):
        queue = [r["queue"][i] for r in repeats]
        random = [r["random"][i] for r in repeats]
        base = [r["queue"][0] for r in repeats]
        rows.append(
            {
                "labels": point,
                "labels_drawn": mean_sd([r["labels_drawn"][i] for r in repeats])[0],
                "queue": mean_sd(queue),
                "random": mean_sd(random),
                "queue_gain": mean_sd([q - b for q, b in zip(queue, base, strict=True)]),
                "random_gain": mean_sd([q - b for q, b in zip(random, base, strict=True)]),
                "queue_minus_random": mean_sd([q - r for q, r in zip(queue, random, strict=True)]),
                "changed_predictions": {
                    arm: mean_sd([r[f"{arm}_changed"][i] for r in repeats])[0]
                    for arm in ("queue", "random")
                },
            }
        )
    measured = [row for row in rows if row["labels"] > 0]
    return {
        "rows": rows,
        "queue_at_least_random_everywhere": all(
            row["queue"][0] >= row["random"][0] for row in measured
        ),
        "queue_gain_at_largest_point": rows[-1]["queue_gain"][0],
        "queue_gain_target_met": rows[-1]["queue_gain"][0] >= TARGET_GAIN,
    }


def print_table(summary: dict[str, Any]) -> None:
    def cell(pair: tuple[float, float], signed: bool = False) -> str:
        return f"{pair[0]:+.3f} ± {pair[1]:.3f}" if signed else f"{pair[0]:.3f} ± {pair[1]:.3f}"

    header = (
        "labels",
        "drawn",
        "queue F1",
        "random F1",
        "queue gain",
        "random gain",
        "q - r",
        "changed q/r",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" for _ in header) + "|")
    for row in summary["rows"]:
        cells = [
            str(row["labels"]),
            f"{row['labels_drawn']:.1f}",
            cell(row["queue"]),
            cell(row["random"]),
            cell(row["queue_gain"], True),
            cell(row["random_gain"], True),
            cell(row["queue_minus_random"], True),
            "{queue:.1f} / {random:.1f}".format(**row["changed_predictions"]),
        ]
        print("| " + " | ".join(cells) + " |")


def plot(summary: dict[str, Any], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from stancekit.io.files import atomic_write

    points = [row["labels_drawn"] for row in summary["rows"]]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for arm, style in (("queue", "o-"), ("random", "s--")):
        means = [row[arm][0] for row in summary["rows"]]
        sds = [row[arm][1] for row in summary["rows"]]
        ax.errorbar(points, means, yerr=sds, fmt=style, capsize=3, label=arm)
    ax.axhline(summary["rows"][0]["queue"][0], color="grey", linewidth=0.8, label="0 labels")
    ax.set_xlabel("pool paragraphs labelled (mean over repeats)")
    ax.set_ylabel("macro-F1 on the test organisations")
    ax.set_title(title, fontsize=9)
    ax.legend()
    fig.tight_layout()
    with atomic_write(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from stancekit.data.corpus import read_corpus
    from stancekit.io.files import atomic_write
    from stancekit.params import load_params

    params = load_params(args.params)
    data = [p if Path(p).is_absolute() else args.params.parent / p for p in params.prepare.data]
    corpus = [r for r in read_corpus(data) if r["label"] in params.train.labels]
    oracle, args.group_column = read_oracle(args.oracle, args.group_column)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-annotate-"))
    out.mkdir(parents=True, exist_ok=True)
    lab = Lab(params, corpus, calibrated=not args.uncalibrated, weight=args.weight)
    print(
        f"oracle {args.oracle} ({len(oracle)} rows, "
        f"{len({r['group'] for r in oracle})} {args.group_column} groups); corpus {len(corpus)} "
        f"rows; {args.repeats} repeats; points {args.points}; strategy {args.strategy}, random "
        f"share {args.random_share}, retrain every {args.retrain_every}; labels at weight "
        f"{args.weight:g}" + ("; uncalibrated evaluation fits" if args.uncalibrated else "")
    )
    started = time.perf_counter()
    repeats = []
    for repeat in range(args.repeats):
        result = run_repeat(args, lab, oracle, repeat)
        repeats.append(result)
        print(
            f"repeat {repeat}: pool {result['pool_rows']} rows, test {result['test_rows']} rows "
            f"({result['test_groups']} groups); queue "
            + " ".join(f"{v:.3f}" for v in result["queue"])
            + "; random "
            + " ".join(f"{v:.3f}" for v in result["random"])
            + f"  [{time.perf_counter() - started:.0f} s]",
            flush=True,
        )
    summary = summarise(args, repeats)
    print()
    print_table(summary)
    print("(changed q/r: test predictions, mean per repeat, that differ from the 0-label model's)")
    print()
    largest = args.points[-1]
    print(
        "queue >= random at every point: "
        + ("yes" if summary["queue_at_least_random_everywhere"] else "NO")
    )
    print(
        f"queue gain over the 0-label model at {largest} labels: "
        f"{summary['queue_gain_at_largest_point']:+.3f} (target >= +{TARGET_GAIN:.2f}): "
        + ("met" if summary["queue_gain_target_met"] else "NOT met")
    )
    figures = {
        "oracle": str(args.oracle),
        "group_column": args.group_column,
        "settings": {
            key: getattr(args, key)
            for key in (
                "repeats",
                "points",
                "retrain_every",
                "strategy",
                "random_share",
                "seed",
                "weight",
            )
        }
        | {"evaluation_fits": "uncalibrated" if args.uncalibrated else "as shipped"},
        "corpus_rows": len(corpus),
        "repeats": repeats,
        "summary": summary,
        "fits": lab.fits,
        "fit_seconds": round(lab.seconds, 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    with atomic_write(out / "bench_annotate.json") as handle:
        json.dump(figures, handle, indent=2)
        handle.write("\n")
    plot(
        summary,
        out / "bench_annotate.png",
        f"{args.oracle.name}: queue ({args.strategy}) vs random, {args.repeats} org splits",
    )
    print(f"figures: {out / 'bench_annotate.json'}, plot: {out / 'bench_annotate.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
