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
    from stancekit.data.datacheck import STATS_BEGIN, STATS_END

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


def _annotator(path: Path, labels: list[str]) -> Path:
    import json

    rows = [
        {
            "doc_id": f"report-{i // 2}",
            "paragraph_index": i % 2,
            "text": f"Paragraph {i} of a report on the law, long enough to be shortened here.",
            "label": label,
        }
        for i, label in enumerate(labels)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


A = ["decriminalisation"] * 3 + ["abolitionist"] * 3 + ["neutral"] * 4
B = ["decriminalisation"] * 2 + ["abolitionist"] * 4 + ["neutral"] * 3 + ["decriminalisation"]


def test_data_agreement_prints_kappa_confusion_and_disagreements(tmp_path: Path) -> None:
    a = _annotator(tmp_path / "ana.jsonl", A)
    b = _annotator(tmp_path / "ben.jsonl", B)
    result = run("data", "agreement", a, b, "--resamples", "200", "--seed", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "paired 10 paragraphs (10 by document and paragraph index, 0 by text); "
        "only in A: 0, only in B: 0",
        "observed agreement: 0.800",
    ]
    assert lines[2].startswith("Cohen's kappa: 0.701 (95% interval ")
    assert lines[2].endswith("; 200 bootstrap resamples of documents, seed 3)")
    assert lines[4:8] == [
        "confusion (rows: A, columns: B):",
        "                   decriminalisation       abolitionist            neutral",
        "decriminalisation                  2                  1                  0",
        "abolitionist                       0                  3                  0",
    ]
    assert lines[-3:] == [
        "disagreements: 2",
        "report-1#0  A decriminalisation  B abolitionist  "
        "Paragraph 2 of a report on the law, long enough to be short…",
        "report-4#1  A neutral  B decriminalisation  "
        "Paragraph 9 of a report on the law, long enough to be short…",
    ]


def test_data_agreement_json_and_label_map(tmp_path: Path) -> None:
    import json

    a = tmp_path / "a.csv"
    a.write_text("text,code\nOne paragraph.,pro\nAnother one.,other\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("text,code\nAnother one.,other\nOne paragraph.,anti\n", encoding="utf-8")
    result = run(
        "data", "agreement", a, b, "--label-column", "code", "--format", "json",
        "--label-map", "pro=decriminalisation,anti=abolitionist,other=neutral",
        "--resamples", "50",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["paired"], report["paired_by_text"], report["observed"]) == (2, 2, 0.5)
    assert report["disagreements"] == [
        {
            "doc_id": "a.csv:1",
            "paragraph_index": 0,
            "text": "One paragraph.",
            "a": "decriminalisation",
            "b": "abolitionist",
        }
    ]
    assert report["confusion"] == [[0, 1, 0], [0, 0, 0], [0, 0, 1]]


def test_data_agreement_without_overlap_is_one_error(tmp_path: Path) -> None:
    from conftest import assert_one_error_line

    a = _annotator(tmp_path / "ana.jsonl", A)
    b = tmp_path / "ben.csv"
    b.write_text("text,label\nSomething else entirely.,neutral\n", encoding="utf-8")
    result = run("data", "agreement", a, b)
    assert_one_error_line(result, f"{a} and {b} share no paragraph")


def test_data_check_accepts_annotated_samples(tmp_path: Path, tiny_corpus: Path) -> None:
    import json

    labels = tmp_path / "labels"
    labels.mkdir()
    row = {
        "doc_id": "user-report.txt",
        "paragraph_index": 12,
        "text": "Licensing would let colleagues share a flat and keep each other safe.",
        "label": "decriminalisation",
        "source": "user-report.txt",
        "origin": "annotated",
        "annotator": "ana",
        "picked_by": "random",
    }
    (labels / "ana.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = run("data", "check", tiny_corpus, labels)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "25 paragraphs in 9 documents (decriminalisation 9, abolitionist 8, neutral 8)",
        "ok, 0 warning(s)",
    ]


def test_pipeline_commands_use_the_projects_files_from_a_subfolder(
    tmp_path: Path, monkeypatch
) -> None:
    """Issue 22: `data check`, `data stats`, `prepare` ... failed inside examples/ ("params.yaml
    not found"); paths in params.yaml are relative to that file."""
    from conftest import tiny_rows, write_jsonl

    write_jsonl(tmp_path / "data" / "corpus" / "tiny.jsonl", tiny_rows())
    (tmp_path / "params.yaml").write_text(
        "prepare:\n  data: [data/corpus]\n  test_fraction: 0.25\n  seed: 0\n", encoding="utf-8"
    )
    (tmp_path / "examples").mkdir()
    monkeypatch.chdir(tmp_path / "examples")
    checked = run("data", "check")
    assert checked.exit_code == 0, checked.output
    prepared = run("prepare")
    assert prepared.exit_code == 0, prepared.output
    assert (tmp_path / "data" / "prepared" / "train.jsonl").is_file()
    assert not (tmp_path / "examples" / "data").exists()


def test_data_agreement_with_a_label_column_per_file(tmp_path: Path) -> None:
    """Issue 22: both files had to name their label column the same."""
    import json

    a = tmp_path / "a.csv"
    a.write_text("text,code\nOne paragraph.,neutral\nAnother one.,neutral\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("text,tag\nAnother one.,neutral\nOne paragraph.,neutral\n", encoding="utf-8")
    result = run(
        "data", "agreement", a, b, "--label-column", "code", "--label-column-b", "tag",
        "--format", "json", "--resamples", "50",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paired"] == 2
