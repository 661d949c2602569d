"""stancekit: learn and measure the stance of advocacy texts on prostitution and sex-work law.

>>> from stancekit import StancePredictor          # doctest: +SKIP
>>> StancePredictor.load().predict(["Sex work is work."])  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from stancekit.errors import StancekitError
from stancekit.predictor import DocumentScore, StancePrediction, StancePredictor
from stancekit.segment import segment_paragraphs

__all__ = [
    "DocumentScore",
    "StancePrediction",
    "StancePredictor",
    "StancekitError",
    "__version__",
    "segment_paragraphs",
]
