"""`make run` passes DVC's output through, but not its "Use `dvc push`" hint when no remote is
configured (issue 22), and keeps dvc's exit code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

FAKE_DVC = """#!/bin/sh
if [ "$1" = remote ]; then [ -n "$REMOTE" ] && echo "storage s3://bucket"; exit 0; fi
echo "Running stage 'train':"
echo "Use \\`dvc push\\` to send your updates to remote storage."
exit "${RC:-0}"
"""


@pytest.mark.skipif(not shutil.which("make") or not shutil.which("bash"), reason="needs make")
@pytest.mark.parametrize(("remote", "rc"), [("", 0), ("", 3), ("yes", 0)])
def test_make_run_drops_the_dvc_push_hint_without_a_remote(
    tmp_path: Path, remote: str, rc: int
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dvc").write_text(FAKE_DVC, encoding="utf-8")
    (bin_dir / "dvc").chmod(0o755)
    done = subprocess.run(
        ["make", "-s", "-f", str(REPO / "Makefile"), "--eval", "only-repro: ; $(REPRO)",
         "only-repro", f"BIN={bin_dir}"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "REMOTE": remote, "RC": str(rc)},
    )  # fmt: skip
    assert "Running stage 'train':" in done.stdout
    assert ("dvc push" in done.stdout) == bool(remote)
    assert (done.returncode != 0) == bool(rc)
