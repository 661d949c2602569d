"""Every `stancekit ...` example in README.md, examples/README.md, the documentation site's pages
(docs/**/*.md) and each command's --help runs as written, from a fresh copy of examples/ (exit
code 0).

The rule for which examples run:

* lines of ``sh`` code blocks (and of the ``Example:``/``Examples:`` part of ``--help``) that
  start with ``stancekit`` or pipe into it (``cat posts.txt | stancekit ...``), in order, in one
  temporary copy of ``examples/``, so a line can read what an earlier one wrote;
* the copy sits inside a small temporary project (``params.yaml``, a tiny corpus in
  ``data/corpus/``, its prepared split and ``models/heldout``), so the pipeline's commands
  (``prepare``, ``train``, ``tune``, ``data``, ``evaluate``) run there as they do inside the
  repository's ``examples/``, and nothing is written into the repository;
* the model that ``predict`` and friends read is the tiny test model with its French model
  (``$STANCEKIT_MODEL``), so the test does not need ``make run`` first (tests/test_wheel_e2e.py
  runs the packaged model);
* skipped: any line that names ``../shared`` (data outside the repository), lines with
  ``--scheduler`` (they need a running Dask cluster; tests/scoring/test_distributed.py starts
  one), and ``annotate``, a server that runs until it is stopped
  (tests/annotate/test_annotate_browser.py drives it);
* every line has 300 s: an example that waits for input fails instead of hanging the suite.
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
SERVERS = ("annotate",)
COMMANDS = (
    (),
    ("predict",),
    ("explain",),
    ("trends",),
    ("info",),
    ("models",),
    ("evaluate",),
    ("tune",),
    ("prepare",),
    ("train",),
    ("data",),
    ("data", "check"),
    ("data", "stats"),
)


def runs_here(line: str) -> bool:
    """Whether the rule above runs this example line."""
    command = line.split("|")[-1].strip()
    if not command.startswith("stancekit ") or "../shared" in line or "--scheduler" in line:
        return False
    words = command.split()
    return not (len(words) > 1 and words[1] in SERVERS)


def readme_examples(path: Path) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("stancekit ") or "| stancekit " in line]


def help_examples(command: tuple[str, ...]) -> list[str]:
    out = subprocess.run(
        [BIN / "stancekit", *command, "--help"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in out.splitlines():
        text = line.strip()
        text = text.removeprefix("Examples:").removeprefix("Example:").strip()
        if text.startswith("stancekit ") or "| stancekit " in text:
            found.append(text)
    return found


def test_the_rule_picks_what_it_says() -> None:
    assert runs_here("stancekit predict article.txt")
    assert runs_here("cat posts.txt | stancekit predict - --lines")
    assert runs_here("stancekit evaluate --data mine.csv --text-column body")
    assert runs_here("stancekit evaluate                  # the pipeline stage")
    assert runs_here("stancekit prepare && stancekit tune")
    assert not runs_here("stancekit evaluate --data ../shared/realworld-dev/paragraphs.jsonl")
    assert not runs_here("dvc exp run -S train.C=1")
    assert not runs_here("stancekit annotate texts/ --out data/labels/mine.jsonl")


def repository_files() -> set[str]:
    """What `git status` lists in the repository, ignored files included (byte-code caches
    and tool caches left out: running Python makes them)."""
    listed = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=REPO, capture_output=True, text=True
    ).stdout.splitlines()
    return {line for line in listed if "__pycache__" not in line and "_cache" not in line}


def small_project(root: Path) -> Path:
    """A project like the repository, tiny: params.yaml, data/corpus, the prepared split and
    models/heldout (what `dvc repro` would have made); returns its copy of examples/."""
    from conftest import tiny_rows, tiny_rows_fr, write_jsonl
    from stancekit.data.prepare import prepare
    from stancekit.model.train import train
    from stancekit.params import load_params

    root.mkdir()
    write_jsonl(root / "data" / "corpus" / "en" / "seeds.jsonl", tiny_rows())
    write_jsonl(root / "data" / "corpus" / "fr" / "seeds.jsonl", tiny_rows_fr())
    (root / "data" / "labels").mkdir()
    (root / "params.yaml").write_text(
        "prepare:\n  data:\n  - data/corpus/en\n  - data/labels\n  test_fraction: 0.25\n  seed: 0\n"
        "train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  C: 10.0\n"
        "  calibration_folds: 3\n"
        "evaluate:\n  cv_folds: 3\n  bootstrap_resamples: 100\n  learning_curve: [0.5, 1.0]\n"
        "  compare: {}\n"
        "tune:\n  grid:\n    C: [1.0, 10.0]\n  cv_folds: 3\n"
        "languages:\n  fr:\n    prepare:\n      data:\n      - data/corpus/fr\n"
        "      - data/labels\n",
        encoding="utf-8",
    )
    params = load_params(root / "params.yaml")
    data = tuple(str(root / p) for p in params.prepare.data)
    from dataclasses import replace

    prepare(replace(params.prepare, data=data), root / "data" / "prepared")
    train(
        params.train, root / "data" / "prepared" / "train.jsonl", root / "models" / "heldout",
        with_corpus=False,
    )  # fmt: skip
    french = params.for_language("fr")
    data = tuple(str(root / p) for p in french.prepare.data)
    prepare(replace(french.prepare, data=data), root / "data" / "prepared" / "fr")
    train(
        french.train, root / "data" / "prepared" / "fr" / "train.jsonl",
        root / "models" / "fr" / "heldout", with_corpus=False, language="fr",
    )  # fmt: skip
    shutil.copytree(REPO / "examples", root / "examples")
    return root / "examples"


def docs_examples() -> list[str]:
    """The examples of every page of the documentation site, page by page in name order."""
    pages = sorted((REPO / "docs").rglob("*.md"))
    assert pages, "docs/ has no pages"
    return [line for page in pages for line in readme_examples(page)]


def test_every_readme_docs_and_help_example_runs(tiny_bundle: Path, tmp_path: Path) -> None:
    before = repository_files()
    examples = small_project(tmp_path / "project")
    env = dict(os.environ, STANCEKIT_MODEL=str(tiny_bundle), COLUMNS="100")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    lines = readme_examples(REPO / "README.md") + readme_examples(REPO / "examples" / "README.md")
    lines += docs_examples()
    for command in COMMANDS:
        lines += help_examples(command)
    ran = [line for line in lines if runs_here(line)]
    assert len(ran) >= 30  # the README's, the site's and every scoring command's examples
    for line in ran:
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=examples,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        assert "Traceback" not in done.stderr
    written = {p.name for p in examples.rglob("*")} - {
        p.name for p in (REPO / "examples").rglob("*")
    }
    assert {"scores.jsonl", "why.html", "trends.png"} <= written
    for command in ("prepare", "evaluate  ", "tune", "data check", "data stats", "train"):
        assert any(line.startswith(f"stancekit {command}") for line in ran), command
    assert repository_files() == before  # nothing written into the repository
