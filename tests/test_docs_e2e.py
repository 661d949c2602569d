"""The documentation site builds in strict mode (a broken link, reference or docstring fails it)
with its figures made by the code, offline, and nothing is written into the repository.

The examples on its pages run in tests/test_examples_e2e.py, with the README's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def _tracked_and_untracked() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_site_builds_strictly_with_real_figures(tmp_path: Path) -> None:
    if not shutil.which("chromium"):
        pytest.fail("the docs' screenshots need chromium: run `make test` (it installs it)")
    before = _tracked_and_untracked()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", STANCEKIT_DOCS_FIGURES=str(tmp_path / "figs"))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("STANCEKIT_MODEL", None)
    figures = subprocess.run(
        [sys.executable, REPO / "docs" / "figures.py", "--out", tmp_path / "figs"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert figures.returncode == 0, figures.stderr
    pngs = sorted(p.name for p in (tmp_path / "figs").glob("*.png"))
    assert pngs == ["annotate.png", "explain.png", "report.png", "trends.png"]
    assert all((tmp_path / "figs" / name).read_bytes()[:4] == b"\x89PNG" for name in pngs)

    site = tmp_path / "site"
    build = subprocess.run(
        [BIN / "mkdocs", "build", "--strict", "--config-file", REPO / "mkdocs.yml", "-d", site],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    for page in ("index", "getting-started", "guide/score", "guide/languages", "labelling-guide"):
        assert (site / f"{page}.html").is_file(), page
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    for command in ("predict", "trends", "annotate", "info", "models", "data check"):
        assert f"stancekit {command}" in cli, command
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert "StancePredictor" in api and "iter_predict" in api and "locate_model" in api
    evaluation = (site / "evaluation.html").read_text(encoding="utf-8")
    assert "metrics.json" in evaluation and "generated/report.png" in evaluation
    assert (site / "generated" / "annotate.png").is_file()
    card = (site / "data-card.html").read_text(encoding="utf-8")
    assert "Known gaps and biases" in card
    # offline: no page loads a script, style sheet, font or image from the network
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', text), html
    assert _tracked_and_untracked() == before  # nothing written into the repository
