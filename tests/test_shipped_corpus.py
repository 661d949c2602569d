"""The corpus shipped in data/: the targets of the data card hold, and it passes its own checks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import REPO
from stancekit.corpus import read_corpus
from stancekit.datacheck import STATS_BEGIN, STATS_END, check_corpus, corpus_stats, words
from stancekit.params import load_params

REALWORLD = REPO.parent / "shared" / "realworld-dev" / "paragraphs.jsonl"


@pytest.fixture(scope="module")
def files() -> list[str]:
    return [str(REPO / p) for p in load_params(REPO / "params.yaml").prepare.data]


@pytest.fixture(scope="module")
def rows(files: list[str]) -> list[dict]:
    return read_corpus(files)


def test_corpus_passes_data_check(files: list[str]) -> None:
    _, report = check_corpus(files)
    assert report.ok, report.errors[:5]


def test_size_and_label_targets(rows: list[dict]) -> None:
    """Corpus 2.0 (issue 9): >= 3,000 paragraphs in >= 450 documents, >= 1,000 of each stance,
    >= 800 neutral of which >= 150 boilerplate or off-topic page text."""
    labels = Counter(r["label"] for r in rows)
    assert len({r["doc_id"] for r in rows}) >= 450
    assert len(rows) >= 3000
    assert labels["decriminalisation"] >= 1000 and labels["abolitionist"] >= 1000
    assert labels["neutral"] >= 800
    assert sum(r["boilerplate"] for r in rows if r["label"] == "neutral") >= 150
    assert not any(r["boilerplate"] and r["label"] != "neutral" for r in rows)


def test_no_genre_above_a_fifth(rows: list[dict]) -> None:
    genres = Counter(r["genre"] for r in rows)
    assert len(genres) >= 12
    assert max(genres.values()) / len(rows) <= 0.20


def test_hard_cases_are_at_least_20_percent_of_each_stance(rows: list[dict]) -> None:
    for label in ("decriminalisation", "abolitionist"):
        stance = [r for r in rows if r["label"] == label]
        assert sum(r["hard"] for r in stance) / len(stance) >= 0.20, label


def test_every_authored_row_records_its_voice_place_year_and_genre(rows: list[dict]) -> None:
    for r in rows:
        if r["origin"] == "authored":
            assert r["genre"] and r["voice"] and r["country"] and r["year"], r["doc_id"]


def test_data_card_counts_are_current(files: list[str]) -> None:
    card = (REPO / "data" / "corpus" / "README.md").read_text(encoding="utf-8")
    block = card[card.index(STATS_BEGIN) + len(STATS_BEGIN) + 1 : card.index(STATS_END)]
    assert block == corpus_stats(files), (
        "run: stancekit data stats --write-card data/corpus/README.md"
    )


@pytest.mark.skipif(not REALWORLD.is_file(), reason="../shared/realworld-dev not present")
def test_no_eight_word_run_shared_with_the_realworld_dev_set(rows: list[dict]) -> None:
    def runs(text: str) -> set[tuple[str, ...]]:
        tokens = words(text)
        return {tuple(tokens[i : i + 8]) for i in range(len(tokens) - 7)}

    held_out: set[tuple[str, ...]] = set()
    for line in REALWORLD.read_text(encoding="utf-8").splitlines():
        held_out |= runs(json.loads(line)["text"])
    shared = {
        (r["doc_id"], " ".join(run))
        for r in rows
        if r["origin"] != "seed"
        for run in runs(r["text"]) & held_out
    }
    assert not shared, sorted(shared)[:10]
