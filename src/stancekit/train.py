"""The ``train`` stage: fit the model on labelled files and save it with its card.

The pipeline trains twice with the same settings: on the training split only (``models/heldout``,
the model the held-out evaluation scores), and then on every labelled document (``models/``, the
shipped model), whose card links the evaluation it inherits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from stancekit.corpus import read_split
from stancekit.errors import DataError
from stancekit.files import sha256_file
from stancekit.params import TrainParams
from stancekit.persist import DEFAULT_MODEL_DIR, ModelCard, save_model

DEFAULT_TRAIN_PATH = Path("data/prepared/train.jsonl")


def evaluation_link(metrics_path: str | Path, model_dir: str | Path) -> dict[str, str]:
    """The card's pointer to the evaluation a model inherits: where its metrics are (relative
    to the model directory when inside it) and their SHA-256.

    Raises
    ------
    DataError
        If the metrics file does not exist.
    """
    metrics_path = Path(metrics_path)
    if not metrics_path.is_file():
        raise DataError(f"{metrics_path} not found: run `stancekit evaluate` first.")
    try:
        shown = str(metrics_path.resolve().relative_to(Path(model_dir).resolve()))
    except ValueError:
        shown = str(metrics_path)
    return {"metrics": shown, "sha256": sha256_file(metrics_path)}


def train(
    params: TrainParams,
    data: str | Path | Sequence[str | Path] = DEFAULT_TRAIN_PATH,
    model_dir: str | Path = DEFAULT_MODEL_DIR,
    evaluation: str | Path | None = None,
) -> ModelCard:
    """Fit the model on the labelled JSONL file(s) ``data`` and save it in ``model_dir``.

    Parameters
    ----------
    params : TrainParams
        Model settings.
    data : path or sequence of paths
        Labelled JSON Lines files (prepared splits or corpus files).
    model_dir : path
        Where ``model.joblib`` and ``model_card.json`` go.
    evaluation : path, optional
        The ``metrics.json`` of the evaluation that measured this method; the card links it.

    Returns
    -------
    ModelCard
        The card written beside the model.
    """
    from stancekit.corpus import to_dataset
    from stancekit.model import fit_pipeline

    paths = [Path(data)] if isinstance(data, str | Path) else [Path(p) for p in data]
    if not paths:
        raise DataError("no training data: give at least one labelled file.")
    rows = [row for path in paths for row in read_split(path)]
    if not rows:
        raise DataError(f"{', '.join(map(str, paths))}: no labelled rows to train on.")
    dataset = to_dataset(rows)
    names = dataset.features["label"].names
    labels = [names[i] for i in dataset["label"]]
    pipeline = fit_pipeline(dataset["text"], labels, params, dataset["doc_id"])
    used = [label for label in labels if label in params.labels]
    doc_ids = {
        doc for doc, label in zip(dataset["doc_id"], labels, strict=True) if label in params.labels
    }
    card = ModelCard(
        labels=[str(c) for c in pipeline.classes_],
        params=asdict(params),
        training_data={
            "files": {str(path): sha256_file(path) for path in paths},
            "rows": len(used),
            "documents": len(doc_ids),
            "rows_per_label": dict(sorted(Counter(used).items())),
        },
        evaluation=None if evaluation is None else evaluation_link(evaluation, model_dir),
    )
    return save_model(pipeline, card, model_dir)
