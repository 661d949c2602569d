"""stancekit: learn and measure the stance of advocacy texts on prostitution and sex-work law.

>>> from stancekit import StancePredictor          # doctest: +SKIP
>>> StancePredictor.load().predict(["Sex work is work."])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stancekit._version import __version__
from stancekit.errors import StancekitError

if TYPE_CHECKING:
    from stancekit.scoring.predictor import DocumentScore, StancePrediction, StancePredictor
    from stancekit.scoring.segment import segment_paragraphs

#: Public names imported on first use (PEP 562), so ``stancekit --help`` loads none of them.
_LAZY = {
    "DocumentScore": "stancekit.scoring.predictor",
    "StancePrediction": "stancekit.scoring.predictor",
    "StancePredictor": "stancekit.scoring.predictor",
    "segment_paragraphs": "stancekit.scoring.segment",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stancekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DocumentScore",
    "StancePrediction",
    "StancePredictor",
    "StancekitError",
    "__version__",
    "segment_paragraphs",
]
