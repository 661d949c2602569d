"""Whether a folder holds outputs that DVC tracks, so that ``stancekit train`` never replaces the
pipeline's model unless asked (``--force``): a replaced ``models/`` shows as modified in
``dvc status`` and its files are in no cache to restore from."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from stancekit.errors import OutputError


def _outs(stage: dict[str, Any]) -> list[str]:
    names = []
    for key in ("outs", "metrics", "plots"):
        for entry in stage.get(key) or []:
            names += list(entry) if isinstance(entry, dict) else [str(entry)]
    return names


#: The files a model folder holds (``stancekit.model.persist.save_model`` writes them).
MODEL_FILES = ("model.joblib", "model.json", "model.npz", "model_card.json")


def tracking_stage(
    folder: str | Path, files: tuple[str, ...] = MODEL_FILES
) -> tuple[str, Path] | None:
    """What DVC tracks of a model written into ``folder``, as ``(target, file)``: the stage of
    the nearest ``dvc.yaml`` at or above it that outputs ``folder`` itself or one of ``files``
    in it, with that ``dvc.yaml``; or a ``<folder>.dvc`` file (``dvc add``), as its own path.
    ``target`` is what ``dvc checkout`` takes to restore it. ``None`` when nothing does (or the
    dvc.yaml cannot be read)."""
    import yaml

    folder = Path(folder).resolve()
    added = folder.with_name(folder.name + ".dvc")
    if added.is_file():
        return str(added), added
    written = {folder, *(folder / name for name in files)}
    for root in (folder, *folder.parents):
        pipeline = root / "dvc.yaml"
        if not pipeline.is_file():
            continue
        try:
            stages = (yaml.safe_load(pipeline.read_text(encoding="utf-8")) or {}).get("stages")
        except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
            return None
        for name, stage in (stages or {}).items():
            for out in _outs(stage) if isinstance(stage, dict) else []:
                path = (root / out).resolve()
                if path in written or path in folder.parents:
                    return str(name), pipeline
        return None
    return None


def refuse_tracked(model_dir: str | Path) -> None:
    """Refuse to write a model into a folder a DVC stage outputs, unless that stage is the one
    running (``dvc repro`` sets ``$DVC_STAGE``).

    Raises
    ------
    OutputError
        Naming the stage, how to train elsewhere (``-m``) and ``--force`` with its undo.
    """
    found = tracking_stage(model_dir)
    if found is None or os.environ.get("DVC_STAGE"):
        return
    target, where = found
    what = f"stage {target!r} of {where}" if where.name == "dvc.yaml" else str(where)
    raise OutputError(
        f"{model_dir}/ holds a model DVC tracks ({what}): training here would replace it; "
        "train into a folder of your own (-m mine), or pass --force to replace it (undo: "
        f"dvc checkout --force {target})."
    )
