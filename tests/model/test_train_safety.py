"""`stancekit train` never replaces a model DVC tracks unless asked, reads params.yaml's paths
relative to that file, and says when the corpus is not included (issue 22)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, assert_one_error_line, mine_table, tiny_rows, write_jsonl
from conftest import run_cli as run
from stancekit.model.tracked import tracking_stage

LABELS = ("--text-column", "body", "--label-column", "stance",
          "--label-map", "pro=decriminalisation,anti=abolitionist")  # fmt: skip
PARAMS = (
    "prepare:\n  data: [data/corpus.jsonl]\n"
    "train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  calibration_folds: 4\n"
)
DVC_YAML = (
    "stages:\n  ship:\n    cmd: stancekit train --model models\n    outs:\n"
    "      - models/model.joblib\n      - models/model_card.json\n"
    "  train:\n    cmd: stancekit train --model models/heldout\n    outs:\n"
    "      - models/heldout\n"
)


@pytest.fixture
def project(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose models/ is the output of a DVC stage, the current folder."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "params.yaml").write_text(PARAMS, encoding="utf-8")
    (root / "dvc.yaml").write_text(DVC_YAML, encoding="utf-8")
    write_jsonl(root / "data" / "corpus.jsonl", tiny_rows())
    shutil.copytree(tiny_model, root / "models")
    mine_table(root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("DVC_STAGE", raising=False)
    return root


def test_tracking_stage(project: Path) -> None:
    assert tracking_stage(project / "models") == ("ship", project / "dvc.yaml")
    assert tracking_stage(project / "models" / "heldout") == ("train", project / "dvc.yaml")
    assert tracking_stage(project / "mine") is None


def test_train_without_m_never_replaces_the_tracked_model(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in (project / "models").iterdir() if p.is_file()}
    result = run("train", "--data", "mine.csv", *LABELS)
    assert_one_error_line(result, "models/ holds a model DVC tracks (stage 'ship' of ")
    assert "-m mine" in result.stderr and "--force" in result.stderr
    assert "dvc checkout --force ship" in result.stderr
    after = {p.name: p.read_bytes() for p in (project / "models").iterdir() if p.is_file()}
    assert after == before
    forced = run("train", "--data", "mine.csv", *LABELS, "--force")
    assert forced.exit_code == 0, forced.output
    assert (project / "models" / "model_card.json").read_bytes() != before["model_card.json"]
    monkeypatch.setenv("DVC_STAGE", "ship")  # dvc repro running the stage that writes it
    assert run("train", "--data", "mine.csv", *LABELS).exit_code == 0


def test_params_paths_resolve_relative_to_the_params_file(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run(
        "train", "--params", project / "params.yaml", "--data", project / "mine.csv", *LABELS,
        "-m", "m",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "and 24 from the corpus" in result.stdout


def test_outside_a_project_one_line_says_the_corpus_is_not_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(REPO / "examples" / "mine.csv", own / "mine.csv")  # 15 labelled paragraphs
    monkeypatch.chdir(own)
    result = run("train", "--data", "mine.csv", *LABELS, "-m", "m")
    assert result.exit_code == 0, result.output
    (note,) = result.stderr.strip().splitlines()
    assert note.startswith("note: no stancekit project here") and "corpus is not included" in note
    assert "--params PROJECT/params.yaml" in note
    quiet = run("train", "--data", "mine.csv", *LABELS, "-m", "m2", "--without-corpus")
    assert quiet.exit_code == 0 and not quiet.stderr.strip()
