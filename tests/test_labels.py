"""stancekit.labels: the label names and their order, which the data, models and outputs share."""

from __future__ import annotations

from stancekit import labels
from stancekit.data.corpus import features


def test_labels_and_stances() -> None:
    assert labels.LABELS == ("decriminalisation", "abolitionist", "neutral")
    assert labels.LABELS[:2] == labels.STANCES
    assert labels.UNCERTAIN not in labels.LABELS


def test_class_label_order_follows_labels() -> None:
    assert features()["label"].names == list(labels.LABELS)


def test_the_labelling_guide_defines_every_label() -> None:
    from conftest import REPO

    guide = (REPO / "data" / "corpus" / "README.md").read_text(encoding="utf-8")
    for label in labels.LABELS:
        assert f"**{label}**" in guide or f"`{label}`" in guide, label
