"""End to end: the installed console script, and `dvc repro` in a temporary copy of the repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def env_with_venv() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["DVC_NO_ANALYTICS"] = "1"
    env.pop("STANCEKIT_MODEL", None)
    return env


def test_help_and_import_stay_light() -> None:
    """`stancekit --help` and `import stancekit` must not pull in scikit-learn or datasets."""
    code = (
        "import sys, stancekit, stancekit.cli\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'datasets', 'dvc'})\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    result = subprocess.run([BIN / "stancekit", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "predict" in result.stdout


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stancekit", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("stancekit ")


def tracked_copy(dest: Path) -> Path:
    """Copy what git tracks (what a fresh clone has) into ``dest``."""
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return dest


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_dvc_repro_from_a_clean_copy_reproduces_the_committed_metrics(tmp_path: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    repo = tracked_copy(tmp_path / "repo")
    env = env_with_venv()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    result = subprocess.run(
        [BIN / "dvc", "repro"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    metrics = [
        "models/metrics.json",
        *(f"models/{c}/metrics.json" for c in ("fr", "de", "es", "sv")),
    ]
    for name in metrics:  # English and every language's evaluation
        committed = json.loads((REPO / name).read_text(encoding="utf-8"))
        reproduced = json.loads((repo / name).read_text(encoding="utf-8"))
        assert reproduced == committed, name
    # Deterministic outputs (the model card included): the run leaves dvc.lock as it was, so a
    # fresh clone stays clean. (Fails too if the code changed since the last `dvc repro`.)
    assert (repo / "dvc.lock").read_text(encoding="utf-8") == (REPO / "dvc.lock").read_text(
        encoding="utf-8"
    ), "dvc repro changed dvc.lock: an output is not deterministic, or dvc.lock is stale"

    shown = subprocess.run(
        [BIN / "dvc", "metrics", "show", "--json"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0 and "macro_f1" in shown.stdout
    plots = subprocess.run(
        [BIN / "dvc", "plots", "show", "-o", "plots_out"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert plots.returncode == 0, plots.stderr
    assert (repo / "plots_out" / "index.html").is_file()
