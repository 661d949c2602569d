"""Save and load a trained model together with its card.

A model directory holds:

* ``model.json`` + ``model.npz``: the portable model, data only
(:mod:`stancekit.model.portable.files`):
  what ``predict``, ``explain``, ``info`` and ``evaluate`` load;
* ``model.joblib``: the fitted scikit-learn ``Pipeline``, a pickle: loading it runs whatever
  code it holds, so it is only loaded on explicit trust (``trust_pickle=True``);
* ``model_card.json``: labels in ``classes_`` order, parameters, the SHA-256 of the training
  data and of the model files, row counts, library versions, build time (deterministic);
* ``metrics.json`` (written by ``stancekit evaluate``): the held-out evaluation.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancekit.errors import (
    ModelLoadError,
    ModelNotFoundError,
    OutputError,
    ParamsError,
    UntrustedModelError,
)
from stancekit.io.files import FileRefused, atomic_write, read_regular, sha256_file
from stancekit.model.locate import (
    CARD_FILE,
    MODEL_ENV_VAR,
    MODEL_FILE,
    PORTABLE_FILE,
    resolve_model_dir,
)

if TYPE_CHECKING:
    from stancekit.model.portable.scorer import PortableModel

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
#: The largest card and metrics file read (a few kilobytes in practice): a model folder from
#: elsewhere cannot make a load read without end (a link to ``/dev/zero``) or hang (a FIFO).
JSON_LIMIT = 4 * 1024 * 1024


@dataclass
class ModelCard:
    """What a saved model is: enough to know what it predicts, how it was made, and on what.

    Attributes
    ----------
    labels : list of str
        The model's classes, in ``classes_`` order (the column order of ``predict_proba``).
    params : dict
        The training parameters (params.yaml ``train`` group).
    training_data : dict
        ``files`` (path -> SHA-256), ``rows``, ``documents`` and ``rows_per_label`` of the
        training data.
    libraries : dict
        Versions of Python, stancekit, scikit-learn, numpy and joblib at training time.
    created_at : str
        UTC time of the build, ISO 8601: ``$SOURCE_DATE_EPOCH`` if set, else the Unix epoch, so
        that the same data, parameters and code give a byte-identical card (reproducible-builds
        convention; see :func:`build_time`).
    model_sha256 : str
        SHA-256 of ``model.joblib``, checked on load.
    evaluation : dict or None
        The evaluation this model inherits (``metrics`` path and its ``sha256``): the shipped
        model is fitted on every labelled document after a model fitted on the training split
        was evaluated on the held-out split and the method was cross-validated.
    portable : dict or None
        SHA-256 of the portable files (``model.json``, ``model.npz``), checked on load; absent
        in cards written before the portable format.
    language : str
        The ISO 639-1 code of the language the model reads (``"en"`` in cards written before
        models per language).
    """

    labels: list[str]
    params: dict[str, Any]
    training_data: dict[str, Any]
    libraries: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    model_sha256: str = ""
    evaluation: dict[str, str] | None = None
    portable: dict[str, str] | None = None
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import joblib
    import numpy
    import sklearn

    from stancekit._version import __version__

    return {
        "python": platform.python_version(),
        "stancekit": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
    }


def build_time() -> str:
    """The card's ``created_at``: ``$SOURCE_DATE_EPOCH`` (seconds since the Unix epoch, the
    reproducible-builds convention) as UTC ISO 8601, else the epoch itself. Never the clock: a
    card that changed on every run would make ``dvc repro`` rewrite ``dvc.lock`` each time.

    Raises
    ------
    ParamsError
        ``$SOURCE_DATE_EPOCH`` is not a whole number of seconds.
    """
    raw = os.environ.get(SOURCE_DATE_EPOCH, "").strip() or "0"
    try:
        seconds = int(raw)
    except ValueError:
        raise ParamsError(
            f"${SOURCE_DATE_EPOCH}={raw!r} is not a whole number of seconds since 1970-01-01."
        ) from None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


#: The files of one saved model, swapped in together (the card last).
MODEL_FILES = (MODEL_FILE, PORTABLE_FILE, "model.npz", CARD_FILE)


def save_model(pipeline: Any, card: ModelCard, model_dir: str | Path) -> ModelCard:
    """Write ``model.joblib``, the portable files and ``model_card.json``; return the card with
    hashes.

    All of them are written (and fsynced) into a staging folder inside ``model_dir`` first, then
    renamed into place together with signals held back: a full disk or a signal while writing
    leaves the previous model whole (and no staging folder), never a mix of old and new files.
    Other files in ``model_dir`` (``metrics.json``, ``plots/``) are left as they are."""
    import joblib

    from stancekit.io.files import staging_folder, swap_in
    from stancekit.model.portable.export import save_portable

    model_dir = Path(model_dir)
    steps = getattr(pipeline, "named_steps", {})
    if "tfidf" in steps:  # a transform since fitting may have left process-specific state
        from stancekit.model.pipeline import drop_process_specific_state

        drop_process_specific_state(steps["tfidf"])
    for name in MODEL_FILES:
        if (model_dir / name).is_dir():
            raise OutputError(f"{model_dir / name}: is a folder; choose another --model.")
    with staging_folder(model_dir, ".model") as stage:
        with atomic_write(stage / MODEL_FILE, "wb") as handle:
            joblib.dump(pipeline, handle)
        card.model_sha256 = sha256_file(stage / MODEL_FILE)
        card.portable = save_portable(pipeline, stage)
        card.created_at = card.created_at or build_time()
        card.libraries = card.libraries or library_versions()
        with atomic_write(stage / CARD_FILE) as handle:
            json.dump(card.to_dict(), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        swap_in(stage, model_dir, MODEL_FILES)
    stage.rmdir()
    return card


def read_card(model_dir: str | Path) -> ModelCard:
    """Read ``model_card.json`` from a model directory, checked against the card's schema.

    Raises
    ------
    ModelNotFoundError
        If the directory has no model or no card.
    ModelLoadError
        If the card is not valid JSON, or has a missing, extra or mistyped key (named).
    """
    from stancekit.model.schema import check_card

    model_dir = Path(model_dir)
    if not (model_dir / MODEL_FILE).exists() and not (model_dir / PORTABLE_FILE).exists():
        raise ModelNotFoundError(
            f"no trained model in {model_dir}/: run `stancekit train` (or `make run`) first, "
            f"or point --model / ${MODEL_ENV_VAR} at a model directory."
        )
    card_path = model_dir / CARD_FILE
    try:
        raw = read_json(card_path)
    except FileNotFoundError:
        raise ModelNotFoundError(
            f"{card_path} is missing: retrain with `stancekit train`."
        ) from None
    check_card(raw, str(card_path))
    return ModelCard(**raw)


def read_json(path: Path, limit: int = JSON_LIMIT) -> Any:
    """A JSON file of a model folder: a regular file of at most ``limit`` bytes.

    Raises
    ------
    FileNotFoundError
        There is no such file.
    ModelLoadError
        Not a regular file (a FIFO, a device), too large, unreadable, not UTF-8 JSON, or
        nested too deeply.
    """
    try:
        return json.loads(read_regular(path, limit).decode("utf-8"))
    except FileNotFoundError:
        raise
    except FileRefused as exc:
        reason = str(exc)
    except OSError as exc:
        reason = str(exc.strerror or exc)
    except RecursionError:
        reason = "JSON nested too deeply"
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        reason = type(exc).__name__
    raise ModelLoadError(
        f"{path} cannot be read ({reason}): retrain with `stancekit train`."
    ) from None


def linked_metrics(model_dir: str | Path, card: ModelCard) -> tuple[dict[str, Any] | None, str]:
    """The evaluation figures that belong to this model, and a line saying where they come from.

    Figures are returned only when the card links them (``evaluation``: a ``metrics.json`` and
    its SHA-256) and the file still has that hash; a ``metrics.json`` that merely sits in the
    folder may measure another model and is never used (nor read). Otherwise the figures are
    ``None`` and the line says why and how to evaluate this model.

    Raises
    ------
    ModelLoadError
        The linked file is not a regular file (a FIFO, a device), too large, not JSON, or not
        numbers in sections (the message names the key): it is read as untrusted input.
    """
    import hashlib

    from stancekit.model.schema import check_metrics

    how = (
        f"evaluate this model on labelled paragraphs: stancekit evaluate --model {model_dir} "
        "--data LABELLED.csv --out reports/mine"
    )
    link = card.evaluation
    if not link:
        return None, f"none linked to this model (its card has no evaluation); {how}"
    shown = Path(link["metrics"])
    candidates = [shown] if shown.is_absolute() else [Path(model_dir) / shown, shown]
    path = next((c for c in candidates if c.exists() or c.is_symlink()), None)
    if path is None:
        return None, f"{shown} (linked by the card) not found; {how}"
    try:
        raw = read_regular(path, JSON_LIMIT)
    except FileRefused as exc:
        raise ModelLoadError(
            f"{path} cannot be read ({exc}): retrain with `stancekit train`."
        ) from None
    if hashlib.sha256(raw).hexdigest() != link.get("sha256"):
        return None, (
            f"{shown} changed since this model was trained (its sha256 is not the card's), "
            f"so its figures are not shown; {how}"
        )
    metrics = read_json(path)
    check_metrics(metrics, str(path))
    return metrics, (
        f"inherited from {shown} (sha256 {link['sha256'][:12]}, as linked by the card)"
    )


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_portable_model(path: str | Path | None = None) -> tuple[PortableModel, ModelCard]:
    """Load the portable model of a model directory and its card: data only, nothing unpickled,
    scikit-learn not imported.

    Raises
    ------
    ModelNotFoundError
        If there is no model there.
    UntrustedModelError
        If the model can only be loaded from its pickle (no portable files, or settings the
        format cannot hold): the message says why and names ``--trust-pickle``.
    ModelLoadError
        If a file does not match its card's hash or breaks the schema.
    """
    from stancekit.model.portable.files import load_portable

    model_dir = resolve_model_dir(path)
    card = read_card(model_dir)
    if not (model_dir / PORTABLE_FILE).exists():  # a FIFO or device is refused on reading
        raise UntrustedModelError(
            f"{model_dir}/ has no portable model ({PORTABLE_FILE}), only {MODEL_FILE}, a pickle "
            "that runs any code it holds when loaded: retrain with `stancekit train` to write "
            "the portable files, or, if you trust where the model came from, pass "
            "--trust-pickle (StancePredictor.load(..., trust_pickle=True))."
        )
    model = load_portable(model_dir, card.portable)
    if model.classes_ != list(card.labels):
        raise ModelLoadError(
            f"{model_dir / PORTABLE_FILE} does not match its card's labels: retrain with "
            "`stancekit train`."
        )
    return model, card


def load_model(
    path: str | Path | None = None, *, trust_pickle: bool = False
) -> tuple[Any, ModelCard]:
    """Load a fitted scikit-learn pipeline (``model.joblib``) and its card, checking integrity
    and compatibility. Unpickling runs any code the file holds: only with ``trust_pickle=True``,
    for files from a source you trust (:func:`load_portable_model` needs no trust).

    Parameters
    ----------
    path : path, optional
        A model directory or its ``model.joblib``; default
        :func:`~stancekit.model.locate.default_model_dir`.
    trust_pickle : bool
        Must be ``True``: the caller vouches for the file.

    Raises
    ------
    ModelNotFoundError
        If there is no model there.
    UntrustedModelError
        If ``trust_pickle`` is not set.
    ModelLoadError
        If the file does not match its card's hash, was saved with another scikit-learn
        major.minor version, or cannot be unpickled.
    """
    model_dir = resolve_model_dir(path)
    card = read_card(model_dir)
    model_path = model_dir / MODEL_FILE
    if not trust_pickle:
        raise UntrustedModelError(
            f"{model_path} is a pickle, which runs any code it holds when loaded: pass "
            "--trust-pickle (trust_pickle=True) only if you trust where it came from."
        )
    if not model_path.is_file():
        raise ModelNotFoundError(f"{model_path} not found: retrain with `stancekit train`.")
    import joblib
    import sklearn

    if card.model_sha256 and sha256_file(model_path) != card.model_sha256:
        raise ModelLoadError(
            f"{model_path} does not match the hash in its card (corrupt or replaced): "
            "retrain with `stancekit train`."
        )
    trained_with = card.libraries.get("scikit-learn", "")
    if trained_with and _major_minor(trained_with) != _major_minor(sklearn.__version__):
        raise ModelLoadError(
            f"{model_path} was trained with scikit-learn {trained_with} but {sklearn.__version__} "
            f"is installed: retrain with `stancekit train` or install scikit-learn=={trained_with}."
        )
    try:
        pipeline = joblib.load(model_path)
    except Exception as exc:  # unpickling can raise almost anything on a bad file
        raise ModelLoadError(
            f"{model_path} cannot be loaded ({type(exc).__name__}): retrain with `stancekit train`."
        ) from None
    classes = [str(c) for c in getattr(pipeline, "classes_", [])]
    if not hasattr(pipeline, "predict_proba") or classes != list(card.labels):
        raise ModelLoadError(
            f"{model_path} is not a stancekit model matching its card: retrain with "
            "`stancekit train`."
        )
    return pipeline, card
