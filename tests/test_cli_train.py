"""stancekit.cli.train: `stancekit train`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_one_error_line
from conftest import run_cli as run


def test_train_saves_the_model_and_its_card(tmp_path: Path, tiny_params_file: Path) -> None:
    prepared, model = tmp_path / "prepared", tmp_path / "model"
    assert run("prepare", "--params", tiny_params_file, "--out", prepared).exit_code == 0
    result = run(
        "train", "--params", tiny_params_file, "--data", prepared / "train.jsonl", "-m", model
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"trained on 18 paragraphs from 6 documents (abolitionist, decriminalisation, neutral) "
        f"-> {model}/\n"
    )
    card = json.loads((model / "model_card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["rows"] == 18 and (model / "model.joblib").is_file()


def test_train_without_a_split_says_run_prepare(tmp_path: Path, tiny_params_file: Path) -> None:
    result = run("train", "--params", tiny_params_file, "--data", tmp_path / "train.jsonl")
    assert_one_error_line(result, "train.jsonl not found: run `stancekit prepare` first.")
