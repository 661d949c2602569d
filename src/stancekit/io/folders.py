"""The files of a folder, saying what could not be read.

``Path.glob`` skips a folder it cannot list without a word; :func:`files_in` names each in a
:class:`~stancekit.errors.StancekitWarning` (the CLI prints one ``warning: ...`` line), and a
folder that cannot be read at all is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stancekit.errors import InputError, StancekitWarning


def _unreadable_folders(folder: Path, recursive: bool) -> list[tuple[str, OSError]]:
    """The folders below (and including) ``folder`` that cannot be listed, with why."""
    import os

    unreadable: list[tuple[str, OSError]] = []

    def note(exc: OSError) -> None:
        unreadable.append((str(exc.filename or folder), exc))

    if recursive:
        for _ in os.walk(folder, onerror=note):
            pass
    else:
        try:
            with os.scandir(folder):
                pass
        except OSError as exc:
            note(exc)
    return unreadable


def is_output(file: Path, outputs: Sequence[str | Path]) -> bool:
    """Whether ``file`` is one of ``outputs``, lies in one (an output folder), or is the
    temporary an atomic write of one makes beside it (``.<name>.*.tmp``)."""
    if not outputs:
        return False
    file = file.resolve()
    for output in map(Path, outputs):
        out = output.resolve()
        if file == out or file.is_relative_to(out):
            return True
        temporary = file.name.startswith(f".{out.name}.") and file.name.endswith(".tmp")
        if temporary and file.parent == out.parent:
            return True
    return False


def files_in(folder: Path, patterns: Sequence[str], skip: Sequence[str | Path] = ()) -> list[Path]:
    """The files below ``folder`` that match any of ``patterns`` (globs), sorted; the run's own
    outputs (``skip``, see :func:`is_output`) are left out, so a run never reads what it writes.

    A subfolder that cannot be read is named in a :class:`StancekitWarning`; its files are
    skipped.

    Raises
    ------
    InputError
        ``folder`` itself cannot be read, or no file matches.
    """
    import warnings

    unreadable = _unreadable_folders(folder, any("**" in g for g in patterns))
    for name, exc in unreadable:
        if Path(name) == folder:
            raise InputError(
                f"{folder}: cannot read this folder ({exc.strerror or exc}); check its permissions."
            )
    files = sorted(
        {p for g in patterns for p in folder.glob(g) if p.is_file() and not is_output(p, skip)}
    )
    if not files:
        skipped = (
            f" ({len(unreadable)} folder(s) could not be read: "
            f"{', '.join(name for name, _ in unreadable[:3])})"
            if unreadable
            else ""
        )
        raise InputError(f"{folder}: no files match {' or '.join(patterns)}{skipped}.")
    for name, exc in unreadable:
        warnings.warn(
            f"{name}: cannot read this folder ({exc.strerror or exc}); its files are skipped.",
            StancekitWarning,
            stacklevel=2,
        )
    return files
