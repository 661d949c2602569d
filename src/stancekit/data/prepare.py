"""The ``prepare`` stage: validate the corpus and split it into train and test by document."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from stancekit.data.corpus import Row, write_rows
from stancekit.data.datacheck import check_corpus
from stancekit.errors import DataError
from stancekit.params import PrepareParams

DEFAULT_PREPARED_DIR = Path("data/prepared")


@dataclass(frozen=True)
class SplitSummary:
    """What ``prepare`` wrote: documents and paragraphs per split, and labels per split."""

    train_path: Path
    test_path: Path
    train_documents: int
    test_documents: int
    train_labels: dict[str, int]
    test_labels: dict[str, int]

    def describe(self) -> str:
        """A short readable summary."""

        def counts(labels: dict[str, int]) -> str:
            return ", ".join(f"{label} {n}" for label, n in sorted(labels.items()))

        return (
            f"train: {self.train_documents} documents, {sum(self.train_labels.values())} "
            f"paragraphs ({counts(self.train_labels)}) -> {self.train_path}\n"
            f"test:  {self.test_documents} documents, {sum(self.test_labels.values())} "
            f"paragraphs ({counts(self.test_labels)}) -> {self.test_path}"
        )


def split_by_document(
    rows: list[Row], test_fraction: float, seed: int
) -> tuple[list[Row], list[Row]]:
    """Split rows into (train, test) so that no document is on both sides.

    Uses scikit-learn's ``StratifiedGroupKFold`` with ``round(1 / test_fraction)`` folds (at most
    one per document) and holds out the first fold, so that label shares are kept as far as whole
    documents allow.

    Raises
    ------
    DataError
        If there are fewer than two documents.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [row["doc_id"] for row in rows]
    n_documents = len(set(groups))
    if n_documents < 2:
        raise DataError(
            f"the corpus has {n_documents} document(s): a split by document needs at least two."
        )
    n_splits = min(n_documents, max(2, round(1 / test_fraction)))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    labels = [row["label"] for row in rows]
    with warnings.catch_warnings():
        # "The least populated class has only N members": expected on small corpora.
        warnings.simplefilter("ignore", UserWarning)
        train_index, test_index = next(splitter.split(rows, labels, groups))
    return [rows[i] for i in train_index], [rows[i] for i in test_index]


def prepare(params: PrepareParams, out_dir: str | Path = DEFAULT_PREPARED_DIR) -> SplitSummary:
    """Check the files in ``params.data``, split them by document, write train/test JSONL.

    The corpus goes through every check of ``stancekit data check``; any error stops the stage
    before anything is written.

    Parameters
    ----------
    params : PrepareParams
        Input files, test fraction and seed.
    out_dir : path
        Folder for ``train.jsonl`` and ``test.jsonl``.
    """
    rows, report = check_corpus(params.data)
    if not report.ok:
        more = len(report.errors) - 1
        raise DataError(
            report.errors[0]
            + (f" (and {more} more error(s): run `stancekit data check`)" if more else "")
        )
    rows = [row for row in rows if (row.get("language") or "en") == params.language]
    if not rows:
        raise DataError(
            f"no {params.language} rows in {', '.join(params.data)}: check prepare.data "
            "(languages.<code>.prepare.data) in params.yaml."
        )
    train, test = split_by_document(rows, params.test_fraction, params.seed)
    out_dir = Path(out_dir)
    train_path, test_path = out_dir / "train.jsonl", out_dir / "test.jsonl"
    write_rows(train_path, train)
    write_rows(test_path, test)
    return SplitSummary(
        train_path=train_path,
        test_path=test_path,
        train_documents=len({row["doc_id"] for row in train}),
        test_documents=len({row["doc_id"] for row in test}),
        train_labels=dict(Counter(row["label"] for row in train)),
        test_labels=dict(Counter(row["label"] for row in test)),
    )
