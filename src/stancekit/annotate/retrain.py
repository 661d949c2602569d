"""Fit the model again on the corpus plus the user's labels, and measure it on those labels
by document-grouped cross-validation (the background work of an annotation run)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import DataError

if TYPE_CHECKING:
    from stancekit.params import TrainParams

#: Prefix of the user's document ids in the fit, so they never share a group with the corpus.
_GROUP = "annotated:"


@dataclass
class Corpus:
    """Labelled rows the background retrain starts from: texts, labels, document ids."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def read_corpus_rows(paths: Iterable[str | Path], leave_out: Path | None = None) -> Corpus:
    """The labelled rows of ``paths`` (files, or folders of ``*.jsonl`` files, as
    ``prepare.data``), except the file ``leave_out`` (the run's own output, which the session
    adds itself). A folder with no labelled file yet (``data/labels/`` before the first run)
    gives no rows.

    Raises
    ------
    DataError
        A file that breaks the corpus schema.
    """
    from stancekit.data.corpus import read_rows

    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    corpus = Corpus()
    for file in files:
        if leave_out is not None and _same(file, leave_out):
            continue
        for row in read_rows(file):
            corpus.texts.append(row["text"])
            corpus.labels.append(row["label"])
            corpus.groups.append(str(row["doc_id"]))
    return corpus


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def fit_with_labels(
    corpus: Corpus,
    rows: Sequence[dict[str, Any]],
    params: TrainParams,
    weight: float | None = None,
) -> Any:
    """A pipeline fitted on ``corpus`` plus ``rows`` (annotation rows), with ``params``.

    Parameters
    ----------
    weight : float, optional
        Sample weight of ``rows`` (corpus rows weigh 1). Default:
        :data:`stancekit.labels.USER_LABEL_WEIGHT`, as `stancekit train --weight`.
    """
    from stancekit import labels
    from stancekit.model.pipeline import fit_pipeline

    weight = labels.USER_LABEL_WEIGHT if weight is None else weight
    if not weight > 0:
        raise DataError(f"the weight of your labels must be above 0, got {weight}.")
    sample_weight = [1.0] * len(corpus.texts) + [float(weight)] * len(rows)
    return fit_pipeline(
        corpus.texts + [r["text"] for r in rows],
        corpus.labels + [r["label"] for r in rows],
        params,
        corpus.groups + [_GROUP + r["doc_id"] for r in rows],
        sample_weight if rows and weight != 1 else None,
    )


def cross_validate(
    corpus: Corpus,
    rows: Sequence[dict[str, Any]],
    params: TrainParams,
    min_labels: int,
    min_documents: int,
    folds: int,
    stop: threading.Event | None = None,
) -> dict[str, Any] | None:
    """Accuracy on the user's labels of models fitted on the corpus plus the other folds'
    labels, folds grouped by document (``None`` with too few labels or documents).

    Returns
    -------
    dict or None
        ``accuracy``, ``n`` (labels scored) and ``folds``.
    """
    from stancekit.model.folds import group_folds

    labels = [r["label"] for r in rows]
    groups = [r["doc_id"] for r in rows]
    if len(rows) < min_labels or len(set(groups)) < min_documents or len(set(labels)) < 2:
        return None
    correct = scored = used = 0
    for train, test in group_folds(labels, groups, folds, params.seed):
        if stop is not None and stop.is_set():
            return None
        pipeline = fit_with_labels(corpus, [rows[i] for i in train], params)
        guesses = pipeline.predict([rows[i]["text"] for i in test])
        correct += sum(str(g) == labels[i] for g, i in zip(guesses, test, strict=True))
        scored += len(test)
        used += 1
    return {"accuracy": correct / scored, "n": scored, "folds": used}
