"""The ``train`` stage: fit the model on labelled files and save it with its card.

The pipeline trains twice with the same settings: on the training split only (``models/heldout``,
the model the held-out evaluation scores), and then on every labelled document (``models/``, the
shipped model), whose card links the evaluation it inherits. Both pass ``--without-corpus``:
the prepared splits already hold the corpus.

A user's own labelled tables train the same way (``stancekit train --data mine.csv``), by default
together with the corpus (``prepare.data``), their rows weighted by ``--weight``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from stancekit.data.corpus import Row
from stancekit.data.labelled import Columns, read_user_labels
from stancekit.errors import DataError
from stancekit.io.files import sha256_file
from stancekit.model.locate import DEFAULT_MODEL_DIR
from stancekit.model.persist import ModelCard, save_model
from stancekit.params import TrainParams

DEFAULT_TRAIN_PATH = Path("data/prepared/train.jsonl")
SPLIT_NAMES = ("train.jsonl", "test.jsonl")


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


def _read_data(paths: Sequence[Path], columns: Columns, label_map: Mapping[str, str]) -> list[Row]:
    for path in paths:
        if not path.is_file() and not path.is_dir():
            hint = ": run `stancekit prepare` first" if path.name in SPLIT_NAMES else ""
            raise DataError(f"{path} not found{hint}.")
    return read_user_labels(list(paths), columns, label_map)


def corpus_rows(
    data_rows: Sequence[Row],
    data_paths: Sequence[Path],
    corpus: Sequence[str | Path],
    with_corpus: bool | None,
) -> tuple[list[Row], list[Path]]:
    """The corpus rows to add to the user's rows, and their files.

    ``with_corpus`` ``False``: none. Otherwise the rows of the files in ``corpus``
    (``prepare.data``), leaving out files also given as data; but when a data file already holds
    a corpus document (a prepared split, or a copy of a corpus file), adding the corpus would
    count those documents twice and put the held-out split into training: then ``None`` (the
    default) adds nothing, and ``True`` is an error.

    Raises
    ------
    DataError
        ``with_corpus`` is ``True`` and the data hold corpus documents, or a corpus file is bad.
    """
    from stancekit.data.corpus import corpus_files, read_corpus

    if with_corpus is False or not corpus:
        return [], []
    given = {path.resolve() for path in data_paths}
    files = [path for path in corpus_files(corpus) if path.resolve() not in given]
    if not files:
        return [], []
    rows = read_corpus(files)
    shared = sorted({row["doc_id"] for row in data_rows} & {row["doc_id"] for row in rows})
    if not shared:
        return rows, files
    if with_corpus:
        raise DataError(
            f"the training data already hold corpus document(s) ({', '.join(shared[:3])}"
            f"{', ...' if len(shared) > 3 else ''}): a prepared split or a corpus file, so adding "
            "the corpus would train on them twice (and on held-out documents); drop --with-corpus."
        )
    return [], []


#: Origins of the user's own rows (their tables, ``stancekit annotate`` files in data/labels).
USER_ORIGINS = ("annotated", "external")


def row_weights(rows: Sequence[Row], weight: float) -> list[float] | None:
    """Sample weights: ``weight`` for the user's rows (origin in :data:`USER_ORIGINS`), 1 for
    the corpus's; ``None`` when every row would weigh the same (uniform weights would only
    rescale the regularisation), so a corpus without labels of yours trains as it always did."""
    weights = [float(weight) if row.get("origin") in USER_ORIGINS else 1.0 for row in rows]
    return None if len(set(weights)) <= 1 else weights


def _in_language(rows: list[dict], language: str) -> list[dict]:
    """The rows in ``language``: a row whose ``language`` column names another is left out, with
    a warning (each language is its own model); a row without one counts as ``language``."""
    kept = [row for row in rows if (row.get("language") or language) == language]
    if len(kept) < len(rows):
        import warnings
        from collections import Counter

        from stancekit.errors import StancekitWarning

        others = Counter(
            str(row["language"]) for row in rows if (row.get("language") or language) != language
        )
        named = ", ".join(f"{code} {n}" for code, n in sorted(others.items()))
        warnings.warn(
            f"left out {len(rows) - len(kept)} row(s) in other languages ({named}): this model "
            f"reads {language}; train each language with --language CODE.",
            StancekitWarning,
            stacklevel=3,
        )
    return kept


def _warn_missing_labels(
    found: set[str], wanted: Sequence[str], label_map: Mapping[str, str]
) -> None:
    """Warn when a label the model should learn has no row (say, a label map that sends two of
    the user's labels to one stancekit label), naming the merge."""
    missing = [label for label in wanted if label not in found]
    if not missing:
        return
    import warnings

    from stancekit.errors import StancekitWarning

    learnt = [label for label in wanted if label in found]
    message = (
        f"no row is labelled {' or '.join(missing)}, so the model learns only "
        f"{len(learnt)} of {len(wanted)} classes ({', '.join(learnt)})"
    )
    merges = sorted(
        f"{' and '.join(map(repr, keys))} to {target}"
        for target in set(label_map.values())
        if len(keys := sorted(k for k, v in label_map.items() if v == target)) > 1
    )
    if merges:
        message += f"; --label-map maps {'; '.join(merges)}: check it"
    warnings.warn(message + ".", StancekitWarning, stacklevel=3)


def train(
    params: TrainParams,
    data: str | Path | Sequence[str | Path] = DEFAULT_TRAIN_PATH,
    model_dir: str | Path = DEFAULT_MODEL_DIR,
    evaluation: str | Path | None = None,
    *,
    columns: Columns | None = None,
    label_map: Mapping[str, str] | None = None,
    corpus: Sequence[str | Path] = (),
    with_corpus: bool | None = None,
    weight: float | None = None,
    language: str = "en",
    force: bool = False,
) -> ModelCard:
    """Fit the model on the labelled file(s) ``data`` (and the corpus) and save it in
    ``model_dir``.

    Parameters
    ----------
    params : TrainParams
        Model settings.
    data : path or sequence of paths
        Labelled tables: prepared splits, corpus files, or the user's own JSONL/CSV/TSV/Parquet
        (read by :func:`stancekit.data.labelled.read_user_labels`).
    model_dir : path
        Where ``model.joblib`` and ``model_card.json`` go.
    evaluation : path, optional
        The ``metrics.json`` of the evaluation that measured this method; the card links it.
    columns : Columns, optional
        Text, label, document and paragraph-index columns of ``data`` (default: ``text``,
        ``label``, ``doc_id`` if present, ``paragraph_index`` if present).
    label_map : mapping, optional
        The user's labels -> stancekit labels (:func:`stancekit.labels.parse_label_map`).
    corpus : sequence of paths
        The corpus (``prepare.data``) to add, as :func:`corpus_rows` decides with ``with_corpus``.
    weight : float, optional
        Sample weight of the user's rows (:func:`row_weights`: origin ``annotated`` or
        ``external``, as the user's tables and ``data/labels`` files are) against the corpus's
        (``seed``, ``authored``: weight 1). Default:
        :data:`stancekit.labels.USER_LABEL_WEIGHT`.
    language : str
        The language the model reads (ISO 639-1), recorded in the card.
    force : bool
        Replace a model that DVC tracks (a ``dvc.yaml`` stage's output, outside ``dvc repro``);
        without it that is an error (:func:`stancekit.model.tracked.refuse_tracked`).

    Returns
    -------
    ModelCard
        The card written beside the model. ``training_data.files`` are the ``data`` files;
        ``corpus_files`` and ``weight`` are recorded when the corpus was added, ``label_map``
        when one was given.
    """
    from stancekit import labels
    from stancekit.data.corpus import to_dataset
    from stancekit.model.pipeline import fit_pipeline
    from stancekit.model.tracked import refuse_tracked

    paths = [Path(data)] if isinstance(data, str | Path) else [Path(p) for p in data]
    if not paths:
        raise DataError("no training data: give at least one labelled file.")
    given = weight is not None
    weight = labels.USER_LABEL_WEIGHT if weight is None else weight
    if not weight > 0:
        raise DataError(f"--weight must be above 0, got {weight}.")
    label_map = dict(label_map or {})
    rows = _read_data(paths, columns or Columns(), label_map)
    rows = _in_language(rows, language)
    if not force:
        refuse_tracked(model_dir)
    extra, extra_files = corpus_rows(rows, paths, corpus, with_corpus)
    rows = rows + extra
    weights = row_weights(rows, weight)
    if weights is None and given and weight != 1:
        import warnings

        from stancekit.errors import StancekitWarning

        warnings.warn(
            f"--weight {weight:g} has no effect: the rows are all yours or all the corpus's, "
            "so every row weighs the same.",
            StancekitWarning,
            stacklevel=2,
        )
    dataset = to_dataset(rows)
    names = dataset.features["label"].names
    labels = [names[i] for i in dataset["label"]]
    _warn_missing_labels(set(labels), params.labels, label_map)
    pipeline = fit_pipeline(dataset["text"], labels, params, dataset["doc_id"], weights)
    used = [label for label in labels if label in params.labels]
    doc_ids = {
        doc for doc, label in zip(dataset["doc_id"], labels, strict=True) if label in params.labels
    }
    training_data: dict = {
        "files": {str(path): sha256_file(path) for path in paths},
        "rows": len(used),
        "documents": len(doc_ids),
        "rows_per_label": dict(sorted(Counter(used).items())),
    }
    if extra:
        training_data["corpus_files"] = {str(path): sha256_file(path) for path in extra_files}
        training_data["corpus_rows"] = sum(row["label"] in params.labels for row in extra)
    if weights is not None:
        training_data["weight"] = float(weight)
        training_data["weighted_rows"] = sum(
            w != 1.0 and label in params.labels for w, label in zip(weights, labels, strict=True)
        )
    if label_map:
        training_data["label_map"] = label_map
    card = ModelCard(
        labels=[str(c) for c in pipeline.classes_],
        params=asdict(params),
        training_data=training_data,
        evaluation=None if evaluation is None else evaluation_link(evaluation, model_dir),
        language=language,
    )
    return save_model(pipeline, card, model_dir)
