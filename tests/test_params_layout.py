"""params.yaml stays in the layout DVC writes, so `dvc exp run -S train.C=1` changes one line.

DVC applies ``-S`` overrides with :func:`dvc.utils.hydra.apply_overrides`, which round-trips the
file through ruamel.yaml and re-creates every list: flow lists (``[1, 2]``) come back as block
lists, and a comment line right after a list is dropped. So params.yaml uses block lists and puts
no comment line directly after a list (such comments sit inline on the next scalar instead).
If this test fails after an edit, rewrite the file in DVC's layout with a no-op override,
``from dvc.utils.hydra import apply_overrides; apply_overrides("params.yaml", ["train.seed=42"])``,
then put back any comment it dropped as an inline comment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO

pytest.importorskip("dvc")


def apply(path: Path, override: str) -> list[str]:
    from dvc.utils.hydra import apply_overrides

    apply_overrides(str(path), [override])
    return path.read_text(encoding="utf-8").splitlines()


def test_dvc_exp_run_set_param_changes_one_line(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    shutil.copy(REPO / "params.yaml", params)
    original = params.read_text(encoding="utf-8").splitlines()
    current = yaml.safe_load("\n".join(original))["train"]["seed"]
    assert apply(params, f"train.seed={current}") == original  # DVC's layout already
    changed = apply(params, "train.C=1")
    assert len(changed) == len(original)
    assert [(a, b) for a, b in zip(original, changed, strict=True) if a != b] == [
        (line, "  C: 1") for line in original if line.startswith("  C: ")
    ]
