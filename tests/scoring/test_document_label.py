"""stancekit.scoring.aggregate.document_label: a document's label agrees with its paragraphs'
labels."""

from __future__ import annotations

import pytest

from stancekit.scoring.aggregate import document_label, summarise_paragraphs
from stancekit.scoring.rows import ScoredParagraph

A, D, N, U = "abolitionist", "decriminalisation", "neutral", "uncertain"
THREE = (A, D, N)
TWO = (A, D)


def paragraphs(*rows: tuple[str, dict[str, float]]) -> list[ScoredParagraph]:
    """Scored paragraphs of one document from ``(label, probabilities)`` pairs."""
    return [
        ScoredParagraph("doc", i, f"paragraph {i}", None, label, probabilities, 0.0, {})
        for i, (label, probabilities) in enumerate(rows)
    ]


def summary_label(labels: tuple[str, ...], *rows, abstains: bool = True) -> str:
    return summarise_paragraphs(paragraphs(*rows), labels, abstains).label


# Probabilities in which decriminalisation leads even where the paragraph was not given it, so
# that a rule reading mean probabilities instead of paragraph labels would answer differently.
LEANS_D = {A: 0.2, D: 0.45, N: 0.35}


def test_neutral_and_uncertain_paragraphs_make_a_neutral_document() -> None:
    assert document_label({N: 0.5, U: 0.5, A: 0.0, D: 0.0}, LEANS_D, THREE) == N
    assert summary_label(THREE, (N, LEANS_D), (U, LEANS_D), (U, LEANS_D)) == N


def test_all_uncertain_is_uncertain() -> None:
    assert document_label({A: 0.0, D: 0.0, N: 0.0, U: 1.0}, LEANS_D, THREE) == U
    assert summary_label(THREE, (U, LEANS_D), (U, LEANS_D)) == U
    # a binary model too
    binary = {A: 0.45, D: 0.55}
    assert summary_label(TWO, (U, binary), (U, binary)) == U


def test_more_paragraphs_win_over_higher_probabilities() -> None:
    means = {A: 0.6, D: 0.3, N: 0.1}  # abolitionist leads on average
    shares = {D: 2 / 3, A: 1 / 3, N: 0.0}
    assert document_label(shares, means, THREE) == D
    confident_a = {A: 0.99, D: 0.005, N: 0.005}
    weak_d = {A: 0.3, D: 0.5, N: 0.2}
    assert summary_label(THREE, (D, weak_d), (A, confident_a), (D, weak_d)) == D


def test_a_tie_goes_to_the_higher_mean_probability() -> None:
    shares = {D: 0.5, A: 0.5, N: 0.0}
    assert document_label(shares, {A: 0.55, D: 0.40, N: 0.05}, THREE) == A
    assert document_label(shares, {A: 0.40, D: 0.55, N: 0.05}, THREE) == D
    # the label order does not decide it
    assert document_label(shares, {A: 0.40, D: 0.55, N: 0.05}, (D, A, N)) == D
    strong_d = {A: 0.05, D: 0.9, N: 0.05}
    weak_a = {A: 0.5, D: 0.3, N: 0.2}
    assert summary_label(THREE, (A, weak_a), (D, strong_d)) == D
    assert summary_label(THREE, (D, strong_d), (A, weak_a)) == D


def test_one_stance_paragraph_among_neutral_ones_gives_the_document_that_stance() -> None:
    """The documented rule: the stance that more paragraphs carry, whatever the neutral share."""
    neutral = {A: 0.1, D: 0.1, N: 0.8}
    assert summary_label(THREE, (N, neutral), (N, neutral), (A, {A: 0.7, D: 0.1, N: 0.2})) == A


def test_absent_labels_count_as_zero() -> None:
    assert document_label({D: 1.0}, {A: 0.1, D: 0.9}, TWO) == D
    assert document_label({}, {A: 0.5, D: 0.5}, TWO) == U
    assert document_label({N: 1.0}, {A: 0.1, D: 0.1, N: 0.8}, THREE) == N


def test_summary_shares_and_means() -> None:
    summary = summarise_paragraphs(
        paragraphs(
            (D, {A: 0.1, D: 0.7, N: 0.2}),
            (U, {A: 0.3, D: 0.4, N: 0.3}),
            (N, {A: 0.2, D: 0.1, N: 0.7}),
            (D, {A: 0.0, D: 0.8, N: 0.2}),
        ),
        THREE,
        abstains=True,
    )
    assert summary.label == D and summary.paragraphs == 4 and summary.doc_id == "doc"
    assert summary.label_shares == {A: 0.0, D: 0.5, N: 0.25, U: 0.25}
    assert summary.mean_probabilities == pytest.approx({A: 0.15, D: 0.5, N: 0.35})
    without_threshold = summarise_paragraphs(
        paragraphs((D, {A: 0.1, D: 0.7, N: 0.2})), THREE, abstains=False
    )
    assert U not in without_threshold.label_shares
