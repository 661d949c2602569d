"""stancekit.cli.info: `stancekit info`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli as run
from stancekit.model.persist import build_time


def test_info_before_evaluation(tiny_model: Path) -> None:
    result = run("info", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert build_time().startswith("1970-01-01")  # $SOURCE_DATE_EPOCH unset in the tests
    assert lines[0].startswith(f"model        {tiny_model}/ (no creation time recorded: ")
    assert "$SOURCE_DATE_EPOCH" in lines[0]
    assert lines[1] == "answered by  --model: named with --model (or a path argument)"
    assert lines[2].startswith("looked in    --model, $STANCEKIT_MODEL, the project's models/")
    assert lines[3] == "labels       abolitionist, decriminalisation, neutral"
    assert lines[4] == (
        "trained on   24 paragraphs, 8 documents (abolitionist 8, decriminalisation 8, neutral 8)"
    )
    assert lines[5].startswith("data         ") and "corpus.jsonl (sha256 " in lines[5]
    assert lines[-2].startswith("evaluation   none linked to this model")
    assert f"stancekit evaluate --model {tiny_model} --data " in lines[-2]
    assert lines[-1] == (
        "languages    en (a paragraph in any other language is labelled unsupported)"
    )


def test_info_lists_every_language_of_a_bundle(tiny_bundle: Path) -> None:
    result = run("info", "--model", tiny_bundle)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2] == (
        "languages    en, fr (a paragraph in any other language is labelled unsupported)"
    )
    assert lines[-1] == f"[fr]         {tiny_bundle / 'fr'}/: trained on 24 paragraphs, 8 documents"
    card = json.loads(run("info", "--model", tiny_bundle, "--json").stdout)
    assert card["language"] == "en" and card["languages"]["fr"]["language"] == "fr"


def test_info_json_and_the_environment(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANCEKIT_MODEL", str(tiny_model))
    card = json.loads(run("info", "--json").stdout)
    assert card["labels"] == ["abolitionist", "decriminalisation", "neutral"]
    assert card["metrics"] is None and card["evaluation"] is None
    assert card["training_data"]["rows_per_label"] == {
        "abolitionist": 8,
        "decriminalisation": 8,
        "neutral": 8,
    }


def test_info_says_how_your_labels_were_mixed_with_the_corpus(
    tmp_path: Path, tiny_corpus: Path
) -> None:
    from stancekit.data.labelled import Columns
    from stancekit.io.files import sha256_file
    from stancekit.model.train import train
    from stancekit.params import TrainParams

    mine = tmp_path / "mine.csv"
    mine.write_text("text,code\nZebra permits for night work.,pro\n", encoding="utf-8")
    model = tmp_path / "m"
    params = TrainParams(min_df=1, max_df=1.0, ngram_range=(1, 1), calibration_folds=4)
    train(
        params, mine, model, columns=Columns(label="code"),
        label_map={"pro": "decriminalisation"}, corpus=[tiny_corpus], weight=3,
    )  # fmt: skip
    lines = run("info", "--model", model).stdout.splitlines()
    assert lines[5] == f"data         {mine} (sha256 {sha256_file(mine)[:12]})"
    assert lines[6] == (
        f"+ corpus     {tiny_corpus} (sha256 {sha256_file(tiny_corpus)[:12]}): 24 paragraphs; "
        "the data's rows weigh 3"
    )
    assert lines[7] == "label map    pro=decriminalisation"


def test_info_shows_only_figures_the_card_links_by_hash(tiny_model: Path, tmp_path: Path) -> None:
    """Issue 22: a model with "evaluation": null printed the figures of whatever metrics.json sat
    in its folder."""
    from stancekit.io.files import sha256_file

    metrics = {"test": {"rows": 977, "macro_f1": 0.90256, "accuracy": 0.9}}
    (tiny_model / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    result = run("info", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "0.903" not in result.stdout and "held-out     " not in result.stdout
    assert "none linked to this model" in result.stdout
    assert json.loads(run("info", "--model", tiny_model, "--json").stdout)["metrics"] is None

    card_path = tiny_model / "model_card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["evaluation"] = {
        "metrics": "metrics.json",
        "sha256": sha256_file(tiny_model / "metrics.json"),
    }
    card_path.write_text(json.dumps(card), encoding="utf-8")
    linked = run("info", "--model", tiny_model).stdout
    assert "macro-F1 0.903" in linked and "as linked by the card" in linked

    (tiny_model / "metrics.json").write_text(json.dumps({"test": {"macro_f1": 0.5}}), "utf-8")
    changed = run("info", "--model", tiny_model).stdout
    assert "0.500" not in changed and "changed since this model was trained" in changed
