"""The model card's schema: every missing, extra or mistyped key is named, in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_error_line, run_cli
from stancekit.errors import ModelLoadError
from stancekit.model.locate import CARD_FILE
from stancekit.model.persist import read_card
from stancekit.model.schema import check_keys


def _edit_card(model_dir: Path, change) -> None:
    card = json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    change(card)
    (model_dir / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c: c.update(libraries=None), "key 'libraries' should be"),
        (lambda c: c.update(training_data="x"), "key 'training_data' should be an object"),
        (lambda c: c.pop("labels"), "missing key 'labels'"),
        (lambda c: c.update(colour="blue"), "unexpected key 'colour'"),
        (lambda c: c.update(labels=[1, 2]), "key 'labels' should be a list of str"),
        (lambda c: c.update(model_sha256=0), "key 'model_sha256' should be a string"),
        (lambda c: c["training_data"].update(rows="24"), "key 'training_data.rows' should be"),
        (lambda c: c["training_data"].pop("files"), "missing key 'training_data.files'"),
        (lambda c: c["libraries"].update(numpy=2), "key 'libraries' should be"),
        (lambda c: c.update(evaluation=[]), "key 'evaluation' should be"),
    ],
)
def test_card_schema_violations_are_named(tiny_model: Path, change, named: str) -> None:
    _edit_card(tiny_model, change)
    with pytest.raises(ModelLoadError, match=named):
        read_card(tiny_model)
    for command in (["predict", "Sex work is work."], ["info"]):
        result = run_cli(*command, "--model", tiny_model)
        assert_one_error_line(result, named)
        assert "Traceback" not in result.output


def test_a_card_without_portable_hashes_is_still_read(tiny_model: Path) -> None:
    _edit_card(tiny_model, lambda c: c.pop("portable"))
    assert read_card(tiny_model).portable is None


def test_a_list_is_not_an_object() -> None:
    with pytest.raises(ModelLoadError, match="the file should be an object, not a list"):
        check_keys([], {}, "x.json")
    with pytest.raises(ModelLoadError, match="key 'n' should be an integer, not a boolean"):
        check_keys({"n": True}, {"n": ((int,), None)}, "x.json")
