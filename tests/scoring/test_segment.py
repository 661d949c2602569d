from __future__ import annotations

import json
import random

import pytest

from conftest import REPO
from stancekit.scoring.segment import normalise_space, segment_document, segment_paragraphs


def test_blank_lines_split_and_whitespace_is_normalised() -> None:
    text = "First  line\ncontinues.\n\n\n  Second\tparagraph. \n \nThird."
    assert segment_paragraphs(text) == ["First line continues.", "Second paragraph.", "Third."]


def test_leading_date_line_becomes_the_date_not_a_paragraph() -> None:
    doc = segment_document(" date 2016-10-10 The raid happened.\n\nMore.")
    assert doc.date == "2016-10-10"
    assert doc.paragraphs == ("The raid happened.", "More.")


def test_date_line_alone_on_its_line() -> None:
    doc = segment_document("date 2020-01-31\n\nBody.")
    assert doc.date == "2020-01-31"
    assert doc.paragraphs == ("Body.",)


def test_date_word_later_in_text_is_kept() -> None:
    doc = segment_document("The date 2016-10-10 was chosen.")
    assert doc.date is None
    assert doc.paragraphs == ("The date 2016-10-10 was chosen.",)


def test_empty_link_markers_keep_their_text() -> None:
    assert segment_paragraphs("Our [joint campaign](#) and [report]().") == [
        "Our joint campaign and report."
    ]


def test_boilerplate_is_kept_as_paragraphs() -> None:
    assert segment_paragraphs("Text.\n\nENDS\n\nNotes to editor") == [
        "Text.",
        "ENDS",
        "Notes to editor",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n \t\n"])
def test_empty_document_has_no_paragraphs(text: str) -> None:
    assert segment_paragraphs(text) == []


def test_windows_line_endings_and_bom() -> None:
    assert segment_paragraphs("\ufeffOne\r\n\r\nTwo") == ["One", "Two"]


def test_segmenting_the_seeds_reproduces_the_labelled_seed_paragraphs() -> None:
    rows = [
        json.loads(line)
        for line in (REPO / "data/corpus/en/seeds.jsonl").read_text("utf-8").splitlines()
    ]
    seed_files = sorted((REPO / "seeds").glob("*.txt"))
    assert [f.stem for f in seed_files] == sorted({row["doc_id"] for row in rows})
    for seed in seed_files:
        doc = segment_document(seed.read_text(encoding="utf-8"))
        labelled = sorted(
            (row for row in rows if row["doc_id"] == seed.stem),
            key=lambda row: row["paragraph_index"],
        )
        assert [row["text"] for row in labelled] == list(doc.paragraphs)
        assert [row["paragraph_index"] for row in labelled] == list(range(len(doc.paragraphs)))
        assert {row["date"] for row in labelled} == {doc.date}
        assert {row["origin"] for row in labelled} == {"seed"}


def test_seeds_are_byte_identical_to_the_shared_originals() -> None:
    shared = REPO.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds not present")
    for original in shared.iterdir():
        assert (REPO / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_normalise_space_equals_split_and_join_on_every_kind_of_white_space() -> None:
    rng = random.Random(0)
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()][:40]
    mixed = ["a", "b", "é", ".", " ", *spaces]
    mostly_plain = ["a", "b", ".", " ", " ", "a", "b", "\x1f", "\x0b"]  # the ASCII shortcut
    for alphabet in (mixed, mostly_plain):
        for _ in range(5000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            assert normalise_space(text) == " ".join(text.split()), repr(text)
    for ascii_space in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f":
        assert normalise_space(f"a{ascii_space}b") == "a b"
