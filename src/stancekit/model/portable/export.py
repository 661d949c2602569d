"""Turn a fitted scikit-learn pipeline into the portable files
(:mod:`stancekit.model.portable.files`).

Exporting needs scikit-learn (it reads the fitted objects); loading the result does not. Every
export is checked: the portable model must give the pipeline's probabilities (to 1e-12) on probe
texts, or the model is recorded as pipeline-only with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stancekit.model.portable.files import FORMAT, FORMAT_VERSION, portable_hashes, write_portable
from stancekit.model.portable.scorer import MAX_NGRAM, TOKEN_PATTERNS, PortableModel
from stancekit.model.vectorize import PROBE_TEXTS

#: How close the portable probabilities must be to the pipeline's on the probe texts.
TOLERANCE = 1e-12


class NotPortable(Exception):
    """A pipeline setting the portable format cannot express (the message says which)."""


def _vectorizer_settings(vectorizer: Any) -> dict[str, Any]:
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    if type(vectorizer) not in (TfidfVectorizer, CountVectorizer):
        raise NotPortable(f"vectorizer {type(vectorizer).__name__}")
    checks = {
        "analyzer": vectorizer.analyzer in ("word", "char", "char_wb"),
        "input": vectorizer.input == "content",
        "preprocessor": vectorizer.preprocessor is None,
        "tokenizer": vectorizer.tokenizer is None,
        "strip_accents": vectorizer.strip_accents in (None, "unicode", "ascii"),
        "dtype": np.dtype(vectorizer.dtype) == np.float64,
        "vocabulary_": hasattr(vectorizer, "vocabulary_"),
        "token_pattern": (vectorizer.token_pattern or "") in TOKEN_PATTERNS,
        "ngram_range": 1 <= vectorizer.ngram_range[0] <= vectorizer.ngram_range[1] <= MAX_NGRAM,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise NotPortable(
            f"vectorizer {', '.join(failed)}={getattr(vectorizer, failed[0], None)!r}"
        )
    tfidf = type(vectorizer) is TfidfVectorizer
    stop_words = vectorizer.get_stop_words() if vectorizer.analyzer == "word" else None
    return {
        "analyzer": vectorizer.analyzer,
        "lowercase": bool(vectorizer.lowercase),
        "strip_accents": vectorizer.strip_accents,
        "token_pattern": vectorizer.token_pattern or "",
        "ngram_range": [int(n) for n in vectorizer.ngram_range],
        "stop_words": sorted(stop_words) if stop_words else None,
        "binary": bool(vectorizer.binary),
        "sublinear_tf": bool(tfidf and vectorizer.sublinear_tf),
        "norm": vectorizer.norm if tfidf else None,
        "use_idf": bool(tfidf and vectorizer.use_idf),
    }


def _classifier_arrays(classifier: Any) -> tuple[str | None, dict[str, Any], list[str]]:
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    classes = [str(c) for c in classifier.classes_]
    calibration = None
    linear = classifier
    calibrators: list[Any] = []
    if type(classifier) is CalibratedClassifierCV:
        fitted = classifier.calibrated_classifiers_
        if len(fitted) != 1:
            raise NotPortable("a calibration ensemble (ensemble=True)")
        calibration = fitted[0].method
        linear, calibrators = fitted[0].estimator, list(fitted[0].calibrators)
        if calibration not in ("sigmoid", "isotonic"):
            raise NotPortable(f"calibration method {calibration!r}")
        if [str(c) for c in linear.classes_] != classes:
            raise NotPortable("a calibrated classifier that did not see every class")
    if type(linear) is not LogisticRegression:
        raise NotPortable(f"classifier {type(linear).__name__}")
    arrays: dict[str, Any] = {
        "coef": np.asarray(linear.coef_, dtype=np.float64),
        "intercept": np.asarray(linear.intercept_, dtype=np.float64),
    }
    if calibration == "sigmoid":
        if not all(type(c) is _SigmoidCalibration for c in calibrators):
            raise NotPortable("a sigmoid calibrator of another type")
        arrays["calibration_a"] = np.asarray([c.a_ for c in calibrators], dtype=np.float64)
        arrays["calibration_b"] = np.asarray([c.b_ for c in calibrators], dtype=np.float64)
    elif calibration == "isotonic":
        if not all(
            type(c) is IsotonicRegression and c.out_of_bounds == "clip" for c in calibrators
        ):
            raise NotPortable("an isotonic calibrator that does not clip")
        xs = [np.asarray(c.X_thresholds_, dtype=np.float64) for c in calibrators]
        arrays["isotonic_x"] = np.concatenate(xs)
        arrays["isotonic_y"] = np.concatenate(
            [np.asarray(c.y_thresholds_, dtype=np.float64) for c in calibrators]
        )
        arrays["isotonic_offsets"] = np.cumsum([0] + [len(x) for x in xs]).astype(np.int64)
    return calibration, arrays, classes


def to_portable(pipeline: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and arrays of ``pipeline``'s portable files.

    Raises
    ------
    NotPortable
        A setting the format cannot express, or probabilities that differ on the probe texts.
    """
    import numpy as np

    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2:
        raise NotPortable("a pipeline that is not vectorizer -> classifier")
    vectorizer, classifier = steps[0][1], steps[1][1]
    settings = _vectorizer_settings(vectorizer)
    calibration, arrays, classes = _classifier_arrays(classifier)
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    idf = getattr(vectorizer, "idf_", None) if settings["use_idf"] else None
    arrays["idf"] = np.asarray(idf if idf is not None else [], dtype=np.float64)
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "portable": True,
        "classes": classes,
        "calibration": calibration,
        "vectorizer": settings,
        "terms": terms,
    }
    try:
        model = PortableModel(classes, settings, terms, arrays, calibration)
    except ValueError as exc:
        raise NotPortable(str(exc)) from None
    probe = [*PROBE_TEXTS, " ".join(terms[:50])]
    expected, got = pipeline.predict_proba(probe), model.predict_proba(probe)
    if got.shape != expected.shape or np.abs(got - expected).max() > TOLERANCE:
        raise NotPortable("probabilities that the portable format does not reproduce")
    return header, arrays


def save_portable(pipeline: Any, model_dir: str | Path) -> dict[str, str]:
    """Write ``model.json`` and ``model.npz`` for ``pipeline`` into ``model_dir`` (only
    ``model.json``, marked pipeline-only with the reason, when the format cannot hold it).

    Returns
    -------
    dict
        File name -> SHA-256 of the files written (for the model card).
    """
    model_dir = Path(model_dir)
    try:
        header, arrays = to_portable(pipeline)
    except NotPortable as exc:
        classes = [str(c) for c in getattr(pipeline, "classes_", [])]
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "portable": False,
            "classes": classes,
            "reason": f"it uses {exc}, which the portable format cannot hold",
        }
        arrays = None
    write_portable(header, arrays, model_dir)
    return portable_hashes(model_dir)
