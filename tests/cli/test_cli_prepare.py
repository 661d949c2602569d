"""stancekit.cli.prepare: `stancekit prepare`."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli as run


def test_unknown_label_in_data_fails_prepare(
    tmp_path: Path, tiny_params_file: Path, tiny_corpus: Path
) -> None:
    lines = tiny_corpus.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"neutral"', '"undecided"')
    tiny_corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("prepare", "--params", tiny_params_file, "--out", tmp_path / "p")
    assert result.exit_code == 1
    assert f"{tiny_corpus}:3: unknown label 'undecided'" in result.stderr
    assert not (tmp_path / "p").exists()
