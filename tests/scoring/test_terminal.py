from __future__ import annotations

import io

from stancekit.scoring.rows import ScoredParagraph
from stancekit.scoring.terminal import TableWriter, printable


def test_printable_shows_control_characters() -> None:
    assert printable("plain text") == "plain text"
    assert printable("\x1b]0;owned\x07title") == "\\x1b]0;owned\\x07title"
    assert printable("tab\tstays") == "tab\tstays"


def test_the_table_fits_its_width_and_escapes_text() -> None:
    out = io.StringIO()
    table = TableWriter(out, ("abolitionist", "decriminalisation", "neutral"), width=60)
    paragraph = ScoredParagraph(
        doc_id="d\x1b[2J",
        paragraph_index=0,
        text="Sex workers need rights, not raids, and " * 5,
        date=None,
        label="decriminalisation",
        probabilities={"abolitionist": 0.1, "decriminalisation": 0.8, "neutral": 0.1},
        margin=0.7,
        extra={},
    )
    table.paragraph(paragraph)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["para", "label", "p_abol"]
    assert "\x1b" not in out.getvalue() and "d\\x1b[2J" in lines[1]
    assert all(len(line) <= 60 for line in lines)


def test_probabilities_never_round_across_the_threshold_and_labels_are_whole() -> None:
    """Issue 22: `make run` showed 0.60 for an uncertain 0.598 and "1 unce"."""
    from stancekit.scoring.rows import DocumentSummary

    out = io.StringIO()
    table = TableWriter(out, ("abolitionist", "decriminalisation", "neutral"), width=120)
    means = {"abolitionist": 0.301, "decriminalisation": 0.598, "neutral": 0.101}
    table.paragraph(
        ScoredParagraph(
            doc_id="d", paragraph_index=0, text="Some text.", date=None, label="uncertain",
            probabilities=means, margin=0.297, extra={},
        )
    )  # fmt: skip
    table.document(
        DocumentSummary(
            doc_id="d", date=None, paragraphs=1, label="uncertain",
            label_shares={"uncertain": 1.0},
            mean_probabilities=means, extra={},
        )
    )  # fmt: skip
    text = out.getvalue()
    assert "0.598" in text and "0.60 " not in text
    assert "paragraphs: 1 uncertain" in text and "unce" not in text.replace("uncertain", "")
    assert "mean p: abolitionist 0.301, decriminalisation 0.598, neutral 0.101" in text
