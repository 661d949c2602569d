"""Pipeline parameters: read once from params.yaml, validated, passed down as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stancekit.errors import ParamsError
from stancekit.labels import LABELS

DEFAULT_PARAMS_PATH = Path("params.yaml")


@dataclass(frozen=True)
class PrepareParams:
    """Parameters of the ``prepare`` stage.

    Attributes
    ----------
    data : tuple of str
        Labelled JSON Lines files, or folders of them (every ``*.jsonl`` inside), that make the
        corpus.
    test_fraction : float
        Share of documents held out for testing, in (0, 1).
    seed : int
        Seed of the document-grouped split.
    """

    data: tuple[str, ...] = ("data/corpus",)
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

    Attributes mirror ``TfidfVectorizer`` (``analyzer``, ``ngram_range``, ``min_df``, ``max_df``,
    ``sublinear_tf``, ``stop_words``) and ``LogisticRegression`` (``C``, ``class_weight``,
    ``max_iter``, ``solver``); ``seed`` is the ``random_state``. ``stop_words`` is ``None``,
    ``"english"`` (scikit-learn's list) or ``"function"`` (that list without negations such as
    "not", "against"). ``calibration`` is ``"sigmoid"`` (Platt), ``"isotonic"`` or ``None``: the
    probabilities are recalibrated on out-of-fold scores from ``calibration_folds``
    document-grouped folds (see :mod:`stancekit.model`).
    """

    labels: tuple[str, ...] = LABELS
    analyzer: str = "word"
    ngram_range: tuple[int, int] = (1, 2)
    min_df: int | float = 2
    max_df: int | float = 0.9
    sublinear_tf: bool = True
    C: float = 4.0
    class_weight: str | None = "balanced"
    max_iter: int = 2000
    solver: str = "newton-cg"
    stop_words: str | None = None
    calibration: str | None = "sigmoid"
    calibration_folds: int = 5
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
        for name, allowed in (
            ("analyzer", ("word", "char_wb")),
            ("solver", ("lbfgs", "newton-cg", "saga")),
            ("stop_words", (None, "english", "function")),
            ("calibration", (None, "sigmoid", "isotonic")),
        ):
            if getattr(self, name) not in allowed:
                shown = ", ".join("null" if a is None else a for a in allowed)
                raise ParamsError(
                    f"train.{name} must be one of {shown}, got {getattr(self, name)!r}."
                )
        if self.calibration_folds < 2:
            raise ParamsError(
                f"train.calibration_folds must be at least 2, got {self.calibration_folds}."
            )


DEFAULT_MASK_TERMS = (
    "sex work",
    "sex worker",
    "sex workers",
    "prostitution",
    "prostitute",
    "prostitutes",
    "prostituted",
    "nordic model",
    "sex buyer",
    "sex buyers",
    "sex trade",
    "end demand",
)


@dataclass(frozen=True)
class EvaluateParams:
    """Parameters of the ``evaluate`` stage.

    Attributes
    ----------
    cv_folds : int
        Folds of the grouped cross-validation.
    cv_groupings : tuple of str
        Corpus fields to group folds by: ``doc_id`` (no document on both sides), ``voice``
        (leave kinds of speaker out), ``source`` ...
    bootstrap_resamples : int
        Resamples (of documents) for the 95% intervals of the held-out scores.
    threshold : float
        Abstention threshold: a paragraph whose highest probability is below it counts as
        ``uncertain`` (``stancekit predict --threshold``).
    mask_terms : tuple of str
        The side-revealing terms masked in the robustness check.
    learning_curve : tuple of float
        Shares of the training documents for the learning curve.
    compare : dict
        Named alternatives to the ``train`` settings (name -> overrides of ``train`` keys),
        cross-validated beside the current settings, grouped by each of ``compare_groupings``:
        the report's feature comparison table.
    compare_groupings : tuple of str
        Groupings of the comparison (leave whole voices, whole genres out).
    jobs : int
        Cross-validation folds fitted at once in worker processes (results do not depend on it).
    seed : int
        Seed of folds, bootstrap and learning-curve draws.
    """

    cv_folds: int = 5
    cv_groupings: tuple[str, ...] = ("doc_id", "voice", "genre")
    bootstrap_resamples: int = 1000
    threshold: float = 0.6
    mask_terms: tuple[str, ...] = DEFAULT_MASK_TERMS
    learning_curve: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)
    compare: dict[str, dict[str, Any]] = field(default_factory=dict)
    compare_groupings: tuple[str, ...] = ("voice", "genre")
    jobs: int = 1
    seed: int = 42

    def __post_init__(self) -> None:
        if self.cv_folds < 2:
            raise ParamsError(f"evaluate.cv_folds must be at least 2, got {self.cv_folds}.")
        if self.jobs < 1:
            raise ParamsError(f"evaluate.jobs must be at least 1, got {self.jobs}.")
        known = ("doc_id", "voice", "source", "genre", "country")
        unknown = [g for g in self.cv_groupings if g not in known]
        if unknown:
            raise ParamsError(f"evaluate.cv_groupings: unknown field(s) {unknown}; use {known}.")
        if not 0.0 < self.threshold < 1.0:
            raise ParamsError(f"evaluate.threshold must be in (0, 1), got {self.threshold}.")
        if any(not 0.0 < f <= 1.0 for f in self.learning_curve):
            raise ParamsError("evaluate.learning_curve shares must be in (0, 1].")
        if self.bootstrap_resamples < 100:
            raise ParamsError("evaluate.bootstrap_resamples must be at least 100.")
        unknown = [g for g in self.compare_groupings if g not in known]
        if unknown:
            raise ParamsError(
                f"evaluate.compare_groupings: unknown field(s) {unknown}; use {known}."
            )
        tunable = {f.name for f in fields(TrainParams)} - {"labels", "seed"}
        for name, overrides in self.compare.items():
            if not isinstance(overrides, dict):
                raise ParamsError(f"evaluate.compare.{name} must map train keys to values.")
            bad = sorted(set(overrides) - tunable)
            if bad:
                raise ParamsError(
                    f"evaluate.compare.{name}: cannot vary {bad}; use keys of train: "
                    f"{sorted(tunable)}."
                )


@dataclass(frozen=True)
class TuneParams:
    """Parameters of ``stancekit tune``: the grid (``train`` keys -> candidate values) and folds.

    Tuning cross-validates on the training split only, so the held-out test split stays unseen;
    folds leave out whole groups of each of ``groupings`` (voices, genres).
    """

    grid: dict[str, tuple[Any, ...]] = field(
        default_factory=lambda: {"C": (1.0, 4.0, 16.0), "ngram_range": ((1, 1), (1, 2))}
    )
    cv_folds: int = 5
    groupings: tuple[str, ...] = ("voice", "genre")
    seed: int = 42

    def __post_init__(self) -> None:
        if not self.groupings:
            raise ParamsError("tune.groupings must name at least one field to group folds by.")
        tunable = {f.name for f in fields(TrainParams)} - {"labels", "seed"}
        unknown = sorted(set(self.grid) - tunable)
        if unknown:
            raise ParamsError(f"tune.grid: cannot tune {unknown}; tunable: {sorted(tunable)}.")
        if not self.grid or any(not values for values in self.grid.values()):
            raise ParamsError("tune.grid must give at least one value for each key it names.")
        if self.cv_folds < 2:
            raise ParamsError(f"tune.cv_folds must be at least 2, got {self.cv_folds}.")


@dataclass(frozen=True)
class Params:
    """All parameters, one group per pipeline stage."""

    prepare: PrepareParams = field(default_factory=PrepareParams)
    train: TrainParams = field(default_factory=TrainParams)
    evaluate: EvaluateParams = field(default_factory=EvaluateParams)
    tune: TuneParams = field(default_factory=TuneParams)


def _tuple_lists(value: Any) -> Any:
    """YAML lists -> tuples, recursively (dataclass fields are immutable tuples)."""
    if isinstance(value, list):
        return tuple(_tuple_lists(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuple_lists(v) for k, v in value.items()}
    return value


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
    converted = {key: _tuple_lists(value) for key, value in values.items()}
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
        tune=_build(TuneParams, "tune", raw.get("tune")),
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
