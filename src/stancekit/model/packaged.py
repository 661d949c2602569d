"""Refresh the default model shipped inside the package from the pipeline's ``models/``.

``python -m stancekit.model.packaged [MODELS] [DEST]`` (``make run`` runs it after ``dvc repro``)
copies, for the main model and each language's subfolder (``models/fr/``, ...):
``model.json``, ``model.npz``, ``model_card.json`` and the ``metrics.json`` its card links.
Never ``model.joblib`` (a pickle) nor reports or plots. A file is written only when its bytes
differ, and files of a language no longer built are removed, so ``git status`` stays clean when
the model did not change. Each model's portable files are checked against its card's SHA-256
before anything is written: a half-built ``models/`` leaves the packaged copy as it was.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stancekit.errors import ModelLoadError, ModelNotFoundError, UsageError
from stancekit.io.files import sha256_file
from stancekit.model.locate import ARRAYS_FILE, CARD_FILE, METRICS_FILE, PORTABLE_FILE
from stancekit.model.persist import read_card

#: The files of one model that the package ships.
SHIPPED = (PORTABLE_FILE, ARRAYS_FILE, CARD_FILE, METRICS_FILE)


def _model_files(folder: Path) -> dict[str, bytes]:
    """The shipped files of the model in ``folder``, checked against its card."""
    card = read_card(folder)
    if not (folder / PORTABLE_FILE).is_file() or not card.portable:
        raise ModelNotFoundError(f"{folder}/ has no portable model: run `make run` first.")
    for name, digest in card.portable.items():
        if not (folder / name).is_file() or sha256_file(folder / name) != digest:
            raise ModelLoadError(
                f"{folder / name} does not match its card (a build in progress?): run `make run`."
            )
    names = [PORTABLE_FILE, *sorted(set(card.portable) - {PORTABLE_FILE}), CARD_FILE]
    linked = (card.evaluation or {}).get("metrics", METRICS_FILE)
    if (folder / linked).is_file():
        names.append(linked)
    return {name: (folder / name).read_bytes() for name in names}


def wanted_files(models: Path) -> dict[str, bytes]:
    """Relative path -> bytes of everything the packaged copy should hold."""
    from stancekit.model.bundle import language_folders

    files = dict(_model_files(models))
    for code, folder in language_folders(models).items():
        files.update({f"{code}/{name}": data for name, data in _model_files(folder).items()})
    return files


def refresh(models: str | Path, dest: str | Path) -> list[str]:
    """Make ``dest`` hold exactly the shipped files of ``models``; return what changed
    (``"+ path"`` written, ``"- path"`` removed), sorted."""
    models, dest = Path(models), Path(dest)
    strangers = [
        p
        for p in (dest.rglob("*") if dest.is_dir() else [])
        if p.is_file() and p.name not in SHIPPED
    ]
    if strangers:
        raise UsageError(
            f"{dest}/ holds {strangers[0].relative_to(dest)}, not a model file: give the "
            "packaged model's folder (nothing was written)."
        )
    wanted = wanted_files(models)
    changed = []
    for rel, data in sorted(wanted.items()):
        target = dest / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        changed.append(f"+ {rel}")
    if dest.is_dir():
        for path in sorted(dest.rglob("*")):
            rel = path.relative_to(dest).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
                changed.append(f"- {rel}")
        for path in sorted(dest.rglob("*"), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return sorted(changed, key=lambda line: line[2:])


def main(argv: list[str] | None = None) -> int:
    """``python -m stancekit.model.packaged [MODELS] [DEST]``: defaults ``models`` and the package's
    own ``default_model/``."""
    from stancekit.errors import StancekitError
    from stancekit.model.locate import PACKAGED_DIR

    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2 or any(a.startswith("-") for a in args):
        print("usage: python -m stancekit.model.packaged [MODELS] [DEST]", file=sys.stderr)
        return 2
    models = Path(args[0]) if args else Path("models")
    dest = Path(args[1]) if len(args) > 1 else PACKAGED_DIR
    try:
        changed = refresh(models, dest)
    except StancekitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    where = dest.as_posix()
    print(f"{where}: " + (", ".join(changed) if changed else "up to date"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
