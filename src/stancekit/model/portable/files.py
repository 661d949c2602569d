"""The portable model files: ``model.json`` (settings, vocabulary, classes) and ``model.npz``
(arrays, read with ``allow_pickle=False``), checked against an explicit schema on load.

Loading them runs no code from the files: JSON and numpy's array format hold data only. A model
whose settings these files cannot express (a custom tokenizer or analyzer, another classifier)
gets a ``model.json`` that says it is *pipeline-only* and why; such a model can only be used
through its pickled scikit-learn pipeline, on explicit trust (``--trust-pickle``).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import IO, Any

from stancekit.errors import ModelLoadError, UntrustedModelError
from stancekit.io.files import FileRefused, atomic_write, open_regular, read_regular, sha256_file
from stancekit.model.locate import ARRAYS_FILE, PORTABLE_FILE
from stancekit.model.portable.scorer import (
    ACCENTS,
    ANALYZERS,
    CALIBRATIONS,
    MAX_NGRAM,
    NORMS,
    TOKEN_PATTERNS,
    PortableModel,
)
from stancekit.model.schema import Schema, check_keys, check_names

FORMAT = "stancekit-portable"
FORMAT_VERSION = 1
#: The largest ``model.json`` and ``model.npz`` read (the shipped model's are well under 10 MB):
#: with every array's shape checked against ``model.json`` before it is read, a model folder
#: from elsewhere cannot make a load use more memory than this, nor read without end.
JSON_LIMIT = 128 * 1024 * 1024
ARRAYS_LIMIT = 256 * 1024 * 1024

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
    "token_pattern": ((str,), TOKEN_PATTERNS),
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


def _read_arrays(handle: IO[bytes], header: dict[str, Any], where: str) -> dict[str, Any]:
    """The arrays of an open ``model.npz``. Each member's name, dtype, shape and size are
    checked against ``header`` from its zip entry and ``.npy`` header *before* its data are
    read: a small file that would inflate to gigabytes (a zip bomb), or a header declaring
    more values than the model has, is refused unread."""
    import numpy as np

    wanted = expected_arrays(header)
    arrays: dict[str, Any] = {}
    with zipfile.ZipFile(handle) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > ARRAYS_LIMIT:
            raise ModelLoadError(
                f"{where}: its arrays would take more than {ARRAYS_LIMIT:,} bytes."
            )
        for member in members:
            name = member.filename.removesuffix(".npy")
            if not member.filename.endswith(".npy"):
                raise ModelLoadError(f"{where}: unexpected member {member.filename!r}.")
            if name not in wanted or name in arrays:
                raise ModelLoadError(f"{where}: unexpected array {name!r}.")
            with archive.open(member) as stream:
                version = np.lib.format.read_magic(stream)
                read = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read(stream)
                kind, expected = wanted[name]
                if dtype.hasobject:
                    raise ModelLoadError(
                        f"{where} cannot be read (array {name!r} holds Python objects, which "
                        "only a pickle can load): retrain with `stancekit train`."
                    )
                if dtype.kind != kind or len(shape) != (len(expected) if expected else 1):
                    raise ModelLoadError(
                        f"{where}: array {name!r} has dtype {dtype}, {len(shape)}-D."
                    )
                if expected is not None and shape != expected:
                    raise ModelLoadError(
                        f"{where}: array {name!r} has shape {shape}, expected {expected}."
                    )
                size = dtype.itemsize * int(np.prod(shape, dtype=object))
                if size + stream.tell() != member.file_size:
                    raise ModelLoadError(
                        f"{where}: array {name!r} declares {size:,} bytes of data but its "
                        f"member holds {member.file_size - stream.tell():,}."
                    )
            with archive.open(member) as stream:  # checked: now read, size known
                arrays[name] = np.lib.format.read_array(stream, allow_pickle=False)
    _check_arrays(arrays, header, where)
    return arrays


def _check_arrays(arrays: dict[str, Any], header: dict[str, Any], where: str) -> None:
    import numpy as np

    wanted = expected_arrays(header)
    for name, (kind, _) in wanted.items():
        if name not in arrays:
            raise ModelLoadError(f"{where}: missing array {name!r}.")
        array = arrays[name]
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


def read_header(model_dir: str | Path) -> dict[str, Any]:
    """``model.json``, checked against the schema.

    Raises
    ------
    ModelLoadError
        The file is unreadable, not JSON, or breaks the schema (the message names the key).
    """
    return _parse_header(_read_json_bytes(Path(model_dir) / PORTABLE_FILE), Path(model_dir))


def _read_json_bytes(path: Path) -> bytes:
    try:
        return read_regular(path, JSON_LIMIT)
    except (OSError, FileRefused) as exc:
        reason = str(exc) if isinstance(exc, FileRefused) else type(exc).__name__
        raise ModelLoadError(
            f"{path} cannot be read ({reason}): retrain with `stancekit train`."
        ) from None


def _parse_header(raw: bytes, model_dir: Path) -> dict[str, Any]:
    path = model_dir / PORTABLE_FILE
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
        raise ModelLoadError(
            f"{path} cannot be read ({reason}): retrain with `stancekit train`."
        ) from None
    portable = header.get("portable") if isinstance(header, dict) else None
    schema = PORTABLE_SCHEMA if portable is not False else PIPELINE_ONLY_SCHEMA
    check_keys(header, schema, str(path))
    check_names(header["classes"], str(path), "classes")
    if header["portable"]:
        vectorizer = header["vectorizer"]
        check_keys(vectorizer, VECTORIZER_SCHEMA, str(path), "vectorizer.")
        check_names(header["terms"], str(path), "terms")
        ngrams = vectorizer["ngram_range"]
        if len(ngrams) != 2 or not 1 <= ngrams[0] <= ngrams[1] <= MAX_NGRAM:
            raise ModelLoadError(
                f"{path}: key 'vectorizer.ngram_range' is {ngrams}, not [low, high] with "
                f"1 <= low <= high <= {MAX_NGRAM}: retrain with `stancekit train`."
            )
    if len(header["classes"]) < 2:
        raise ModelLoadError(f"{path}: key 'classes' names fewer than two classes.")
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
    model_dir = Path(model_dir)
    hashes = hashes or {}
    raw = _read_json_bytes(model_dir / PORTABLE_FILE)
    _check_hash(
        hashlib.sha256(raw).hexdigest(), hashes.get(PORTABLE_FILE), model_dir / PORTABLE_FILE
    )
    header = _parse_header(raw, model_dir)
    if not header["portable"]:
        raise UntrustedModelError(
            f"{model_dir}/ can only be used through its pickled scikit-learn pipeline "
            f"({header['reason']}); loading a pickle runs any code it holds: if you trust where "
            "the model came from, pass --trust-pickle (StancePredictor.load(..., "
            "trust_pickle=True))."
        )
    path = model_dir / ARRAYS_FILE
    try:
        with open_regular(path, ARRAYS_LIMIT) as handle:
            if hashes.get(ARRAYS_FILE):
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
                _check_hash(digest, hashes[ARRAYS_FILE], path)
                handle.seek(0)
            arrays = _read_arrays(handle, header, str(path))
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, FileRefused) as exc:
        reason = str(exc) if isinstance(exc, FileRefused) else type(exc).__name__
        raise ModelLoadError(
            f"{path} cannot be read ({reason}): retrain with `stancekit train`."
        ) from None
    try:
        return PortableModel(
            header["classes"], header["vectorizer"], header["terms"], arrays, header["calibration"]
        )
    except (ValueError, KeyError, re.error) as exc:
        raise ModelLoadError(f"{model_dir / PORTABLE_FILE}: {exc}.") from None


def _check_hash(digest: str, expected: str | None, path: Path) -> None:
    if expected and digest != expected:
        raise ModelLoadError(
            f"{path} does not match the hash in its card (corrupt or replaced): "
            "retrain with `stancekit train`."
        )


def write_portable(header: dict[str, Any], arrays: dict[str, Any] | None, model_dir: Path) -> None:
    """Write ``model.json`` (and ``model.npz`` when ``arrays``) atomically; remove a stale
    ``model.npz`` when there are no arrays."""

    if arrays is not None:
        with atomic_write(model_dir / ARRAYS_FILE, "wb") as handle:
            _write_npz(handle, arrays)
    else:
        (model_dir / ARRAYS_FILE).unlink(missing_ok=True)
    with atomic_write(model_dir / PORTABLE_FILE) as handle:
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
        for name in (PORTABLE_FILE, ARRAYS_FILE)
        if (model_dir / name).is_file()
    }
