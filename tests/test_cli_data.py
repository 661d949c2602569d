"""stancekit.cli.data: `stancekit data check` and `stancekit data stats`."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli as run


def test_data_check_passes_and_fails(tmp_path: Path, tiny_corpus: Path) -> None:
    result = run("data", "check", tiny_corpus)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("ok, 0 warning(s)")
    lines = tiny_corpus.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[0]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("data", "check", bad)
    assert result.exit_code == 1
    assert "error: " in result.stdout and "FAILED with" in result.stdout


def test_data_check_reads_params_by_default(tiny_params_file: Path) -> None:
    result = run("data", "check", "--params", tiny_params_file)
    assert result.exit_code == 0 and "24 paragraphs in 8 documents" in result.stdout


def test_data_stats_prints_and_writes_the_card(tmp_path: Path, tiny_corpus: Path) -> None:
    from stancekit.datacheck import STATS_BEGIN, STATS_END

    result = run("data", "stats", tiny_corpus)
    assert result.exit_code == 0 and "| **all** | **8** | **8** | **8** | **24** |" in result.stdout
    card = tmp_path / "README.md"
    card.write_text(f"# Card\n{STATS_BEGIN}\n{STATS_END}\n", encoding="utf-8")
    result = run("data", "stats", tiny_corpus, "--write-card", card)
    assert result.exit_code == 0 and result.stdout == ""
    assert (
        result.stdout
        + card.read_text(encoding="utf-8").split(STATS_BEGIN)[1].split(STATS_END)[0].lstrip("\n")
        == run("data", "stats", tiny_corpus).stdout
    )
    nocard = tmp_path / "plain.md"
    nocard.write_text("# no markers\n", encoding="utf-8")
    result = run("data", "stats", tiny_corpus, "--write-card", nocard)
    assert result.exit_code == 1 and "no '<!-- stats:begin" in result.stderr
    assert nocard.read_text(encoding="utf-8") == "# no markers\n"
