"""Agreement of two annotators: pairing, kappa, its interval, confusion, disagreements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancekit.data.agreement import agreement, describe
from stancekit.data.labelled import read_table
from stancekit.errors import DataError

A = ["decriminalisation"] * 3 + ["abolitionist"] * 3 + ["neutral"] * 4
B = ["decriminalisation"] * 2 + ["abolitionist"] * 4 + ["neutral"] * 3 + ["decriminalisation"]


def write(path: Path, labels: list[str], docs: bool = True, order: list[int] | None = None) -> Path:
    rows = []
    for i in order or range(len(labels)):
        row = {"text": f"Paragraph number {i} of the sample.", "label": labels[i]}
        if docs:
            row |= {"doc_id": f"doc-{i // 2}", "paragraph_index": i % 2}
        rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_kappa_observed_agreement_and_confusion(tmp_path: Path) -> None:
    a = read_table(write(tmp_path / "a.jsonl", A))
    b = read_table(write(tmp_path / "b.jsonl", B, order=list(reversed(range(10)))))
    result = agreement(a, b, resamples=200, seed=1)
    assert (result.paired, result.paired_by_position, result.paired_by_text) == (10, 10, 0)
    assert result.observed == pytest.approx(0.8)
    # p_o = 0.8, p_e = (3*3 + 3*4 + 4*3) / 100 = 0.33: kappa = 0.47 / 0.67
    assert result.kappa == pytest.approx(0.47 / 0.67)
    assert result.kappa_low < result.kappa < result.kappa_high <= 1.0
    assert result.confusion == [[2, 1, 0], [0, 3, 0], [1, 0, 3]]  # rows A, columns B
    assert [(p.doc_id, p.paragraph_index, p.a, p.b) for p in result.disagreements] == [
        ("doc-1", 0, "decriminalisation", "abolitionist"),
        ("doc-4", 1, "neutral", "decriminalisation"),
    ]
    again = agreement(a, b, resamples=200, seed=1)
    assert (again.kappa_low, again.kappa_high) == (result.kappa_low, result.kappa_high)


def test_rows_without_documents_pair_by_text(tmp_path: Path) -> None:
    a = read_table(write(tmp_path / "a.jsonl", A, docs=False))
    b = read_table(write(tmp_path / "b.jsonl", B[:6], docs=False))
    result = agreement(a, b, resamples=50)
    assert (result.paired, result.paired_by_text, result.only_a, result.only_b) == (6, 6, 4, 0)
    assert result.observed == pytest.approx(5 / 6)


def test_zero_overlap_is_one_clear_error(tmp_path: Path) -> None:
    a = read_table(write(tmp_path / "a.jsonl", A, docs=False))
    other = tmp_path / "b.jsonl"
    other.write_text('{"text": "Something else.", "label": "neutral"}\n', encoding="utf-8")
    with pytest.raises(DataError, match="share no paragraph") as excinfo:
        agreement(a, read_table(other))
    assert "\n" not in str(excinfo.value)


def test_a_paragraph_labelled_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    row = {"doc_id": "d", "paragraph_index": 0, "text": "One.", "label": "neutral"}
    path.write_text(json.dumps(row) + "\n" + json.dumps(row | {"text": "Two."}) + "\n", "utf-8")
    with pytest.raises(DataError, match="paragraph d#0 is labelled 2 times"):
        agreement(read_table(path), read_table(path))


def test_perfect_agreement_on_one_label_has_no_kappa(tmp_path: Path) -> None:
    a = read_table(write(tmp_path / "a.jsonl", ["neutral"] * 4))
    result = agreement(a, a, resamples=20)
    assert result.observed == 1.0 and result.kappa != result.kappa  # NaN: undefined
    assert result.as_dict()["kappa"] is None
    assert "Cohen's kappa: n/a" in describe(result)


def test_describe_lists_the_disagreements_shortened(tmp_path: Path) -> None:
    a = read_table(write(tmp_path / "a.jsonl", A))
    b = read_table(write(tmp_path / "b.jsonl", B))
    lines = describe(agreement(a, b, resamples=20), width=12).splitlines()
    assert lines[0] == (
        "paired 10 paragraphs (10 by document and paragraph index, 0 by text); "
        "only in A: 0, only in B: 0"
    )
    assert lines[1] == "observed agreement: 0.800"
    assert lines[-2:] == [
        "doc-1#0  A decriminalisation  B abolitionist  Paragraph n…",
        "doc-4#1  A neutral  B decriminalisation  Paragraph n…",
    ]
