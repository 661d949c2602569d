"""stancekit.io.folders (issue 12): an unreadable subfolder is named in a warning, an unreadable
folder is one error."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_one_error_line, run_cli
from stancekit.errors import InputError
from stancekit.scoring.read import iter_records


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make ``os.scandir`` refuse ``denied`` as a folder without read permission does (tests
    run as root here, whom permission bits do not stop)."""
    import os

    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fspath(path)).resolve() == denied.resolve():
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "locked").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("Sex work is work.", encoding="utf-8")
    (tmp_path / "docs" / "locked" / "b.txt").write_text("End demand.", encoding="utf-8")
    return tmp_path / "docs"


def test_an_unreadable_subfolder_is_named_in_a_warning(
    docs: Path, monkeypatch: pytest.MonkeyPatch, tiny_model: Path
) -> None:
    from stancekit.errors import StancekitWarning

    _deny(monkeypatch, docs / "locked")
    with pytest.warns(StancekitWarning, match=r"locked: cannot read this folder"):
        records = list(iter_records([str(docs)]))
    assert [r.text for r in records] == ["Sex work is work."]
    result = run_cli("predict", docs, "-m", tiny_model, "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "locked: cannot read this folder" in result.stderr


def test_an_unreadable_folder_is_one_error_line(
    docs: Path, monkeypatch: pytest.MonkeyPatch, tiny_model: Path
) -> None:
    _deny(monkeypatch, docs)
    with pytest.raises(InputError, match=r"docs: cannot read this folder \(Permission denied"):
        list(iter_records([str(docs)]))
    assert_one_error_line(run_cli("predict", docs, "-m", tiny_model), "cannot read this folder")


def test_a_folder_with_only_unreadable_subfolders_says_so(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (docs / "a.txt").unlink()
    _deny(monkeypatch, docs / "locked")
    with pytest.raises(InputError, match=r"no files match .* could not be read: .*locked"):
        list(iter_records([str(docs)]))


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
    reason="permission bits do not stop root",
)
def test_a_chmod_000_subfolder_is_named(docs: Path) -> None:
    from stancekit.errors import StancekitWarning

    (docs / "locked").chmod(0)
    try:
        with pytest.warns(StancekitWarning, match="locked"):
            list(iter_records([str(docs)]))
    finally:
        (docs / "locked").chmod(0o755)
