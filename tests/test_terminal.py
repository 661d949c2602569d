from __future__ import annotations

import io

from stancekit.scoring import ScoredParagraph
from stancekit.terminal import TableWriter, printable


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
