"""stancekit.cli.info: `stancekit info`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli as run
from stancekit.persist import build_time


def test_info_before_evaluation(tiny_model: Path) -> None:
    result = run("info", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"model        {tiny_model}/ (created {build_time()})"
    assert lines[1] == "labels       abolitionist, decriminalisation, neutral"
    assert lines[2] == (
        "trained on   24 paragraphs, 8 documents (abolitionist 8, decriminalisation 8, neutral 8)"
    )
    assert lines[3].startswith("data         ") and "corpus.jsonl (sha256 " in lines[3]
    assert lines[-1] == "held-out     not evaluated yet: run `stancekit evaluate`"


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
