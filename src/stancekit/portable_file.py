"""The portable model files: ``model.json`` (settings, vocabulary, classes) and ``model.npz``
(arrays, read with ``allow_pickle=False``), checked against an explicit schema on load.

Loading them runs no code from the files: JSON and numpy's array format hold data only. A model
whose settings these files cannot express (a custom tokenizer or analyzer, another classifier)
gets a ``model.json`` that says it is *pipeline-only* and why; such a model can only be used
through its pickled scikit-learn pipeline, on explicit trust (``--trust-pickle``).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from stancekit.errors import ModelLoadError, UntrustedModelError
from stancekit.files import atomic_write, sha256_file
from stancekit.portable import ACCENTS, ANALYZERS, CALIBRATIONS, NORMS, PortableModel
from stancekit.schema import Schema, check_keys

JSON_FILE = "model.json"
ARRAYS_FILE = "model.npz"
FORMAT = "stancekit-portable"
FORMAT_VERSION = 1

#: key -> (allowed types, allowed values or None). ``list[str]`` / ``list[int]`` are checked
#: item by item.
HEADER_SCHEMA: Schema = {
    "format": ((str,), (FORMAT,)),
    "format_version": ((int,), (FORMAT_VERSION,)),
    "portable": ((bool,), None),
    "classes": (("list[str]",), None),
}
PIPELINE_ONLY_SCHEMA = {**HEADER_SCHEMA, "reason": ((str,), None)}
PORTABLE_SCHEMA = {
    **HEADER_SCHEMA,
    "vectorizer": ((dict,), None),
    "terms": (("list[str]",), None),
    "calibration": ((str, None), CALIBRATIONS),
}
VECTORIZER_SCHEMA: Schema = {
    "analyzer": ((str,), ANALYZERS),
    "lowercase": ((bool,), None),
    "strip_accents": ((str, None), ACCENTS),
    "token_pattern": ((str,), None),
    "ngram_range": (("list[int]",), None),
    "stop_words": (("list[str]", None), None),
    "binary": ((bool,), None),
    "sublinear_tf": ((bool,), None),
    "norm": ((str, None), NORMS),
    "use_idf": ((bool,), None),
}


def expected_arrays(header: dict[str, Any]) -> dict[str, tuple[str, tuple[int, ...] | None]]:
    """The arrays ``model.npz`` must hold for ``header``: name -> (dtype kind, shape or None)."""
    n_terms, n_classes = len(header["terms"]), len(header["classes"])
    rows = 1 if n_classes == 2 else n_classes
    arrays: dict[str, tuple[str, tuple[int, ...] | None]] = {
        "idf": ("f", (n_terms,) if header["vectorizer"]["use_idf"] else (0,)),
        "coef": ("f", (rows, n_terms)),
        "intercept": ("f", (rows,)),
    }
    if header["calibration"] == "sigmoid":
        arrays.update({"calibration_a": ("f", (rows,)), "calibration_b": ("f", (rows,))})
    elif header["calibration"] == "isotonic":
        arrays.update(
            {
                "isotonic_x": ("f", None),
                "isotonic_y": ("f", None),
                "isotonic_offsets": ("i", (rows + 1,)),
            }
        )
    return arrays


def _check_arrays(arrays: dict[str, Any], header: dict[str, Any], where: str) -> None:
    import numpy as np

    wanted = expected_arrays(header)
    for name in arrays:
        if name not in wanted:
            raise ModelLoadError(f"{where}: unexpected array {name!r}.")
    for name, (kind, shape) in wanted.items():
        if name not in arrays:
            raise ModelLoadError(f"{where}: missing array {name!r}.")
        array = arrays[name]
        if array.dtype.kind != kind or array.ndim != (len(shape) if shape else 1):
            raise ModelLoadError(
                f"{where}: array {name!r} has dtype {array.dtype}, {array.ndim}-D."
            )
        if shape is not None and array.shape != shape:
            raise ModelLoadError(
                f"{where}: array {name!r} has shape {array.shape}, expected {shape}."
            )
        if kind == "f" and not np.isfinite(array).all():
            raise ModelLoadError(f"{where}: array {name!r} holds NaN or infinite values.")
    if header["calibration"] == "isotonic":
        offsets, size = arrays["isotonic_offsets"], len(arrays["isotonic_x"])
        if (
            len(arrays["isotonic_y"]) != size
            or offsets[0] != 0
            or offsets[-1] != size
            or (np.diff(offsets) < 1).any()
        ):
            raise ModelLoadError(f"{where}: arrays 'isotonic_*' do not fit together.")
    low, high = header["vectorizer"]["ngram_range"]
    if len(header["vectorizer"]["ngram_range"]) != 2 or not 1 <= low <= high:
        raise ModelLoadError(f"{where}: key 'vectorizer.ngram_range' is not [low, high].")


def read_header(model_dir: str | Path) -> dict[str, Any]:
    """``model.json``, checked against the schema.

    Raises
    ------
    ModelLoadError
        The file is unreadable, not JSON, or breaks the schema (the message names the key).
    """
    path = Path(model_dir) / JSON_FILE
    try:
        header = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(
            f"{path} cannot be read ({type(exc).__name__}): retrain with `stancekit train`."
        ) from None
    portable = header.get("portable") if isinstance(header, dict) else None
    schema = PORTABLE_SCHEMA if portable is not False else PIPELINE_ONLY_SCHEMA
    check_keys(header, schema, str(path))
    if header["portable"]:
        check_keys(header["vectorizer"], VECTORIZER_SCHEMA, str(path), "vectorizer.")
    return header


def load_portable(model_dir: str | Path, hashes: dict[str, str] | None = None) -> PortableModel:
    """Load the portable model of ``model_dir`` (no pickle: JSON and ``allow_pickle=False``).

    Parameters
    ----------
    model_dir : path
    hashes : dict, optional
        File name -> SHA-256 from the model card; each listed file must match.

    Raises
    ------
    UntrustedModelError
        The model is pipeline-only (its ``model.json`` says why).
    ModelLoadError
        A file is missing, does not match its hash, or breaks the schema.
    """
    import numpy as np

    model_dir = Path(model_dir)
    for name, digest in (hashes or {}).items():
        path = model_dir / name
        if digest and path.is_file() and sha256_file(path) != digest:
            raise ModelLoadError(
                f"{path} does not match the hash in its card (corrupt or replaced): "
                "retrain with `stancekit train`."
            )
    header = read_header(model_dir)
    if not header["portable"]:
        raise UntrustedModelError(
            f"{model_dir}/ can only be used through its pickled scikit-learn pipeline "
            f"({header['reason']}); loading a pickle runs any code it holds: if you trust where "
            "the model came from, pass --trust-pickle (StancePredictor.load(..., "
            "trust_pickle=True))."
        )
    path = model_dir / ARRAYS_FILE
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelLoadError(
            f"{path} cannot be read ({type(exc).__name__}): retrain with `stancekit train`."
        ) from None
    _check_arrays(arrays, header, str(path))
    try:
        return PortableModel(
            header["classes"], header["vectorizer"], header["terms"], arrays, header["calibration"]
        )
    except (ValueError, KeyError, re.error) as exc:
        raise ModelLoadError(f"{model_dir / JSON_FILE}: {exc}.") from None


def write_portable(header: dict[str, Any], arrays: dict[str, Any] | None, model_dir: Path) -> None:
    """Write ``model.json`` (and ``model.npz`` when ``arrays``) atomically; remove a stale
    ``model.npz`` when there are no arrays."""

    if arrays is not None:
        with atomic_write(model_dir / ARRAYS_FILE, "wb") as handle:
            _write_npz(handle, arrays)
    else:
        (model_dir / ARRAYS_FILE).unlink(missing_ok=True)
    with atomic_write(model_dir / JSON_FILE) as handle:
        json.dump(header, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")


def _write_npz(handle: Any, arrays: dict[str, Any]) -> None:
    """``np.savez``, byte for byte the same for the same arrays: numpy stamps each member with
    the current time, which would make every build's hash differ (``dvc repro`` must leave
    ``dvc.lock`` unchanged). Members are stored uncompressed with a fixed 1980-01-01 time."""
    import numpy as np

    with zipfile.ZipFile(handle, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def portable_hashes(model_dir: str | Path) -> dict[str, str]:
    """SHA-256 of each portable file present in ``model_dir``."""
    model_dir = Path(model_dir)
    return {
        name: sha256_file(model_dir / name)
        for name in (JSON_FILE, ARRAYS_FILE)
        if (model_dir / name).is_file()
    }
