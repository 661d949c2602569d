"""How much should your own labels weigh against the corpus? (`make bench-label-weight`)

A simulation on the project's own corpus (params.yaml ``prepare.data``) only: no evaluation
data is read. For each held-out group g (a whole genre, and separately a whole voice, with at
least ``--min-docs`` documents; ``--groups N`` keeps the N largest of each kind):

- the training corpus is every document not in g (weight 1);
- g's documents are split by document into a pool half and a test half (seeded);
- k labels (``--ks``, default 25 and 100) are drawn from the pool by the annotate queue
  (:func:`stancekit.annotate.queue.rank` on the current model, retrained every
  ``--retrain-every`` labels with the labels at the weight being measured, as `stancekit
  annotate` does, 10% random share) and at random;
- for each weight w (``--weights``, default 1, 3, 10, 30) a model is fitted on the corpus minus
  g plus the k rows at weight w and scored by macro-F1 on g's test half; the gain over the
  0-label model is recorded.

Fits are uncalibrated (the logistic regression the shipped model predicts with; calibration
does not change which label wins much and costs 5x), cached by (weight, rows).

The rule that picks the default (fixed before the first run, in
:func:`stancekit.annotate.labelweight.choose_weight`): the weight with the largest mean gain at
the largest k, averaged over the groups of each grouping with queue and random draws pooled,
then over the two groupings with equal say; rounded to 3 decimals, ties to the smaller weight.

Prints the table (grouping x k x w: mean gain +- sd over groups, queue and random) and the
chosen weight; writes bench_label_weight.json to ``--out`` (default: a new temporary folder).

Usage: python benchmarks/bench_label_weight.py [--kinds genre,voice] [--groups N] [--jobs 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--params", type=Path, default=REPO / "params.yaml")
    parser.add_argument("--kinds", default="genre,voice")
    parser.add_argument("--groups", type=int, default=0, help="largest N groups per kind (0: all)")
    parser.add_argument("--min-docs", type=int, default=10)
    parser.add_argument("--ks", default="25,100")
    parser.add_argument("--weights", default="1,3,10,30")
    parser.add_argument("--retrain-every", type=int, default=25)
    parser.add_argument("--random-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="groups simulated at once")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.kinds = [k for k in args.kinds.split(",") if k]
    args.ks = sorted({int(k) for k in args.ks.split(",")})
    args.weights = sorted({float(w) for w in args.weights.split(",")})
    return args


def macro_f1(predicted: Any, truth: list[str], labels: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, list(predicted), labels=labels, average="macro", zero_division=0))


def simulate_group(
    args: argparse.Namespace, train: Any, corpus: list[dict], kind: str, group: str
) -> dict[str, Any]:
    """Every (arm, k, w) gain for one held-out group."""
    from stancekit.annotate.labelweight import Gain, weight_vector
    from stancekit.annotate.simulate import draw_at_random, draw_by_queue, split_groups
    from stancekit.model.pipeline import fit_pipeline

    started = time.perf_counter()
    rest = [r for r in corpus if str(r[kind]) != group]
    held = [r for r in corpus if str(r[kind]) == group]
    in_pool = split_groups([r["doc_id"] for r in held], seed=args.seed)
    pool = [r for r, p in zip(held, in_pool, strict=True) if p]
    test = [r for r, p in zip(held, in_pool, strict=True) if not p]
    texts = [r["text"] for r in rest]
    labels = [r["label"] for r in rest]
    docs = [r["doc_id"] for r in rest]
    pool_texts = [r["text"] for r in pool]
    test_texts = [r["text"] for r in test]
    truth = [r["label"] for r in test]
    cache: dict[tuple[float, frozenset[int]], Any] = {}

    def fit(weight: float, chosen: list[int]) -> Any:
        key = (weight if chosen else 1.0, frozenset(chosen))
        if key not in cache:
            extra = [pool[i] for i in chosen]
            cache[key] = fit_pipeline(
                texts + [r["text"] for r in extra],
                labels + [r["label"] for r in extra],
                train,
                docs + [r["doc_id"] for r in extra],
                weight_vector(len(rest), len(extra), weight) if extra else None,
            )
        return cache[key]

    base = macro_f1(fit(1.0, []).predict(test_texts), truth, list(train.labels))
    gains = []
    at_random = draw_at_random(len(pool), max(args.ks), seed=args.seed + 1000)
    for weight in args.weights:
        by_queue = draw_by_queue(
            lambda chosen, w=weight: fit(w, chosen).predict_proba(pool_texts),
            [r["doc_id"] for r in pool],
            args.ks,
            retrain_every=args.retrain_every,
            random_share=args.random_share,
            seed=args.seed,
        )
        for arm, drawn in (("queue", by_queue), ("random", at_random)):
            for k in args.ks:
                score = macro_f1(
                    fit(weight, drawn[:k]).predict(test_texts), truth, list(train.labels)
                )
                gains.append(Gain(kind, group, arm, k, weight, score - base))
    return {
        "kind": kind,
        "group": group,
        "pool_rows": len(pool),
        "test_rows": len(test),
        "base_f1": base,
        "gains": [g._asdict() for g in gains],
        "fits": len(cache),
        "seconds": round(time.perf_counter() - started, 1),
    }


def print_table(args: argparse.Namespace, summary: dict, counts: dict[str, int]) -> None:
    print("| grouping (groups) | k | w | queue gain | random gain |")
    print("|---|---:|---:|---:|---:|")
    for kind in args.kinds:
        for k in args.ks:
            for w in args.weights:
                cells = []
                for arm in ("queue", "random"):
                    mean, sd, _ = summary[(kind, k, w, arm)]
                    cells.append(f"{mean:+.3f} ± {sd:.3f}")
                print(f"| {kind} ({counts[kind]}) | {k} | {w:g} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from stancekit.annotate.labelweight import Gain, choose_weight, held_out_groups, summarise_gains
    from stancekit.data.corpus import read_corpus
    from stancekit.io.files import atomic_write
    from stancekit.params import load_params

    params = load_params(args.params)
    train = dataclasses.replace(params.train, calibration=None)
    data = [p if Path(p).is_absolute() else args.params.parent / p for p in params.prepare.data]
    corpus = [r for r in read_corpus(data) if r["label"] in train.labels]
    tasks = []
    for kind in args.kinds:
        groups = held_out_groups(
            [r[kind] for r in corpus], [r["doc_id"] for r in corpus], args.min_docs
        )
        tasks.extend((kind, g) for g in groups[: args.groups or None])
    counts = {kind: sum(t[0] == kind for t in tasks) for kind in args.kinds}
    print(
        f"corpus {len(corpus)} rows; held-out groups {counts} (>= {args.min_docs} documents"
        + (f", largest {args.groups} per kind" if args.groups else "")
        + f"); k {args.ks}; weights {args.weights}; retrain every {args.retrain_every}; "
        f"uncalibrated fits; {args.jobs} job(s)",
        flush=True,
    )
    started = time.perf_counter()
    results = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(simulate_group, args, train, corpus, k, g) for k, g in tasks]
        for future in futures:
            result = future.result()
            results.append(result)
            largest = [g for g in result["gains"] if g["k"] == max(args.ks)]
            top = {(g["arm"], g["weight"]): g["gain"] for g in largest}
            print(
                f"{result['kind']}={result['group']}: pool {result['pool_rows']}, test "
                f"{result['test_rows']} rows, 0-label F1 {result['base_f1']:.3f}; gain at "
                f"k={max(args.ks)} queue/random by w: "
                + ", ".join(
                    f"{w:g}: {top[('queue', w)]:+.3f}/{top[('random', w)]:+.3f}"
                    for w in args.weights
                )
                + f"  [{result['seconds']:.0f} s, {result['fits']} fits; "
                f"{time.perf_counter() - started:.0f} s total]",
                flush=True,
            )
    gains = [Gain(**g) for r in results for g in r["gains"]]
    summary = summarise_gains(gains)
    print()
    print_table(args, summary, counts)
    chosen, scores = choose_weight(gains, max(args.ks))
    print()
    print(
        f"rule: mean gain at k={max(args.ks)} (queue and random pooled) averaged over "
        f"{' and '.join(args.kinds)}; ties (3 decimals) to the smaller w"
    )
    print("  " + ", ".join(f"w={w:g}: {s:+.4f}" for w, s in scores.items()))
    print(f"chosen weight: {chosen:g}")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-label-weight-"))
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "settings": {
            key: getattr(args, key)
            for key in ("kinds", "groups", "min_docs", "ks", "weights", "retrain_every", "seed")
        },
        "corpus_rows": len(corpus),
        "groups": results,
        "summary": [
            {"kind": kind, "k": k, "weight": w, "arm": arm, "mean": m, "sd": sd, "n": n}
            for (kind, k, w, arm), (m, sd, n) in summary.items()
        ],
        "scores": {f"{w:g}": s for w, s in scores.items()},
        "chosen_weight": chosen,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    with atomic_write(out / "bench_label_weight.json") as handle:
        json.dump(figures, handle, indent=2)
        handle.write("\n")
    print(f"figures: {out / 'bench_label_weight.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
