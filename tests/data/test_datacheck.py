from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import tiny_rows, write_jsonl
from stancekit.data.corpus import validate_row
from stancekit.data.datacheck import (
    STATS_BEGIN,
    STATS_END,
    check_corpus,
    corpus_stats_markdown,
    recurring_runs,
    region_of,
    replace_stats_block,
    year_bucket,
)
from stancekit.errors import DataError


def check(tmp_path: Path, rows: list[dict]):
    return check_corpus([write_jsonl(tmp_path / "c.jsonl", rows)])[1]


def test_clean_corpus_passes(tmp_path: Path) -> None:
    report = check(tmp_path, tiny_rows())
    assert report.ok, report.errors
    assert report.labels == {"decriminalisation": 8, "abolitionist": 8, "neutral": 8}
    assert report.describe().endswith("ok, 0 warning(s)")


def test_every_bad_line_is_reported_not_just_the_first(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[1]["label"] = "pro"
    rows[5]["text"] = ""
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    _, report = check_corpus([path])
    assert len(report.errors) >= 3
    assert any(":2: unknown label 'pro'" in e for e in report.errors)
    assert any(":6: empty text" in e for e in report.errors)
    assert any(":25: not valid JSON" in e for e in report.errors)
    assert "FAILED with" in report.describe()


def test_exact_duplicate_ignoring_case_and_punctuation(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[3]["text"] = rows[0]["text"].upper().replace(",", ";")
    report = check(tmp_path, rows)
    assert any("doc-1#0 repeats doc-0#0 word for word" in e for e in report.errors)


def test_near_duplicate(tmp_path: Path) -> None:
    base = (
        "Police raids on massage parlours in the city centre left dozens of migrant women without "
        "income, without housing and without any trust in the officers sent to protect them."
    )
    rows = tiny_rows()
    rows[0]["text"] = base
    rows[3]["text"] = base.replace("dozens of", "many")
    report = check(tmp_path, rows)
    assert any("nearly repeats" in e for e in report.errors), report.errors


def test_short_boilerplate_may_recur(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[2]["text"] = rows[5]["text"] = "ENDS"
    assert check(tmp_path, rows).ok


def test_overlong_paragraph_and_bad_indexes(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[0]["text"] = "word " * 301
    rows[4]["paragraph_index"] = 7
    report = check(tmp_path, rows)
    assert any("301 words" in e for e in report.errors)
    assert any("doc-1: paragraph_index must run 0..2" in e for e in report.errors)


def test_document_split_across_files(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", tiny_rows()[:3])
    b = write_jsonl(tmp_path / "b.jsonl", tiny_rows()[:3])
    _, report = check_corpus([a, b])
    assert any("'doc-0' is also in" in e for e in report.errors)


def test_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    _, report = check_corpus([tmp_path / "absent.jsonl"])
    assert not report.ok and "no such file; check prepare.data" in report.errors[0]


def test_imbalance_and_genre_warnings(tmp_path: Path) -> None:
    rows = tiny_rows()
    for r in rows:
        r["genre"] = "news"
        if r["label"] == "abolitionist" and r["doc_id"] > "doc-3":
            r["label"] = "neutral"
    report = check(tmp_path, rows)
    assert report.ok
    assert any("stances are unbalanced" in w for w in report.warnings)
    assert any("genre 'news'" in w for w in report.warnings)


def test_recurring_runs_count_documents_not_occurrences() -> None:
    phrase = "one two three four five six seven eight"
    rows = [{"doc_id": f"d{i}", "text": f"{phrase} {i}", "paragraph_index": 0} for i in range(3)]
    rows.append({"doc_id": "d0", "text": phrase, "paragraph_index": 1})
    assert recurring_runs(rows) == [(phrase, 3)]
    assert recurring_runs(rows[:2]) == []


def test_stats_tables_and_card_block() -> None:
    rows = [
        validate_row(
            {
                **r,
                "genre": "faq",
                "country": "Sweden",
                "year": 2016,
                "hard": r["doc_id"] == "doc-0",
            },
            "test",
        )
        for r in tiny_rows()
    ]
    stats = corpus_stats_markdown(rows)
    assert "| faq | 8 | 8 | 8 | 24 | 3 |" in stats
    assert "| Nordic | 8 | 8 | 8 | 24 | 3 |" in stats
    assert "| 2015-2019 | 8 | 8 | 8 | 24 | 3 |" in stats
    card = f"# Card\n{STATS_BEGIN}\nold\n{STATS_END}\nafter\n"
    assert replace_stats_block(card, stats) == f"# Card\n{STATS_BEGIN}\n{stats}{STATS_END}\nafter\n"
    with pytest.raises(DataError, match="no"):
        replace_stats_block("# no markers", stats)


def test_regions_and_years() -> None:
    assert region_of("United Kingdom (Scotland)") == "UK & Ireland"
    assert region_of("Atlantis") == "Other" and region_of(None) == "unknown"
    assert year_bucket(1999) == "1999-2004" and year_bucket(2026) == "2020-2026"
    assert year_bucket(None) == "unknown"


def _annotated(indexes: list[int]) -> list[dict]:
    texts = [
        "Criminalising clients pushes workers into danger at night in the city.",
        "A licence for buyers would not change the harm done to women in brothels.",
        "The council meets again in spring to discuss the parking rules for vans.",
    ]
    return [
        {
            "doc_id": "user-report.txt",
            "paragraph_index": index,
            "text": texts[n % 3],
            "label": ("decriminalisation", "abolitionist", "neutral")[n % 3],
            "source": "user-report.txt",
            "origin": "annotated",
            "annotator": "ana",
            "picked_by": "uncertainty",
        }
        for n, index in enumerate(indexes)
    ]


def test_annotated_documents_may_be_partial(tmp_path: Path) -> None:
    report = check(tmp_path, tiny_rows() + _annotated([2, 7, 11]))
    assert report.ok, report.errors
    assert report.rows == 27 and report.documents == 9
    assert not any("user-report" in w or "paragraph_index" in w for w in report.warnings)


def test_annotated_documents_may_not_label_a_paragraph_twice(tmp_path: Path) -> None:
    report = check(tmp_path, tiny_rows() + _annotated([2, 7, 2]))
    assert report.errors == [
        "user-report.txt: paragraph_index 2 labelled more than once; keep one row per paragraph."
    ]


def test_other_documents_still_need_every_index(tmp_path: Path) -> None:
    rows = tiny_rows()
    rows[1]["paragraph_index"] = 5
    report = check(tmp_path, rows)
    assert report.errors == ["doc-0: paragraph_index must run 0..2 once each, got [0, 2, 5]."]
