"""stancekit.cli.tune: `stancekit tune`."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli as run


def test_tune_prints_the_ranking_and_the_dvc_command(
    tmp_path: Path, tiny_params_file: Path
) -> None:
    prepared = tmp_path / "prepared"
    assert run("prepare", "--params", tiny_params_file, "--out", prepared).exit_code == 0
    result = run(
        "tune",
        "--params",
        tiny_params_file,
        "--data",
        prepared / "train.jsonl",
        "--out",
        tmp_path / "tune",
    )
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.split("\n\n")[0].splitlines()
    assert header.split() == ["rank", "macro-F1", "±", "std", "C", "ngram_range"]
    assert len(rows) == 4 and "{" not in result.stdout  # a plain table, no Python dicts
    assert sum("<- current" in row for row in rows) == 1
    assert "current settings" in result.stdout
    assert "[4/4]" in result.stderr and (tmp_path / "tune" / "results.csv").is_file()


def test_tune_prints_the_same_figures_during_and_after_the_run(
    tmp_path: Path, tiny_params_file: Path
) -> None:
    """Issue 22: progress showed one grouping's macro-F1, the table the mean over groupings."""
    import re

    prepared = tmp_path / "prepared"
    assert run("prepare", "--params", tiny_params_file, "--out", prepared).exit_code == 0
    result = run(
        "tune", "--params", tiny_params_file, "--data", prepared / "train.jsonl",
        "--out", tmp_path / "tune",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    during = {}
    for line in result.stderr.splitlines():
        found = re.match(r"\[\d+/\d+\] C=(\S+) ngram_range=(.+): macro-F1 (\S+) ± (\S+)", line)
        if found:
            during[(found[1], found[2])] = (found[3], found[4])
    _, *rows = result.stdout.split("\n\n")[0].splitlines()
    after = {(c[3], c[4]): (c[1], c[2]) for c in (row.split() for row in rows)}
    assert len(during) == 4 and during == after
