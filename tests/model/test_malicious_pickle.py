"""A shared model folder whose pickle runs code: the payload never runs without --trust-pickle.

Each crafted ``models/`` holds a ``model.joblib`` whose ``__reduce__`` writes a marker file, and a
card that passes every check (its schema, the pickle's real SHA-256 or an empty hash). Commands
are run as a researcher would, from the folder holding ``models/``.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stancekit.io.files import sha256_file
from stancekit.model.persist import library_versions

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


class Payload:
    """Unpickling this writes ``marker``: it stands for any code a pickle can run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('payload ran')",))


def _craft(folder: Path, marker: Path, hashed: bool) -> Path:
    models = folder / "models"
    models.mkdir(parents=True)
    (models / "model.joblib").write_bytes(pickle.dumps(Payload(marker)))
    card = {
        "labels": ["abolitionist", "decriminalisation", "neutral"],
        "params": {},
        "training_data": {"files": {}, "rows": 3, "documents": 3, "rows_per_label": {}},
        "libraries": library_versions(),
        "created_at": "1970-01-01T00:00:00+00:00",
        "model_sha256": sha256_file(models / "model.joblib") if hashed else "",
        "evaluation": None,
    }
    (models / "model_card.json").write_text(json.dumps(card), encoding="utf-8")
    return models


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stancekit", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("hashed", [True, False], ids=["matching-hash", "empty-hash"])
def test_predict_never_runs_the_payload(tmp_path: Path, hashed: bool) -> None:
    marker = tmp_path / "marker"
    _craft(tmp_path, marker, hashed)
    (tmp_path / "params.yaml").write_bytes((REPO / "params.yaml").read_bytes())
    for args in (
        ["predict", "Sex work is work."],
        ["explain", "Sex work is work."],
        ["evaluate", "--data", "nothing.jsonl", "--model", "models"],
        ["info"],
    ):
        result = _run(tmp_path, *args)
        assert not marker.exists(), f"{args} ran the payload"
        if args[0] != "info":
            assert result.returncode == 1, result.stdout + result.stderr
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("error: ") and "--trust-pickle" in line, line
            assert "runs any code" in line
    assert "needs --trust-pickle" in _run(tmp_path, "info").stdout


def test_a_portable_header_cannot_smuggle_a_pickle(tmp_path: Path) -> None:
    """A model.json that claims a portable model, and a model.npz whose array is a pickle."""
    marker = tmp_path / "marker"
    models = _craft(tmp_path, marker, hashed=True)
    header = {
        "format": "stancekit-portable",
        "format_version": 1,
        "portable": True,
        "classes": ["abolitionist", "decriminalisation", "neutral"],
        "calibration": None,
        "vectorizer": {
            "analyzer": "word",
            "lowercase": True,
            "strip_accents": None,
            "token_pattern": r"(?u)\b\w\w+\b",
            "ngram_range": [1, 1],
            "stop_words": None,
            "binary": False,
            "sublinear_tf": False,
            "norm": "l2",
            "use_idf": False,
        },
        "terms": ["sex"],
    }
    (models / "model.json").write_text(json.dumps(header), encoding="utf-8")
    with open(models / "model.npz", "wb") as handle:
        np.savez(
            handle,
            idf=np.zeros(0),
            coef=np.array([Payload(marker)] * 3, dtype=object),
            intercept=np.zeros(3),
        )
    result = _run(tmp_path, "predict", "Sex work is work.")
    assert not marker.exists()
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "model.npz cannot be read" in line
