"""The two commands do the set-up: `make test` installs the browser the tests drive (or says in one
line what to run), `.ci/run` calls exactly `make test`, and `make run` refreshes the packaged
default model."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def _recipe(target: str) -> str:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{target}:.*?\n((?:\t.*\n|\n)*?)(?=\S|\Z)", makefile, flags=re.M)
    assert match, target
    return match.group(0)


def test_ci_calls_exactly_make_test() -> None:
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    skipped = ("#", "set ", "cd ")
    commands = [line for line in lines if line.strip() and not line.startswith(skipped)]
    assert commands == ["make test"]


def test_make_test_sets_up_the_browser_and_make_run_refreshes_the_packaged_model() -> None:
    assert re.match(r"test: .*\bbrowser\b", _recipe("test"))
    assert "apt-get install" in _recipe("browser") and "chromium-driver" in _recipe("browser")
    assert "-m stancekit.model.packaged models src/stancekit/default_model" in _recipe("run")
    assert "mkdocs build --strict" in _recipe("docs")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_without_chromium_or_apt_make_says_in_one_line_what_to_run(tmp_path) -> None:
    make = shutil.which("make")
    done = subprocess.run(
        [make, "-s", "-C", REPO, "browser"],
        env={"PATH": str(tmp_path)},  # no chromium, no apt-get
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    (line,) = done.stdout.strip().splitlines()
    assert line.startswith("make test: the browser tests need chromium")


def test_refreshing_the_packaged_model_does_not_rerun_the_pipeline() -> None:
    """Every stage depends on src/stancekit: the packaged copy inside it must be dvc-ignored, or
    `make run` would leave dvc.lock stale and the next `dvc repro` would run everything again."""
    dvc = Path(sys.executable).parent / "dvc"
    if not dvc.is_file():
        pytest.skip("needs dvc (the dev extra)")
    done = subprocess.run(
        [dvc, "check-ignore", "-q", "src/stancekit/default_model/model.json"],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, "src/stancekit/default_model/ is not in .dvcignore"
