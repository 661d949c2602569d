"""An untrusted model folder cannot hang a load or exhaust its memory.

Each case tampers with a trained model and, where the card hashes a file, writes the new hash
into the card (an attacker controls the whole folder). Cases that would hang or eat memory
before the fix run the real command in a child process with a timeout, and measure its peak
memory.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from stancekit.errors import StancekitError
from stancekit.model.locate import ARRAYS_FILE, CARD_FILE, METRICS_FILE, PORTABLE_FILE
from stancekit.model.portable.files import portable_hashes
from stancekit.scoring.predictor import StancePredictor

#: A token pattern with catastrophic backtracking, and a text that makes it run for ages.
EVIL_PATTERN = r"(?u)\b(\w+\s?)+$"
EVIL_TEXT = "a" * 35 + " " + "b" * 33 + "!"


def _header(model_dir: Path) -> dict:
    return json.loads((model_dir / PORTABLE_FILE).read_text(encoding="utf-8"))


def _card(model_dir: Path) -> dict:
    return json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))


def _rehash(model_dir: Path) -> None:
    """Write the portable files' hashes into the card, as an attacker would."""
    card = _card(model_dir)
    card["portable"] = portable_hashes(model_dir)
    (model_dir / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")


def _tamper(model_dir: Path, change) -> None:
    header = _header(model_dir)
    change(header)
    (model_dir / PORTABLE_FILE).write_text(json.dumps(header), encoding="utf-8")
    _rehash(model_dir)


def _run(model_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``stancekit ARGS --model MODEL_DIR`` in a child (killed after ``timeout`` seconds)."""
    return subprocess.run(
        [sys.executable, "-m", "stancekit", *args, "--model", str(model_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _link_metrics(model_dir: Path, sha256: str) -> None:
    """Link the folder's metrics.json from the card, as a model's own evaluation is linked
    (``info`` reads only a linked metrics file)."""
    card = _card(model_dir)
    card["evaluation"] = {"metrics": METRICS_FILE, "sha256": sha256}
    (model_dir / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")


def _one_error_line(result: subprocess.CompletedProcess, named: str) -> None:
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and named in line, line


def test_a_backtracking_token_pattern_is_refused_not_run(tiny_model: Path) -> None:
    _tamper(tiny_model, lambda h: h["vectorizer"].update(token_pattern=EVIL_PATTERN))
    result = _run(tiny_model, "predict", EVIL_TEXT, timeout=30)  # hung for ever before
    _one_error_line(result, "token_pattern")


def test_huge_ngram_ranges_are_refused(tiny_model: Path) -> None:
    _tamper(
        tiny_model,
        lambda h: h["vectorizer"].update(analyzer="char", ngram_range=[1, 100000]),
    )
    with pytest.raises(StancekitError, match="ngram_range"):
        StancePredictor.load(tiny_model)


def _bomb(model_dir: Path, gigabytes: float) -> None:
    """Replace ``coef`` in model.npz by a deflated array of zeros of ``gigabytes``."""
    with np.load(model_dir / ARRAYS_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    rows = arrays["coef"].shape[0]
    columns = int(gigabytes * 2**30 / 8 / rows)
    header = {"descr": "<f8", "fortran_order": False, "shape": (rows, columns)}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    head = buffer.getvalue()
    with zipfile.ZipFile(model_dir / ARRAYS_FILE, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            if name != "coef":
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, array)
        with archive.open("coef.npy", "w", force_zip64=True) as member:
            member.write(head)
            chunk = bytes(1 << 24)
            left = rows * columns * 8
            while left:
                member.write(chunk[: min(left, len(chunk))])
                left -= min(left, len(chunk))
    _rehash(model_dir)


def _peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def test_a_zip_bomb_in_model_npz_is_refused_before_it_is_inflated(tiny_model: Path) -> None:
    _bomb(tiny_model, 1.0)
    assert (tiny_model / ARRAYS_FILE).stat().st_size < 8 * 2**20  # small on disk
    # The child runs under a fresh parent that reports the peak memory of its own child only
    # (this process's RUSAGE_CHILDREN holds every earlier test's children too).
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
        "sys.exit(done.returncode)\n"
    )
    command = [sys.executable, "-m", "stancekit", "predict", "Sex work is work."]
    result = subprocess.run(
        [sys.executable, "-c", measure, *command, "--model", str(tiny_model)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "NO_COLOR": "1"},
    )
    _one_error_line(result, "model.npz")
    # Nothing was inflated: the child's peak memory stayed far below the bomb's gigabyte.
    assert float(result.stdout.strip()) < 600


@pytest.mark.parametrize(
    ("name", "command"),
    [
        (CARD_FILE, "predict"),
        (PORTABLE_FILE, "predict"),
        (ARRAYS_FILE, "predict"),
        (METRICS_FILE, "info"),
    ],
)
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_model_files_that_never_end_are_refused(
    tiny_model: Path, name: str, command: str, kind: str
) -> None:
    path = tiny_model / name
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    if name == METRICS_FILE:
        _link_metrics(tiny_model, "0" * 64)
    args = ("predict", "Sex work is work.") if command == "predict" else ("info",)
    result = _run(tiny_model, *args, timeout=30)  # hung, or read until memory ran out, before
    _one_error_line(result, name)
    assert "not a regular file" in result.stderr


def test_an_oversized_card_is_refused_unread(tiny_model: Path) -> None:
    with open(tiny_model / CARD_FILE, "ab") as handle:
        handle.truncate(64 * 2**20)  # sparse, 16 times the cap; kept under 100 MB (disk safety)
    result = _run(tiny_model, "info", timeout=30)
    _one_error_line(result, CARD_FILE)


def _write_npz(model_dir: Path, members: dict[str, bytes]) -> None:
    with np.load(model_dir / ARRAYS_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    with zipfile.ZipFile(model_dir / ARRAYS_FILE, "w") as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, array)
        for name, data in members.items():
            archive.writestr(name, data)
    _rehash(model_dir)


def _huge_header() -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    return buffer.getvalue()


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _write_json(model_dir: Path, text: str) -> None:
    (model_dir / PORTABLE_FILE).write_text(text, encoding="utf-8")
    _rehash(model_dir)


def _labels(model_dir: Path, labels: list[str]) -> None:
    header = _header(model_dir)
    header["classes"] = labels
    (model_dir / PORTABLE_FILE).write_text(json.dumps(header), encoding="utf-8")
    card = _card(model_dir)
    card["labels"] = labels
    card["portable"] = portable_hashes(model_dir)
    (model_dir / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (lambda m: _write_npz(m, {"notes.txt": b"hello"}), "unexpected member 'notes.txt'"),
        (lambda m: _write_npz(m, {"readme.npy": b"not numpy"}), "unexpected array 'readme'"),
        (
            lambda m: _tamper(m, lambda h: h.update(terms=[h["terms"][0]] * len(h["terms"]))),
            "repeats",
        ),
        (
            lambda m: _tamper(m, lambda h: h["terms"].__setitem__(1, h["terms"][0])),
            "repeats",
        ),
        (lambda m: _tamper(m, lambda h: h["vectorizer"].update(ngram_range=[1])), "ngram_range"),
        (
            lambda m: _tamper(m, lambda h: h["vectorizer"].update(ngram_range=[1, 2, 3])),
            "ngram_range",
        ),
        (lambda m: _labels(m, ["abolitionist", "abolitionist", "neutral"]), "repeats"),
        (
            lambda m: _labels(m, ["\x1b[31mabolitionist", "decriminalisation", "neutral"]),
            "not a printable name",
        ),
        (
            lambda m: _write_json(m, _nested(100_000)),
            "nested too deeply",
        ),
        (
            lambda m: (m / CARD_FILE).write_text(_nested(100_000), encoding="utf-8"),
            "nested too deeply",
        ),
    ],
)
def test_bad_model_files_raise_a_stancekit_error(tiny_model: Path, tamper, named: str) -> None:
    tamper(tiny_model)
    with pytest.raises(StancekitError, match=named):
        StancePredictor.load(tiny_model)


def test_a_header_declaring_a_trillion_values_is_refused_unread(tiny_model: Path) -> None:
    with np.load(tiny_model / ARRAYS_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    with zipfile.ZipFile(tiny_model / ARRAYS_FILE, "w") as archive:
        for name, array in arrays.items():
            if name == "idf":
                archive.writestr("idf.npy", _huge_header())
            else:
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, array)
    _rehash(tiny_model)
    with pytest.raises(StancekitError, match="'idf' has shape"):
        StancePredictor.load(tiny_model)


@pytest.mark.parametrize(
    ("metrics", "named"),
    [
        ({"test": {"macro_f1": "0.9"}}, "'test.macro_f1' should be a number"),
        ({"test": [1]}, "key 'test' should be an object"),
        ([1], "should be an object"),
    ],
)
def test_mistyped_metrics_give_one_line(tiny_model: Path, metrics, named: str) -> None:
    import hashlib

    (tiny_model / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    _link_metrics(tiny_model, hashlib.sha256((tiny_model / METRICS_FILE).read_bytes()).hexdigest())
    result = _run(tiny_model, "info")
    _one_error_line(result, named)
