"""Agreement between two annotators (``stancekit data agreement A B``).

Rows of the two files are paired by ``(doc_id, paragraph_index)`` when both files name their
documents, and the rows left over by their exact text (the text of a row that occurs once in each
file). On the pairs: observed agreement, Cohen's kappa with a 95% percentile bootstrap interval
(resampling documents, as paragraphs of one document are not independent), the confusion matrix
(rows: A, columns: B) and every disagreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from stancekit.data.corpus import Row
from stancekit.data.labelled import LabelledTable
from stancekit.errors import DataError
from stancekit.labels import LABELS


@dataclass(frozen=True)
class Pair:
    """One paragraph both annotators labelled."""

    doc_id: str
    paragraph_index: int
    text: str
    a: str
    b: str


@dataclass
class Agreement:
    """What a content-analysis paper reports about two annotators."""

    a: str
    b: str
    paired: int
    paired_by_position: int
    paired_by_text: int
    only_a: int
    only_b: int
    observed: float
    kappa: float
    kappa_low: float
    kappa_high: float
    resamples: int
    seed: int
    labels: list[str]
    confusion: list[list[int]]
    disagreements: list[Pair] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``--format json``); an undefined kappa is ``None``."""
        return {
            key: None if isinstance(value, float) and value != value else value
            for key, value in asdict(self).items()
        }


def _key(row: Row) -> tuple[str, int]:
    return (row["doc_id"], row["paragraph_index"])


def pair_rows(a: LabelledTable, b: LabelledTable) -> tuple[list[Pair], int, int]:
    """Pair the rows of two tables; returns ``(pairs, paired by position, paired by text)``.

    Raises
    ------
    DataError
        A paragraph (document and index) labelled twice in one file.
    """
    for table in (a, b):
        seen = Counter(_key(row) for row in table.rows)
        twice = [key for key, n in seen.items() if n > 1]
        if twice:
            doc, index = twice[0]
            raise DataError(
                f"{table.path}: paragraph {doc}#{index} is labelled {seen[twice[0]]} times; "
                "keep one label per paragraph."
            )
    pairs: list[Pair] = []
    left_a, left_b = list(a.rows), list(b.rows)
    if a.has_documents and b.has_documents:
        by_key = {_key(row): row for row in b.rows}
        matched_b: set[tuple[str, int]] = set()
        left_a = []
        for row in a.rows:
            other = by_key.get(_key(row))
            if other is None:
                left_a.append(row)
                continue
            matched_b.add(_key(other))
            pairs.append(
                Pair(
                    row["doc_id"], row["paragraph_index"], row["text"], row["label"], other["label"]
                )
            )
        left_b = [row for row in b.rows if _key(row) not in matched_b]
    by_position = len(pairs)
    texts_a = Counter(row["text"] for row in left_a)
    texts_b = {row["text"]: row for row in left_b}
    once_b = Counter(row["text"] for row in left_b)
    for row in left_a:
        text = row["text"]
        if texts_a[text] == 1 and once_b.get(text) == 1:
            other = texts_b[text]
            pairs.append(
                Pair(row["doc_id"], row["paragraph_index"], text, row["label"], other["label"])
            )
    return pairs, by_position, len(pairs) - by_position


def _kappa(a: Sequence[str], b: Sequence[str]) -> float:
    import warnings

    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one label on both sides: 0/0, kappa undefined (NaN)
        value = cohen_kappa_score(a, b, labels=list(LABELS))
    return float(value)


def bootstrap_kappa(pairs: Sequence[Pair], resamples: int, seed: int) -> tuple[float, float]:
    """95% percentile interval of Cohen's kappa, resampling documents with replacement
    (seeded); resamples where kappa is undefined (one label only) are left out."""
    import numpy as np

    groups: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        groups.setdefault(pair.doc_id, []).append(i)
    members = list(groups.values())
    a = np.array([p.a for p in pairs])
    b = np.array([p.b for p in pairs])
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        chosen = rng.integers(0, len(members), len(members))
        index = np.concatenate([members[i] for i in chosen])
        values.append(_kappa(a[index], b[index]))
    finite = np.array([v for v in values if np.isfinite(v)])
    if not len(finite):
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def agreement(
    a: LabelledTable, b: LabelledTable, *, resamples: int = 1000, seed: int = 0
) -> Agreement:
    """Agreement of two annotators on the paragraphs both labelled.

    Parameters
    ----------
    a, b : LabelledTable
        The two annotators' tables (:func:`stancekit.data.labelled.read_table`).
    resamples : int
        Bootstrap resamples for the kappa interval.
    seed : int
        Seed of the bootstrap.

    Raises
    ------
    DataError
        The files share no paragraph, or one labels a paragraph twice.
    """
    pairs, by_position, by_text = pair_rows(a, b)
    if not pairs:
        how = "document and paragraph_index, or" if a.has_documents and b.has_documents else ""
        raise DataError(
            f"{a.path} and {b.path} share no paragraph (paired by {how} exact text): give two "
            "annotators' labels of the same paragraphs."
        )
    labels = list(LABELS)
    confusion = [[0] * len(labels) for _ in labels]
    for pair in pairs:
        confusion[labels.index(pair.a)][labels.index(pair.b)] += 1
    low, high = bootstrap_kappa(pairs, resamples, seed)
    return Agreement(
        a=str(a.path),
        b=str(b.path),
        paired=len(pairs),
        paired_by_position=by_position,
        paired_by_text=by_text,
        only_a=len(a.rows) - len(pairs),
        only_b=len(b.rows) - len(pairs),
        observed=sum(p.a == p.b for p in pairs) / len(pairs),
        kappa=_kappa([p.a for p in pairs], [p.b for p in pairs]),
        kappa_low=low,
        kappa_high=high,
        resamples=resamples,
        seed=seed,
        labels=labels,
        confusion=confusion,
        disagreements=[p for p in pairs if p.a != p.b],
    )


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _number(value: float) -> str:
    return "n/a" if value != value else f"{value:.3f}"


def describe(result: Agreement, width: int = 60) -> str:
    """The readable report: counts, agreement, kappa, confusion matrix, disagreements."""
    lines = [
        f"paired {result.paired} paragraphs ({result.paired_by_position} by document and "
        f"paragraph index, {result.paired_by_text} by text); only in A: {result.only_a}, "
        f"only in B: {result.only_b}",
        f"observed agreement: {result.observed:.3f}",
        f"Cohen's kappa: {_number(result.kappa)} (95% interval {_number(result.kappa_low)} to "
        f"{_number(result.kappa_high)}; {result.resamples} bootstrap resamples of documents, "
        f"seed {result.seed})",
        "",
        "confusion (rows: A, columns: B):",
    ]
    size = max(len(label) for label in result.labels)
    lines.append(" " * size + "".join(f"  {label:>{size}}" for label in result.labels))
    for label, counts in zip(result.labels, result.confusion, strict=True):
        lines.append(f"{label:<{size}}" + "".join(f"  {n:>{size}}" for n in counts))
    lines += ["", f"disagreements: {len(result.disagreements)}"]
    for pair in result.disagreements:
        lines.append(
            f"{pair.doc_id}#{pair.paragraph_index}  A {pair.a}  B {pair.b}  "
            f"{_shorten(pair.text, width)}"
        )
    return "\n".join(lines)
