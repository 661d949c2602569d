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
    language : str
        The language of the split: rows whose ``language`` is another are left out (a row
        without one is English).
    """

    data: tuple[str, ...] = ("data/corpus",)
    test_fraction: float = 0.2
    seed: int = 42
    language: str = "en"

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
    "not", "against"), or a language's list from the ``stop-words`` package (``"french"``,
    ``"german"``, ``"spanish"``, ``"swedish"``, ...). ``strip_accents`` is ``"unicode"``,
    ``"ascii"`` or ``None`` (keep accents). ``calibration`` is ``"sigmoid"`` (Platt),
    ``"isotonic"`` or ``None``: the probabilities are recalibrated on out-of-fold scores from
    ``calibration_folds`` document-grouped folds. ``document_prior`` is the weight of the other
    paragraphs of a document on each paragraph's score when predicting (0: each paragraph
    alone; :func:`stancekit.scoring.batch.document_prior`); it does not change the fitted model
    (see :mod:`stancekit.model.pipeline`).
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
    strip_accents: str | None = "unicode"
    calibration: str | None = "sigmoid"
    calibration_folds: int = 5
    seed: int = 42
    document_prior: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.document_prior <= 5.0:
            raise ParamsError(
                f"train.document_prior must be between 0 and 5, got {self.document_prior}."
            )
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
            ("stop_words", STOP_WORD_SETTINGS),
            ("strip_accents", (None, "unicode", "ascii")),
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


#: ``train.stop_words`` values: none, scikit-learn's English list (``function``: without the
#: negations), or a language's list from the maintained ``stop-words`` package.
STOP_WORD_SETTINGS = (
    None,
    "english",
    "function",
    "french",
    "german",
    "spanish",
    "swedish",
    "dutch",
    "italian",
    "portuguese",
    "danish",
    "norwegian",
    "finnish",
    "catalan",
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
    language : str
        The language evaluated: its lexicon baseline
        (:data:`stancekit.evaluation.baselines.LEXICONS`).
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
    language: str = "en"

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
    #: The languages read besides the main one (English): code -> overrides of the ``prepare``,
    #: ``train`` and ``evaluate`` groups for that language's corpus, model and evaluation.
    languages: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def main_language(self) -> str:
        """The language of the top-level groups (English)."""
        return self.prepare.language

    def for_language(self, code: str) -> Params:
        """The parameters of ``code``'s corpus, model and evaluation: the top-level groups with
        ``languages.<code>`` applied (the main language: these parameters themselves).

        Raises
        ------
        ParamsError
            If params.yaml has no ``languages.<code>`` group.
        """
        if code == self.main_language:
            return self
        if code not in self.languages:
            known = ", ".join([self.main_language, *sorted(self.languages)])
            raise ParamsError(
                f"params.yaml has no language {code!r} (languages: {known}): add a "
                f"languages.{code} group naming its corpus."
            )
        return _language_params(self, code, self.languages[code])


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


_LANGUAGE_GROUPS = {"prepare": PrepareParams, "train": TrainParams, "evaluate": EvaluateParams}


def _language_params(base: Params, code: str, overrides: dict[str, Any]) -> Params:
    """``base`` with ``languages.<code>``'s overrides applied to each group."""
    from dataclasses import asdict

    built: dict[str, Any] = {}
    for group, cls in _LANGUAGE_GROUPS.items():
        values = {**asdict(getattr(base, group)), **(overrides.get(group) or {})}
        if group in ("prepare", "evaluate"):
            values["language"] = code
        built[group] = _build(cls, f"languages.{code}.{group}", values)
    return Params(built["prepare"], built["train"], built["evaluate"], base.tune, base.languages)


def _check_languages(raw: Any) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ParamsError("params group 'languages' must map language codes to settings.")
    for code, groups in raw.items():
        if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower()):
            raise ParamsError(f"languages: {code!r} is not a two-letter ISO 639-1 code.")
        if code == "en":
            raise ParamsError("languages: en is the main language: set it in the top groups.")
        if not isinstance(groups, dict) or not isinstance(groups.get("prepare"), dict):
            raise ParamsError(f"languages.{code} must hold a prepare group naming its data.")
        unknown = sorted(set(groups) - set(_LANGUAGE_GROUPS))
        if unknown:
            raise ParamsError(
                f"languages.{code}: unknown group(s) {unknown}; use {sorted(_LANGUAGE_GROUPS)}."
            )
        for group in ("prepare", "evaluate"):
            if "language" in (groups.get(group) or {}):
                raise ParamsError(f"languages.{code}.{group}: the language is the group's name.")
    return dict(raw)


def params_from_dict(raw: dict[str, Any]) -> Params:
    """Build validated :class:`Params` from a parsed params.yaml mapping."""
    groups = {f.name: f.type for f in fields(Params)}
    unknown = sorted(set(raw) - set(groups))
    if unknown:
        raise ParamsError(f"unknown params group(s) {unknown}: known groups are {sorted(groups)}.")
    params = Params(
        prepare=_build(PrepareParams, "prepare", raw.get("prepare")),
        train=_build(TrainParams, "train", raw.get("train")),
        evaluate=_build(EvaluateParams, "evaluate", raw.get("evaluate")),
        tune=_build(TuneParams, "tune", raw.get("tune")),
        languages=_check_languages(raw.get("languages")),
    )
    for code in params.languages:
        params.for_language(code)  # every language's groups are checked on load
    return params


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
