"""`evaluate --data` on too few documents makes no interval claim (issue 23)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, tiny_rows, write_jsonl


def test_one_document_gives_no_interval_and_no_claim(tiny_model: Path, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "one.jsonl", [r for r in tiny_rows() if r["doc_id"] == "doc-0"])
    out = tmp_path / "report"
    result = run_cli("evaluate", "--model", tiny_model, "--data", data, "--out", out)
    assert result.exit_code == 0, result.output
    assert "beyond the interval" not in result.stdout
    assert "no interval: 1 document(s)" in result.stdout
    assert "no claim: too few documents for an interval" in result.stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "No claim about the keyword lexicon" in html and "beyond the 95%" not in html


def test_enough_documents_keep_their_intervals(tiny_model: Path, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "all.jsonl", tiny_rows())
    result = run_cli("evaluate", "--model", tiny_model, "--data", data, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "(95% bootstrap over documents)" in result.stdout
    assert "the lexicon beyond the interval" in result.stdout
