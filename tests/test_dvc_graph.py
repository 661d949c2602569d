"""dvc.yaml against the code: every stage depends on the package it runs, and the prepare stage
on exactly the data files that params.yaml lists (DVC cannot template a list into deps)."""

from __future__ import annotations

import yaml

from conftest import REPO


def _stages() -> dict:
    return yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def test_every_stage_depends_on_the_package() -> None:
    for name, stage in _stages().items():
        assert "src/stancekit" in stage["deps"], name
        assert stage["cmd"] == f"stancekit {name}"


def test_prepare_depends_on_the_data_files_params_lists() -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    data_deps = [d for d in _stages()["prepare"]["deps"] if d.startswith("data/")]
    assert data_deps == params["prepare"]["data"]


def test_byte_code_is_not_a_dependency() -> None:
    ignored = (REPO / ".dvcignore").read_text(encoding="utf-8").split()
    assert "__pycache__/" in ignored and "*.pyc" in ignored
