"""Why a paragraph got its label: exact term contributions of the linear model.

For TF-IDF + logistic regression the decision function is a sum over terms: each term present
contributes ``tfidf(term) * coef(term)`` (per class), plus the intercept. Nothing is approximated:
the contributions of a text plus the intercept equal the logistic regression's
``decision_function`` for that text. A calibrated model maps those scores to its probabilities
with one increasing function per label, so the terms that push a score up push that label's
probability up too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stancekit.errors import InputError


@dataclass(frozen=True)
class Explanation:
    """Term contributions to one text's score for each label.

    Attributes
    ----------
    text : str
        The text explained.
    contributions : dict
        ``label -> {term: contribution}``: how much each term pushes the text toward that label
        (for a binary model the two labels' contributions are each other's negatives).
    intercepts : dict
        ``label -> intercept`` (same convention).
    """

    text: str
    contributions: dict[str, dict[str, float]]
    intercepts: dict[str, float]

    def score(self, label: str) -> float:
        """Intercept plus all contributions toward ``label`` (the decision function)."""
        return self.intercepts[label] + sum(self.contributions[label].values())

    def top(self, label: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` terms pushing hardest toward ``label`` (positive contributions only)."""
        terms = sorted(self.contributions[label].items(), key=lambda item: -item[1])
        return [(term, round(value, 6)) for term, value in terms[:k] if value > 0]


def _weights(pipeline: Any) -> tuple[list[str], Any, Any]:
    """Labels, per-label coefficient rows and intercepts (binary: both directions) of a
    pipeline or a :class:`~stancekit.model.portable.scorer.PortableModel`."""
    import numpy as np

    if hasattr(pipeline, "linear_weights"):
        labels, coef, intercept = pipeline.linear_weights()
    else:
        from stancekit.model.pipeline import linear_step

        classifier = linear_step(pipeline)
        labels = [str(c) for c in classifier.classes_]
        coef, intercept = classifier.coef_, classifier.intercept_
    if len(labels) == 2:
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
    return labels, coef, intercept


def _terms(pipeline: Any) -> Any:
    """The feature names, in column order."""
    if hasattr(pipeline, "linear_weights"):
        return pipeline.terms
    return pipeline.named_steps["tfidf"].get_feature_names_out()


def _text_analysis(pipeline: Any) -> tuple[Any, str, tuple[int, int]]:
    """Preprocessor, token pattern and n-gram range of a pipeline or portable model."""
    if hasattr(pipeline, "linear_weights"):
        return pipeline.preprocess, pipeline.token_pattern, pipeline.ngram_range
    vectorizer = pipeline.named_steps["tfidf"]
    return vectorizer.build_preprocessor(), vectorizer.token_pattern, vectorizer.ngram_range


def explain_texts(pipeline: Any, texts: Sequence[str]) -> list[Explanation]:
    """Exact per-term contributions for each text (see module docstring)."""
    if isinstance(texts, str):
        raise InputError("pass a list of texts, not a single string.")
    labels, coef, intercept = _weights(pipeline)
    terms = _terms(pipeline)
    if hasattr(pipeline, "linear_weights"):  # a PortableModel
        matrix = pipeline.transform(list(texts))
    else:
        matrix = pipeline.named_steps["tfidf"].transform(list(texts)).tocsr()
    out = []
    for row, text in enumerate(texts):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        columns, values = matrix.indices[start:end], matrix.data[start:end]
        out.append(
            Explanation(
                text=text,
                contributions={
                    label: {
                        str(terms[c]): float(v * coef[k, c])
                        for c, v in zip(columns, values, strict=True)
                    }
                    for k, label in enumerate(labels)
                },
                intercepts={label: float(intercept[k]) for k, label in enumerate(labels)},
            )
        )
    return out


def token_weights(pipeline: Any, explanation: Explanation, label: str) -> list[tuple[str, float]]:
    """Split ``explanation``'s contributions toward ``label`` over the text's characters.

    Returns ``(chunk, weight)`` pairs that concatenate back to the text: each token gets, for every
    n-gram it belongs to, that n-gram's contribution divided by its number of occurrences and by
    its length in tokens; the text between tokens gets 0. The weights add up to the sum of the
    contributions.
    """
    preprocess, token_pattern, (low, high) = _text_analysis(pipeline)
    pattern = re.compile(token_pattern)
    text = explanation.text
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    tokens = [preprocess(text[a:b]) for a, b in spans]
    occurrences: dict[str, list[int]] = {}
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            occurrences.setdefault(" ".join(tokens[i : i + n]), []).append(i)
    weight = [0.0] * len(tokens)
    contributions = explanation.contributions[label]
    for gram, starts in occurrences.items():
        if gram in contributions:
            n = gram.count(" ") + 1
            share = contributions[gram] / (len(starts) * n)
            for i in starts:
                for j in range(i, i + n):
                    weight[j] += share
    chunks, position = [], 0
    for (a, b), w in zip(spans, weight, strict=True):
        if a > position:
            chunks.append((text[position:a], 0.0))
        chunks.append((text[a:b], w))
        position = b
    if position < len(text):
        chunks.append((text[position:], 0.0))
    return chunks


TOWARD = "rgba(40,110,220,"
AWAY = "rgba(230,140,20,"


def render_explanation_html(
    pipeline: Any,
    explanations: Sequence[Explanation],
    labels: Sequence[str],
    k: int = 10,
    titles: Sequence[str] | None = None,
) -> str:
    """An HTML page: each text under its title (``titles``: which document and paragraph it is),
    its predicted label and probabilities, its words shaded by their contribution toward that
    predicted label (blue: toward it, orange: away from it; the annotate page's convention), and
    the top ``k`` terms per label, the predicted label's column first (its terms are the blue
    words)."""
    probabilities = pipeline.predict_proba([e.text for e in explanations])
    sections = []
    titles = titles if titles is not None else [f"text {i + 1}" for i in range(len(explanations))]
    for title, explanation, proba in zip(titles, explanations, probabilities, strict=True):
        guess = labels[max(range(len(labels)), key=lambda i: proba[i])]
        chunks = token_weights(pipeline, explanation, guess)
        scale = max((abs(w) for _, w in chunks), default=1.0) or 1.0
        body = "".join(
            html.escape(chunk)
            if w == 0
            else f'<span title="{w:+.3f} toward {html.escape(guess)}" style="background:'
            f'{TOWARD if w > 0 else AWAY}{abs(w) / scale * 0.7:.2f})">'
            f"{html.escape(chunk)}</span>"
            for chunk, w in chunks
        )
        probs = " · ".join(f"{label} {p:.2f}" for label, p in zip(labels, proba, strict=True))
        ordered = [guess, *(label for label in labels if label != guess)]
        tops = "".join(
            f"<td><b>toward {html.escape(label)}</b>"
            + (" (shaded)" if label == guess else "")
            + "<br>"
            + "<br>".join(f"{html.escape(t)} {v:+.3f}" for t, v in explanation.top(label, k))
            + "</td>"
            for label in ordered
        )
        sections.append(
            f"<section><h2>{html.escape(title)}</h2>"
            f"<p class='p'>predicted <b>{html.escape(guess)}</b>: {html.escape(probs)}</p>"
            f"<p class='t'>{body}</p>"
            f"<table><tr>{tops}</tr></table></section>"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>stancekit explain</title><style>"
        "body{font:16px/1.7 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}"
        "section{border-bottom:1px solid #ddd;padding:1em 0} .p{color:#555;font-size:.9em}"
        "h2{font-size:1em;margin:0}"
        "td{vertical-align:top;padding-right:3em;font-size:.9em}</style></head><body>"
        f"<h1>Why these labels</h1><p>In each paragraph, words shaded <span style='background:"
        f"{TOWARD}.5)'>blue</span> push toward the paragraph's <b>predicted</b> label (named "
        f"above it), <span style='background:{AWAY}.5)'>orange</span> away from it; the first "
        "column of the table under it lists the blue words. Hover for the contribution (tf-idf "
        "value &times; coefficient, shared out over each n-gram's words).</p>"
        + "".join(sections)
        + "</body></html>"
    )


def top_terms(pipeline: Any, n: int = 25) -> dict[str, list[tuple[str, float]]]:
    """The ``n`` terms with the largest logistic-regression weight toward each label."""
    import numpy as np

    labels, coef, _ = _weights(pipeline)
    terms = _terms(pipeline)
    return {
        label: [(str(terms[j]), float(coef[k, j])) for j in np.argsort(-coef[k])[:n]]
        for k, label in enumerate(labels)
    }
