"""Pipeline parameters: read once from params.yaml, validated, passed down as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stancekit.errors import ParamsError
from stancekit.labels import LABELS, STANCES

DEFAULT_PARAMS_PATH = Path("params.yaml")


@dataclass(frozen=True)
class PrepareParams:
    """Parameters of the ``prepare`` stage.

    Attributes
    ----------
    data : tuple of str
        Labelled JSON Lines files that make the corpus.
    test_fraction : float
        Share of documents held out for testing, in (0, 1).
    seed : int
        Seed of the document-grouped split.
    """

    data: tuple[str, ...] = ("data/seeds.jsonl", "data/corpus.jsonl")
    test_fraction: float = 0.2
    seed: int = 42

    def __post_init__(self) -> None:
        if not self.data:
            raise ParamsError("prepare.data lists no files: name at least one labelled JSONL file.")
        if not 0.0 < self.test_fraction < 1.0:
            raise ParamsError(
                f"prepare.test_fraction must be between 0 and 1, got {self.test_fraction}."
            )


@dataclass(frozen=True)
class TrainParams:
    """Parameters of the ``train`` stage: the labels learned and the model's hyper-parameters.

    Attributes mirror ``TfidfVectorizer`` (``ngram_range``, ``min_df``, ``max_df``,
    ``sublinear_tf``) and ``LogisticRegression`` (``C``, ``class_weight``, ``max_iter``);
    ``seed`` is
    the ``random_state``.
    """

    labels: tuple[str, ...] = STANCES
    ngram_range: tuple[int, int] = (1, 2)
    min_df: int | float = 2
    max_df: int | float = 0.9
    sublinear_tf: bool = True
    C: float = 4.0
    class_weight: str | None = "balanced"
    max_iter: int = 2000
    seed: int = 42

    def __post_init__(self) -> None:
        unknown = [label for label in self.labels if label not in LABELS]
        if unknown:
            raise ParamsError(
                f"train.labels has unknown label(s) {unknown}: use labels from {list(LABELS)}."
            )
        if len(set(self.labels)) < 2 or len(set(self.labels)) != len(self.labels):
            raise ParamsError("train.labels must list at least two different labels, each once.")
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise ParamsError(
                f"train.ngram_range must be [min, max] with 1 <= min <= max, got "
                f"{list(self.ngram_range)}."
            )
        if self.C <= 0:
            raise ParamsError(f"train.C must be positive, got {self.C}.")
        if self.class_weight not in (None, "balanced"):
            raise ParamsError(
                f"train.class_weight must be 'balanced' or null, got {self.class_weight!r}."
            )
        if self.max_iter < 1:
            raise ParamsError(f"train.max_iter must be at least 1, got {self.max_iter}.")


@dataclass(frozen=True)
class EvaluateParams:
    """Parameters of the ``evaluate`` stage (none yet; the group exists so that stages line up)."""


@dataclass(frozen=True)
class Params:
    """All parameters, one group per pipeline stage."""

    prepare: PrepareParams = field(default_factory=PrepareParams)
    train: TrainParams = field(default_factory=TrainParams)
    evaluate: EvaluateParams = field(default_factory=EvaluateParams)


def _build(cls: type, group: str, values: Any) -> Any:
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParamsError(f"params group '{group}' must be a mapping, got {type(values).__name__}.")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParamsError(
            f"unknown key(s) {unknown} in params group '{group}': known keys are {sorted(known)}."
        )
    converted = {
        key: tuple(value) if isinstance(value, list) else value for key, value in values.items()
    }
    try:
        return cls(**converted)
    except (TypeError, ValueError) as exc:
        raise ParamsError(f"invalid value in params group '{group}': {exc}") from exc


def params_from_dict(raw: dict[str, Any]) -> Params:
    """Build validated :class:`Params` from a parsed params.yaml mapping."""
    groups = {f.name: f.type for f in fields(Params)}
    unknown = sorted(set(raw) - set(groups))
    if unknown:
        raise ParamsError(f"unknown params group(s) {unknown}: known groups are {sorted(groups)}.")
    return Params(
        prepare=_build(PrepareParams, "prepare", raw.get("prepare")),
        train=_build(TrainParams, "train", raw.get("train")),
        evaluate=_build(EvaluateParams, "evaluate", raw.get("evaluate")),
    )


def load_params(path: str | Path = DEFAULT_PARAMS_PATH) -> Params:
    """Read and validate params.yaml.

    Raises
    ------
    ParamsError
        If the file is missing, is not valid YAML, or holds an unknown key or invalid value.
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(
            f"{path} not found: run from the project folder or pass --params PATH."
        ) from None
    except OSError as exc:
        raise ParamsError(f"cannot read {path}: {exc.strerror}.") from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path} must hold a mapping of params groups.")
    return params_from_dict(raw)
