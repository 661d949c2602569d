"""What a person reads on a terminal: the table of scored paragraphs that fits its width, and
text with control characters made visible (machine formats keep every text as it is)."""

from __future__ import annotations

from typing import IO

from stancekit.io.termtable import clip
from stancekit.scoring.aggregate import starts_document
from stancekit.scoring.rows import DocumentSummary, ScoredParagraph

#: Control characters (C0 but tab, DEL, C1) -> ``\xNN``: ANSI/OSC escape sequences in a text
#: must not reach a terminal (they can clear it, retitle it, or hide lines).
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0))}


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN``: safe to print to a terminal."""
    return text.translate(_CONTROLS) if not text.isprintable() else text


def _number(value: float) -> str:
    """A probability or margin, three decimals; "-" for none (a language it does not read)."""
    return "-" if value != value else f"{value:.3f}"


class TableWriter:
    """A readable table that fits ``width`` columns (default: the terminal's): paragraphs under
    a header per document, then the document's summary; with ``aggregate`` only the documents.

    Probability headers are short, unambiguous label prefixes (``p_abol p_decr p_neut``); long
    texts and ids are clipped with ``…`` (machine formats keep the full text).
    """

    def __init__(
        self,
        handle: IO[str],
        labels: tuple[str, ...],
        width: int | None = None,
        aggregate: bool = False,
    ) -> None:
        from stancekit.io.termtable import terminal_width
        from stancekit.labels import UNCERTAIN, short_names
        from stancekit.language import UNSUPPORTED

        self.handle, self.labels, self.aggregate = handle, labels, aggregate
        self.width = max(40, terminal_width() if width is None else width)
        self.short = short_names((*labels, UNCERTAIN))
        self.label_width = max(len(label) for label in (*labels, UNCERTAIN, UNSUPPORTED))
        heads = "".join(f"{'p_' + self.short[label]:>7}" for label in labels)
        head = f"{'para':>4}  {'label':<{self.label_width}}{heads}{'margin':>8}  "
        self.text_width = max(1, self.width - len(head))
        if not aggregate:
            handle.write(f"{head}text\n")

    def _line(self, text: str) -> None:
        self.handle.write(clip(text, self.width) + "\n")

    def paragraph(self, p: ScoredParagraph) -> None:
        if starts_document(p):
            self._line(f"── {printable(p.doc_id)}" + (f"  ({printable(p.date)})" if p.date else ""))
        if self.aggregate:
            return
        # Three decimals: 0.598 under --threshold 0.6 must not read 0.60.
        probs = "".join(f"{_number(p.probabilities[label]):>7}" for label in self.labels)
        index = "" if p.paragraph_index is None else p.paragraph_index
        self.handle.write(
            f"{index:>4}  {p.label:<{self.label_width}}{probs}{_number(p.margin):>8}  "
            f"{clip(printable(p.text), self.text_width)}\n"
        )
        if p.explanation:
            for label, terms in p.explanation.items():
                shown = ", ".join(f"{printable(t)} {v:+.2f}" for t, v in terms)
                self._line(f"{'':>6}toward {label}: {shown or '-'}")

    def document(self, d: DocumentSummary) -> None:
        shares = ", ".join(
            f"{round(share * d.paragraphs)} {label}" for label, share in d.label_shares.items()
        )
        means = ", ".join(
            f"{label} {_number(d.mean_probabilities[label])}" for label in self.labels
        )
        self._line(f"   => {d.label}" + (f" ({d.language})" if d.language else ""))
        self._line(f"      paragraphs: {shares}")
        self._line(f"      mean p: {means}")
        self.handle.write("\n")
