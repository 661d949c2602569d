"""Render document scores as a readable table, JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from stancekit.predictor import DocumentScore

FORMATS = ("table", "jsonl", "csv")


def paragraph_records(documents: Iterable[DocumentScore]) -> Iterator[dict[str, Any]]:
    """One flat record per paragraph: ids, label, ``p_<label>`` for every label, text."""
    for doc in documents:
        for p in doc.paragraphs:
            record: dict[str, Any] = {
                "doc_id": p.doc_id,
                "paragraph_index": p.paragraph_index,
                "label": p.prediction.label,
            }
            record.update({f"p_{k}": round(v, 6) for k, v in p.prediction.probabilities.items()})
            record["text"] = p.text
            yield record


def document_records(documents: Iterable[DocumentScore]) -> Iterator[dict[str, Any]]:
    """One flat record per document: label, ``share_<label>`` and ``mean_p_<label>``."""
    for doc in documents:
        record: dict[str, Any] = {
            "doc_id": doc.doc_id,
            "date": doc.date,
            "paragraphs": len(doc.paragraphs),
            "label": doc.label,
        }
        record.update({f"share_{k}": round(v, 6) for k, v in doc.label_shares.items()})
        record.update({f"mean_p_{k}": round(v, 6) for k, v in doc.mean_probabilities.items()})
        yield record


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    writer = None
    for record in records:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(record), lineterminator="\n")
            writer.writeheader()
        writer.writerow(record)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(documents: list[DocumentScore], labels: tuple[str, ...], width: int = 60) -> str:
    """A readable table: one row per paragraph, then one summary line per document."""
    out = io.StringIO()
    heads = [label[:8] for label in labels]
    out.write(f"{'para':>4}  {'label':<18}" + "".join(f"{h:>10}" for h in heads) + "  text\n")
    for doc in documents:
        out.write(f"── {doc.doc_id}" + (f"  ({doc.date})" if doc.date else "") + "\n")
        for p in doc.paragraphs:
            probs = "".join(f"{p.prediction.probabilities[label]:>10.2f}" for label in labels)
            out.write(
                f"{p.paragraph_index:>4}  {p.prediction.label:<18}{probs}  {_clip(p.text, width)}\n"
            )
        shares = ", ".join(
            f"{round(share * len(doc.paragraphs))} {label}"
            for label, share in doc.label_shares.items()
        )
        means = ", ".join(f"{label} {doc.mean_probabilities[label]:.2f}" for label in labels)
        out.write(f"   => {doc.label}  (paragraphs: {shares}; mean p: {means})\n\n")
    return out.getvalue()


def render(
    documents: list[DocumentScore], labels: tuple[str, ...], fmt: str, aggregate: bool
) -> str:
    """The whole output of ``stancekit predict`` in ``fmt``."""
    if fmt == "table":
        return render_table(documents, labels)
    records = document_records(documents) if aggregate else paragraph_records(documents)
    out = io.StringIO()
    (write_jsonl if fmt == "jsonl" else write_csv)(records, out)
    return out.getvalue()
