"""stancekit.cli.train: `stancekit train`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_one_error_line, mine_table
from conftest import run_cli as run
from stancekit.labels import USER_LABEL_WEIGHT


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


def test_train_on_your_own_table_with_the_corpus(tmp_path: Path, tiny_params_file: Path) -> None:
    model = tmp_path / "mine-model"
    result = run(
        "train", "--params", tiny_params_file, "--data", mine_table(tmp_path),
        "--text-column", "body", "--label-column", "stance",
        "--label-map", "pro=decriminalisation,anti=abolitionist", "--weight", "2", "-m", model,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "trained on 27 paragraphs from 11 documents (abolitionist, decriminalisation, neutral): "
        f"3 of yours (weight 2) and 24 from the corpus -> {model}/\n"
    )
    card = json.loads((model / "model_card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["label_map"]["pro"] == "decriminalisation"


def test_an_unknown_label_is_one_error_line(tmp_path: Path, tiny_params_file: Path) -> None:
    result = run(
        "train", "--params", tiny_params_file, "--data", mine_table(tmp_path),
        "--text-column", "body", "--label-column", "stance",
    )  # fmt: skip
    assert_one_error_line(result, f"{tmp_path / 'mine.csv'}: row 1: unknown label 'PRO'")
    assert "--label-map" in result.stderr


def test_a_bad_label_map_is_one_error_line(tmp_path: Path, tiny_params_file: Path) -> None:
    result = run(
        "train", "--params", tiny_params_file, "--data", mine_table(tmp_path),
        "--label-map", "pro=yes",
    )  # fmt: skip
    assert_one_error_line(result, "--label-map: 'yes' (for 'pro') is not a stancekit label")


def test_with_corpus_on_a_prepared_split_is_refused(tmp_path: Path, tiny_params_file: Path) -> None:
    prepared = tmp_path / "prepared"
    assert run("prepare", "--params", tiny_params_file, "--out", prepared).exit_code == 0
    result = run(
        "train", "--params", tiny_params_file, "--data", prepared / "train.jsonl",
        "--with-corpus", "-m", tmp_path / "m",
    )  # fmt: skip
    assert_one_error_line(result, "would train on them twice")


def test_from_a_subfolder_the_projects_corpus_is_added(
    tmp_path: Path, tiny_corpus: Path, monkeypatch
) -> None:
    (tmp_path / "params.yaml").write_text(
        "prepare:\n  data: [corpus.jsonl]\n"
        "train:\n  min_df: 1\n  max_df: 1.0\n  ngram_range: [1, 1]\n  calibration_folds: 4\n",
        encoding="utf-8",
    )
    sub = tmp_path / "examples"
    sub.mkdir()
    mine_table(sub)
    monkeypatch.chdir(sub)
    result = run(
        "train", "--data", "mine.csv", "--text-column", "body", "--label-column", "stance",
        "--label-map", "pro=decriminalisation,anti=abolitionist", "-m", "m",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "trained on 27 paragraphs from 11 documents (abolitionist, decriminalisation, neutral): "
        f"3 of yours (weight {USER_LABEL_WEIGHT:g}) and 24 from the corpus -> m/\n"
    )


def test_outside_a_project_with_corpus_is_an_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    mine_table(tmp_path)
    result = run("train", "--data", "mine.csv", "--text-column", "body", "--with-corpus")
    assert_one_error_line(result, "--with-corpus: no params.yaml here or in a folder above")


def test_the_help_gives_the_shared_default_weight() -> None:
    result = run("train", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert f"[default: {USER_LABEL_WEIGHT:g}, chosen by simulation on the corpus" in text
