"""`stancekit train` stopped while saving (issue 23): a real SIGTERM, a real full disk. The
previous model stays whole; no mix of new and old files, no staging folder left.

Each case runs the real command in a child process; a hook in the child makes the fault happen
at the worst moment, after the new ``model.joblib`` is written and before the portable files
are."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import tiny_rows, write_jsonl

HOOK = """
import os, resource, signal, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
import stancekit.portable_export as export

fault, filler = sys.argv[1], sys.argv[2]  # read before sys.argv becomes the command's
real = export.save_portable

def save_portable(*args, **kwargs):
    if fault == "sigterm":
        os.kill(os.getpid(), signal.SIGTERM)
    else:  # fill the (1 MB) disk; never more than 16 MB, whatever the path
        with open(filler, "ab") as handle:
            try:
                for _ in range(4096):
                    handle.write(b"x" * 4096)
                    handle.flush()
            except OSError:
                pass
    return real(*args, **kwargs)

export.save_portable = save_portable
from stancekit.cli import main
sys.argv = ["stancekit", *sys.argv[3:]]
main()
"""


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _params(folder: Path, c: float) -> Path:
    path = folder / f"params-{c}.yaml"
    path.write_text(
        f"train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  C: {c}\n"
        "  calibration: null\n",
        encoding="utf-8",
    )
    return path


def _train(fault: str, filler: Path, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", HOOK, fault, str(filler), "train", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("fault", ["sigterm", "full-disk"])
def test_a_fault_while_saving_leaves_the_previous_model_whole(
    tmp_path: Path, small_disk, fault: str
) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", tiny_rows())
    model = small_disk.root / "model"
    command = ["train", "--params", _params(tmp_path, 1.0), "--data", data]
    first = subprocess.run(
        [sys.executable, "-m", "stancekit", *command, "--without-corpus", "--model", model],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = _digests(model)
    filler = small_disk.root / "filler"
    result = _train(
        fault, filler, "--params", _params(tmp_path, 50.0), "--data", data,
        "--without-corpus", "--model", model,
    )  # fmt: skip
    assert result.returncode == (143 if fault == "sigterm" else 1), result.stderr
    assert "Traceback" not in result.stderr
    if fault == "full-disk":
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and "disk is full" in line
    assert _digests(model) == before  # the previous model, whole
    assert sorted(p.name for p in model.iterdir()) == sorted(before)  # no staging folder
    filler.unlink(missing_ok=True)
    again = subprocess.run(
        [sys.executable, "-m", "stancekit", "predict", "Sex work is work.", "--model", str(model)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
