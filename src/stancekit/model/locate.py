"""Which model answers when none is named, which models stancekit can see, and the names of a
model folder's files.

The order, first match wins:

1. ``--model`` (a command's option) or the ``path`` given to ``StancePredictor.load(path)``;
2. ``$STANCEKIT_MODEL``;
3. ``models/`` of the project the current folder is in: the nearest folder at or above it with
   ``dvc.yaml``, ``params.yaml`` or ``models/model_card.json`` (see
   :func:`stancekit.model.locate.find_project_root`), when that folder holds a model;
4. the default model installed with stancekit (``stancekit/default_model/`` in the package: the
   portable files of the pipeline's model, its card and its held-out figures).

A folder named by 1 or 2 is used as it is, even when it holds no model (the error then names it):
a typo never silently falls back to another model.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

#: The files of a model folder, and the variable that names one.
MODEL_FILE = "model.joblib"
PORTABLE_FILE = "model.json"
ARRAYS_FILE = "model.npz"
CARD_FILE = "model_card.json"
METRICS_FILE = "metrics.json"
DEFAULT_MODEL_DIR = Path("models")
MODEL_ENV_VAR = "STANCEKIT_MODEL"
#: The default model shipped inside the package (refreshed by ``python -m
#: stancekit.model.packaged``).
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "default_model"
OPTION, ENVIRONMENT, PROJECT, PACKAGED = "--model", f"${MODEL_ENV_VAR}", "project", "packaged"
#: What marks a stancekit project's root folder (as ``.git`` marks a git repository's).
PROJECT_MARKERS = ("dvc.yaml", "params.yaml", f"{DEFAULT_MODEL_DIR}/{CARD_FILE}")


def find_project_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current folder) that holds
    ``dvc.yaml``, ``params.yaml`` or ``models/model_card.json``; ``None`` if there is none."""
    folder = Path.cwd() if start is None else Path(start).resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_file() for marker in PROJECT_MARKERS):
            return candidate
    return None


@dataclass(frozen=True)
class ModelSource:
    """A model folder and why it was chosen.

    Attributes
    ----------
    folder : Path
        The model folder.
    origin : str
        ``"--model"``, ``"$STANCEKIT_MODEL"``, ``"project"`` or ``"packaged"``.
    reason : str
        One sentence: why this folder answered.
    """

    folder: Path
    origin: str
    reason: str


def has_model(folder: Path) -> bool:
    """Whether ``folder`` holds a model (portable files or a pickle)."""
    return (folder / PORTABLE_FILE).is_file() or (folder / MODEL_FILE).is_file()


def packaged_model_dir() -> Path | None:
    """The default model installed with stancekit, or ``None`` if this install has none."""
    return PACKAGED_DIR if (PACKAGED_DIR / PORTABLE_FILE).is_file() else None


def project_model_dir() -> Path:
    """``models/`` of the project the current folder is in (relative when the current folder
    is the project's root or has a model of its own), else ``models/`` here."""
    if has_model(DEFAULT_MODEL_DIR):
        return DEFAULT_MODEL_DIR
    root = find_project_root()
    if root is None or root == Path.cwd():
        return DEFAULT_MODEL_DIR
    return root / DEFAULT_MODEL_DIR


def explicit_dir(path: str | Path) -> Path:
    """The model folder of ``path``: a folder, or a model file in one."""
    path = Path(path)
    named = path.name in (MODEL_FILE, PORTABLE_FILE, CARD_FILE) or path.suffix == ".joblib"
    return path.parent if named else path


def locate_model(path: str | Path | None = None) -> ModelSource:
    """The model folder that answers for ``path`` (``None``: the fallback order above)."""
    if path is not None:
        return ModelSource(explicit_dir(path), OPTION, "named with --model (or a path argument)")
    env = os.environ.get(MODEL_ENV_VAR)
    if env:
        return ModelSource(Path(env), ENVIRONMENT, f"${MODEL_ENV_VAR} is set (no --model)")
    project = project_model_dir()
    if has_model(project):
        return ModelSource(
            project, PROJECT, f"no --model or ${MODEL_ENV_VAR}; the project's {DEFAULT_MODEL_DIR}/"
        )
    packaged = packaged_model_dir()
    if packaged is not None:
        return ModelSource(
            packaged,
            PACKAGED,
            f"no --model or ${MODEL_ENV_VAR}, and no model in {project}/: the default model "
            "installed with stancekit",
        )
    return ModelSource(
        project, PROJECT, f"no --model or ${MODEL_ENV_VAR}, and this install has no default model"
    )


def data_hash(card: Any) -> str:
    """A short fingerprint of a model's training data: SHA-256 over the sorted SHA-256 of its
    data files (their paths left out, so a copied model keeps its fingerprint), 12 digits."""
    data = card.training_data
    hashes = sorted({**(data.get("files") or {}), **(data.get("corpus_files") or {})}.values())
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:12]


def visible_models(path: str | Path | None = None) -> list[tuple[ModelSource, bool]]:
    """Every model folder stancekit can see, in the fallback order, each with whether it is the
    one that answers. Folders named by ``--model`` or ``$STANCEKIT_MODEL`` are listed even when
    they hold no model."""
    answering = locate_model(path)
    found = [answering]
    env = os.environ.get(MODEL_ENV_VAR)
    if env and path is not None:
        found.append(ModelSource(Path(env), ENVIRONMENT, f"${MODEL_ENV_VAR} is set"))
    project = project_model_dir()
    if has_model(project):
        found.append(ModelSource(project, PROJECT, f"the project's {DEFAULT_MODEL_DIR}/"))
    packaged = packaged_model_dir()
    if packaged is not None:
        found.append(ModelSource(packaged, PACKAGED, "installed with stancekit"))
    out: list[tuple[ModelSource, bool]] = []
    seen: set[Path] = set()
    for source in found:
        key = source.folder.resolve()
        if key not in seen:
            seen.add(key)
            out.append((source, source is answering))
    return out


def default_model_dir() -> Path:
    """The model folder that answers when none is named: ``$STANCEKIT_MODEL``, else ``models/``
    of the project the current folder is in (see :func:`find_project_root`) when it holds a
    model, else the default model installed with stancekit (the order and the reasons:
    :mod:`stancekit.model.locate`)."""
    return locate_model(None).folder


def resolve_model_dir(path: str | Path | None) -> Path:
    """The model directory for ``path``: a directory, a ``model.joblib`` in one, or the default
    (:func:`default_model_dir`)."""
    return locate_model(path).folder
