"""Does the document around a paragraph help tell reporting from advocacy? (`make bench-context`)

Grouped cross-validation on a language's corpus (params.yaml; English by default), folds that
leave out whole documents, whole voices and whole genres, comparing:

* ``paragraph``: the shipped method, the paragraph alone (uncalibrated, as evaluate.compare);
* ``neighbours``: the same TF-IDF of the paragraph, plus a second TF-IDF block of the paragraphs
  before and after it in its document (weighted ``--context-weight``), one logistic regression;
* ``document prior``: the paragraph model's probabilities times the mean probabilities of the
  other paragraphs of its document raised to a power alpha (renormalised), alpha chosen inside
  each training fold on out-of-fold scores of an inner document-grouped split.

The rule, fixed before the first run: a variant becomes the default only if its mean three-class
macro-F1 is above the paragraph model's in every grouping, and by at least 0.01 on average over
the groupings. The paragraph model stays available either way.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)


def neighbours_text(rows: list[dict[str, Any]]) -> list[str]:
    """The text of the paragraphs before and after each row in its document."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_doc[row["doc_id"]].append(i)
    context = [""] * len(rows)
    for members in by_doc.values():
        members.sort(key=lambda i: rows[i]["paragraph_index"])
        for k, i in enumerate(members):
            before = rows[members[k - 1]]["text"] if k > 0 else ""
            after = rows[members[k + 1]]["text"] if k + 1 < len(members) else ""
            context[i] = f"{before} {after}".strip()
    return context


def vectorizer(train: Any) -> Any:
    """The shipped method's TfidfVectorizer (``stancekit.model.pipeline.build_pipeline``)."""
    from stancekit.model.pipeline import build_pipeline

    return build_pipeline(train).named_steps["tfidf"]


def classifier(train: Any) -> Any:
    """The shipped method's LogisticRegression (``train`` has no calibration here)."""
    from stancekit.model.pipeline import build_pipeline

    return build_pipeline(train).named_steps["clf"]


def fit_paragraph(train: Any, texts: list[str], labels: list[str]) -> Any:
    from stancekit.model.pipeline import build_pipeline

    return build_pipeline(train).fit(texts, labels)


def fit_neighbours(
    train: Any, texts: list[str], context: list[str], labels: list[str], weight: float
) -> Any:
    from scipy.sparse import hstack

    own, around = vectorizer(train), vectorizer(train)
    matrix = hstack([own.fit_transform(texts), weight * around.fit_transform(context)]).tocsr()
    model = classifier(train).fit(matrix, labels)

    def predict_proba(t: list[str], c: list[str]) -> Any:
        return model.predict_proba(hstack([own.transform(t), weight * around.transform(c)]).tocsr())

    return predict_proba, model.classes_


def document_mean_others(proba: Any, docs: list[str]) -> Any:
    """Each row's mean probabilities over the other rows of its document (its own if alone)."""
    sums: dict[str, Any] = defaultdict(lambda: 0.0)
    counts: dict[str, int] = defaultdict(int)
    for p, d in zip(proba, docs, strict=True):
        sums[d] = sums[d] + p
        counts[d] += 1
    out = np.empty_like(proba)
    for i, (p, d) in enumerate(zip(proba, docs, strict=True)):
        out[i] = (sums[d] - p) / (counts[d] - 1) if counts[d] > 1 else p
    return out


def with_prior(proba: Any, others: Any, alpha: float) -> Any:
    mixed = np.log(np.clip(proba, 1e-9, 1)) + alpha * np.log(np.clip(others, 1e-9, 1))
    mixed = np.exp(mixed - mixed.max(axis=1, keepdims=True))
    return mixed / mixed.sum(axis=1, keepdims=True)


def scores(actual: list[str], proba: Any, classes: Any) -> dict[str, float]:
    from sklearn.metrics import f1_score

    predicted = [classes[i] for i in proba.argmax(axis=1)]
    stance = [i for i, a in enumerate(actual) if a != "neutral"]
    stance_pred = []
    columns = [list(classes).index(c) for c in ("abolitionist", "decriminalisation")]
    for i in stance:
        sub = proba[i, columns]
        stance_pred.append(("abolitionist", "decriminalisation")[int(sub.argmax())])
    return {
        "macro_f1": f1_score(actual, predicted, average="macro"),
        "neutral_f1": f1_score(actual, predicted, labels=["neutral"], average="macro"),
        "stance_f1": f1_score([actual[i] for i in stance], stance_pred, average="macro"),
    }


def choose_alpha(train: Any, texts: list[str], labels: list[str], docs: list[str]) -> float:
    """alpha with the best macro-F1 on out-of-fold scores of a 3-fold document-grouped split."""
    from stancekit.model.folds import group_folds

    oof = None
    classes = None
    for inner_train, inner_test in group_folds(labels, docs, 3, train.seed):
        model = fit_paragraph(
            train, [texts[i] for i in inner_train], [labels[i] for i in inner_train]
        )
        p = model.predict_proba([texts[i] for i in inner_test])
        if oof is None:
            oof, classes = np.zeros((len(texts), p.shape[1])), model.classes_
        oof[inner_test] = p
    others = document_mean_others(oof, docs)
    return max(
        ALPHAS, key=lambda a: scores(labels, with_prior(oof, others, a), classes)["macro_f1"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--context-weight", type=float, default=0.5)
    parser.add_argument("--groupings", default="doc_id,voice,genre")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from stancekit.data.corpus import read_corpus
    from stancekit.model.folds import group_folds
    from stancekit.params import load_params

    params = load_params(ROOT / "params.yaml").for_language(args.language)
    train = replace(params.train, calibration=None)
    rows = [
        r
        for r in read_corpus([str(ROOT / p) for p in params.prepare.data])
        if (r.get("language") or "en") == args.language and r["label"] in train.labels
    ]
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    docs = [r["doc_id"] for r in rows]
    context = neighbours_text(rows)
    print(f"{len(rows)} paragraphs, {len(set(docs))} documents ({args.language})")
    variants = ("paragraph", "neighbours", "document prior")
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    for grouping in args.groupings.split(","):
        groups = [str(r.get(grouping)) for r in rows]
        per: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
        for tr, te in group_folds(labels, groups, args.folds, train.seed):
            tr_texts, tr_labels = [texts[i] for i in tr], [labels[i] for i in tr]
            te_texts, te_labels = [texts[i] for i in te], [labels[i] for i in te]
            model = fit_paragraph(train, tr_texts, tr_labels)
            proba = model.predict_proba(te_texts)
            per["paragraph"].append(scores(te_labels, proba, model.classes_))
            predict, classes = fit_neighbours(
                train, tr_texts, [context[i] for i in tr], tr_labels, args.context_weight
            )
            per["neighbours"].append(
                scores(te_labels, predict(te_texts, [context[i] for i in te]), classes)
            )
            alpha = choose_alpha(train, tr_texts, tr_labels, [docs[i] for i in tr])
            others = document_mean_others(proba, [docs[i] for i in te])
            per["document prior"].append(
                {
                    **scores(te_labels, with_prior(proba, others, alpha), model.classes_),
                    "alpha": alpha,
                }
            )
        results[grouping] = per
    print("| grouping | variant | three-class macro-F1 | neutral F1 | stance macro-F1 |")
    print("|---|---|---|---|---|")
    for grouping, per in results.items():
        for variant, folds in per.items():
            cells = []
            for key in ("macro_f1", "neutral_f1", "stance_f1"):
                values = [f[key] for f in folds]
                cells.append(f"{np.mean(values):.3f} ± {np.std(values):.3f}")
            extra = ""
            if variant == "document prior":
                alphas = ", ".join(f"{f['alpha']:g}" for f in folds)
                extra = f" (alpha {alphas})"
            print(f"| {grouping} | {variant}{extra} | {' | '.join(cells)} |")
    base = {g: np.mean([f["macro_f1"] for f in per["paragraph"]]) for g, per in results.items()}
    for variant in variants[1:]:
        gains = {
            g: np.mean([f["macro_f1"] for f in per[variant]]) - base[g]
            for g, per in results.items()
        }
        wins = all(v > 0 for v in gains.values()) and np.mean(list(gains.values())) >= 0.01
        shown = ", ".join(f"{g} {v:+.3f}" for g, v in gains.items())
        print(f"{variant}: gain over paragraph {shown} -> {'WINS' if wins else 'does not win'}")


if __name__ == "__main__":
    main()
