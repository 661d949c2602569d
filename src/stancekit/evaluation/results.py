"""What an evaluation found: plain dataclasses, shared by the stage that measures
(:mod:`stancekit.evaluation.evaluate`), the metrics files
(:mod:`stancekit.evaluation.metrics_file`), the text summary
(:mod:`stancekit.evaluation.summary`) and the HTML report (:mod:`stancekit.evaluation.report`).

This module imports nothing from stancekit, so every consumer can import it without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Fewer test documents than this give no interval and no claim about the lexicon.
MIN_INTERVAL_DOCUMENTS = 5


@dataclass(frozen=True)
class FoldSummary:
    """Mean and standard deviation of each metric over the folds, and the per-fold values."""

    folds: int
    mean: dict[str, float | None]
    std: dict[str, float | None]
    per_fold: list[dict[str, Any]]

    def format(self, metric: str) -> str:
        mean, std = self.mean.get(metric), self.std.get(metric)
        return "n/a" if mean is None else f"{mean:.3f} ± {std:.3f}"


@dataclass(frozen=True)
class HeldOutResult:
    """A trained model scored on labelled rows it never saw.

    Attributes
    ----------
    labels : list of str
        The model's labels, in ``classes_`` order.
    data : str
        What the rows were (shown in the summary).
    test : dict
        :func:`stancekit.evaluation.metrics.classification_metrics` of the model.
    test_documents : int
        Documents (bootstrap groups) among the scored rows.
    intervals : dict
        95% bootstrap intervals (over documents): ``accuracy``, ``macro_f1`` and, when the
        model predicts both stances, ``stance_macro_f1``.
    stance : dict or None
        Decriminalisation-vs-abolitionist rows only, each predicted as the stance with the
        higher probability: ``{"model": metrics, "lexicon": metrics}``.
    hard : dict or None
        Accuracy on rows flagged ``hard``: ``{"rows", "model", "lexicon"}``.
    baselines : dict
        ``name -> metrics`` for ``majority`` and ``lexicon`` on the same rows.
    lexicon_gap : dict
        Model minus lexicon macro-F1: ``point``, ``low``, ``high`` (paired bootstrap over
        documents).
    masked : dict
        The model on texts with the side-revealing terms masked (metrics).
    uncalibrated : dict or None
        Metrics of the model's logistic regression before its calibration (``None`` when the
        model is not calibrated).
    reliability : dict
        ``"calibrated"`` (and ``"uncalibrated"``) -> confidence bins
        (:func:`stancekit.evaluation.metrics.reliability_bins`).
    coverage : list of dict
        Accuracy of the paragraphs answered at each threshold
        (:func:`stancekit.evaluation.metrics.coverage`).
    neutral : dict
        Binary models only: how many neutral paragraphs fall below the threshold.
    curves : dict
        ROC and precision-recall points of :func:`stancekit.evaluation.metrics.positive_label`.
    top_terms : dict
        Label -> the terms with the largest weights toward it.
    confident_errors : list of dict
        The most confident wrong predictions, with their text.
    unscored : dict
        Rows whose label the model does not predict, by label.
    predictions : list of (str, str)
        ``(actual, predicted)`` per scored row.
    breakdown : dict
        ``field -> value -> {"rows", "documents", "accuracy", "macro_f1"}`` for the rows' genre
        and region (fields the rows lack are left out); macro-F1 over the labels present.
    neutral_line : dict
        Neutral precision and recall, neutral given a side and stance called neutral, overall,
        by genre and by voice, and the confusion by register
        (:func:`stancekit.evaluation.boundary.neutral_line`).
    paragraph_only : dict or None
        Metrics of each paragraph scored alone, when the figures above include the document
        prior (:func:`stancekit.scoring.batch.document_prior`).
    unit : str
        What ``test_documents`` counts, plural: ``documents``, or the groups of a user's group
        column (``'org' groups``): the bootstrap's unit.
    """

    labels: list[str]
    data: str
    test: dict[str, Any]
    test_documents: int
    intervals: dict[str, tuple[float, float]]
    stance: dict[str, dict[str, Any]] | None
    hard: dict[str, Any] | None
    baselines: dict[str, dict[str, Any]]
    lexicon_gap: dict[str, float]
    masked: dict[str, Any]
    uncalibrated: dict[str, Any] | None
    reliability: dict[str, list[dict[str, float]]]
    coverage: list[dict[str, float]]
    neutral: dict[str, Any]
    curves: dict[str, list[dict[str, float]]]
    top_terms: dict[str, list[tuple[str, float]]]
    confident_errors: list[dict[str, Any]]
    unscored: dict[str, int]
    predictions: list[tuple[str, str]]
    breakdown: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    neutral_line: dict[str, Any] = field(default_factory=dict)
    paragraph_only: dict[str, Any] | None = None
    unit: str = "documents"

    @property
    def has_intervals(self) -> bool:
        """Whether there are enough documents (:data:`MIN_INTERVAL_DOCUMENTS`) for a bootstrap
        interval over documents to mean anything (one document gives zero width)."""
        return self.test_documents >= MIN_INTERVAL_DOCUMENTS

    @property
    def beats_lexicon(self) -> bool:
        """Whether the model's macro-F1 is above the lexicon's beyond the paired 95% interval
        (never with too few documents for an interval)."""
        return self.has_intervals and self.lexicon_gap["low"] > 0


@dataclass(frozen=True)
class CrossValidationResult:
    """Grouped cross-validation of the method over the whole corpus.

    Attributes
    ----------
    labels : list of str
        The labels learned.
    model : dict
        Grouping (``doc_id``, ``voice``, ``genre`` ...) -> :class:`FoldSummary` of the model.
    baselines : dict
        Baseline name -> grouping -> :class:`FoldSummary` on the same folds.
    masked : FoldSummary
        Document-grouped CV with the side-revealing terms masked in training and test texts.
    learning_curve : list of (float, FoldSummary)
        Share of training documents -> document-grouped CV summary.
    comparison : dict
        Setting name (``current`` first) -> grouping -> :class:`FoldSummary` (fitted without
        calibration).
    settings : dict
        Setting name -> the ``train`` values it changes (empty for ``current``).
    """

    labels: list[str]
    model: dict[str, FoldSummary]
    baselines: dict[str, dict[str, FoldSummary]]
    masked: FoldSummary
    learning_curve: list[tuple[float, FoldSummary]] = field(default_factory=list)
    comparison: dict[str, dict[str, FoldSummary]] = field(default_factory=dict)
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """A held-out evaluation and, for the pipeline stage, the cross-validation of the method.

    ``measured_on`` says in plain words what the scored rows are (the pipeline: the share of
    text written for the project); ``real_text`` is the headline of the real-text check
    (``make realworld``: ``path``, ``sha256``, ``rows``, ``documents``, ``macro_f1``,
    ``macro_f1_low``, ``macro_f1_high``, ``accuracy``, ``model_sha256``) when it has been run.
    """

    held_out: HeldOutResult
    cv: CrossValidationResult | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    measured_on: str = ""
    real_text: dict[str, Any] | None = None
