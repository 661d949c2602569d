"""dvc.yaml against the code: every stage depends on the package it runs, and the prepare stage
on exactly the data files that params.yaml lists (DVC cannot template a list into deps)."""

from __future__ import annotations

import yaml

from conftest import REPO


def _stages() -> dict:
    return yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def test_every_stage_depends_on_the_package() -> None:
    stages = _stages()
    main = ["prepare", "train", "evaluate", "ship"]
    assert list(stages) == [*main, *(f"{name}_language" for name in main)]
    for name, stage in stages.items():
        stage = stage.get("do", stage)
        verb = name.removesuffix("_language")
        assert "src/stancekit" in stage["deps"], name
        assert stage["cmd"].split()[:2] == ["stancekit", "train" if verb == "ship" else verb]


def test_every_language_of_params_has_its_stages() -> None:
    """The foreach stages run exactly the languages params.yaml configures, each stage with that
    language's params group, and prepare on that language's corpus folder."""
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    for name, stage in _stages().items():
        if name.endswith("_language"):
            assert stage["foreach"] == list(params["languages"]), name
            assert "languages.${item}" in stage["do"]["params"], name
            assert "--language ${item}" in stage["do"]["cmd"], name
    prepare = _stages()["prepare_language"]["do"]
    for code, groups in params["languages"].items():
        data = [d.replace("${item}", code) for d in prepare["deps"] if d.startswith("data/")]
        assert data == groups["prepare"]["data"], code


def test_the_shipped_model_follows_its_evaluation() -> None:
    """evaluate scores models/heldout (trained on train.jsonl only); ship trains on every split
    after the evaluation and links its metrics."""
    stages = _stages()
    assert "data/prepared/test.jsonl" not in stages["train"]["deps"]
    assert "models/heldout" in stages["evaluate"]["deps"]
    assert "--model models/heldout" in stages["evaluate"]["cmd"]
    assert {"data/prepared/train.jsonl", "data/prepared/test.jsonl", "models/metrics.json"} <= set(
        stages["ship"]["deps"]
    )
    assert "--evaluation models/metrics.json" in stages["ship"]["cmd"]


def test_prepare_depends_on_the_data_files_params_lists() -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    data_deps = [d for d in _stages()["prepare"]["deps"] if d.startswith("data/")]
    assert data_deps == params["prepare"]["data"]


def test_byte_code_is_not_a_dependency() -> None:
    ignored = (REPO / ".dvcignore").read_text(encoding="utf-8").split()
    assert "__pycache__/" in ignored and "*.pyc" in ignored
