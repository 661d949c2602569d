"""A model folder's models, one per language, scored as one model.

A model folder holds its main model at the top (``model.json``, ``model.npz``, ``model_card.json``;
its card names its language, English when it does not) and one more model per language in a
subfolder named by that language's ISO 639-1 code, laid out the same way (``models/fr/``,
``models/de/``, ...). :class:`LanguageRouter` identifies each paragraph's language
(:mod:`stancekit.language`) and scores it with that language's model; a paragraph in a language
the folder has no model for gets NaN probabilities, which every caller turns into the label
``unsupported``. A language's model is loaded the first time a paragraph needs it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stancekit.errors import ModelLoadError
from stancekit.language import paragraph_languages

#: Coverage reported for a paragraph that no model scored (never counted as "no known word").
NOT_SCORED = -1


def language_folders(model_dir: Path) -> dict[str, Path]:
    """The per-language subfolders of a model folder: two-letter names holding a model card."""
    if not model_dir.is_dir():
        return {}
    found = {}
    for child in sorted(model_dir.iterdir()):
        name = child.name
        code = len(name) == 2 and name.isalpha() and name.islower()
        if code and (child / "model_card.json").is_file():
            found[name] = child
    return found


def _load_language(folder: Path, trust_pickle: bool) -> Any:
    from stancekit.model.persist import load_model, load_portable_model

    if trust_pickle:
        return load_model(folder, trust_pickle=True)[0]
    return load_portable_model(folder)[0]


class LanguageRouter:
    """Score each text with the model of its language.

    Parameters
    ----------
    main_language : str
        The language of ``main``.
    main : PortableModel or sklearn Pipeline
        The folder's main model.
    folders : dict of str to Path, optional
        Further languages and the folders of their models (loaded when first needed).
    language : str, optional
        Score every text as this language instead of identifying it.
    trust_pickle : bool
        Load the further languages' pickled pipelines (as the main model was).

    Attributes
    ----------
    classes_ : list of str
        The labels, in probability column order (every language's model has the same).
    """

    def __init__(
        self,
        main_language: str,
        main: Any,
        folders: dict[str, Path] | None = None,
        *,
        language: str | None = None,
        trust_pickle: bool = False,
    ) -> None:
        from stancekit.model.vectorize import fast_features

        self.main_language = main_language
        self.classes_ = [str(c) for c in main.classes_]
        self.folders = {k: Path(v) for k, v in (folders or {}).items() if k != main_language}
        self.language = language
        self.trust_pickle = trust_pickle
        self._models: dict[str, Any] = {main_language: main}
        self._features: dict[str, Any] = {main_language: fast_features(main)}
        self._lock = threading.Lock()
        self._require(language)

    def _require(self, language: str | None) -> None:
        """Refuse a forced language the folder has no model for."""
        if language is not None and language not in self.languages:
            raise ModelLoadError(
                f"the model has no {language!r} model: it reads {', '.join(self.languages)}. "
                "Leave --language out to identify each paragraph's language."
            )

    def __getstate__(self) -> dict[str, Any]:  # workers: the loaded models, the rest by path
        state = dict(self.__dict__)
        del state["_lock"], state["_features"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        from stancekit.model.vectorize import fast_features

        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._features = {code: fast_features(m) for code, m in self._models.items()}

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model reads, its main language first."""
        return (self.main_language, *sorted(self.folders))

    def forced(self, language: str | None) -> LanguageRouter:
        """The same models, scoring every text as ``language`` (``None``: identify)."""
        view = object.__new__(LanguageRouter)
        view.__dict__.update(self.__dict__)
        view.language = language
        view._require(language)
        return view

    def model(self, language: str) -> Any:
        """The model of ``language``, loaded on first use.

        Raises
        ------
        KeyError
            If the folder has no model for it.
        ModelLoadError
            If its files are corrupt, or its labels differ from the main model's.
        """
        if language in self._models:
            return self._models[language]
        with self._lock:
            if language not in self._models:
                from stancekit.model.vectorize import fast_features

                folder = self.folders[language]
                model = _load_language(folder, self.trust_pickle)
                if [str(c) for c in model.classes_] != self.classes_:
                    raise ModelLoadError(
                        f"{folder}/ has labels {list(model.classes_)}, the main model "
                        f"{self.classes_}: retrain that language with the same train.labels."
                    )
                self._features[language] = fast_features(model)
                self._models[language] = model
        return self._models[language]

    def features(self, language: str) -> Any:
        """The fast vectorizer path of ``language``'s model (see
        :mod:`stancekit.model.vectorize`)."""
        self.model(language)
        return self._features[language]

    def languages_of(self, texts: Sequence[str], groups: Sequence[str] | None = None) -> list[str]:
        """The language each text is scored as: the forced one, or identified (short texts take
        their group's language; see :func:`stancekit.language.paragraph_languages`)."""
        if self.language is not None:
            return [self.language] * len(texts)
        return paragraph_languages(texts, groups, self.main_language)

    def score(self, texts: Sequence[str], languages: Sequence[str]) -> tuple[Any, Any]:
        """Probabilities (NaN rows for languages with no model) and, per text, how many known
        features it holds (:data:`NOT_SCORED` for those rows)."""
        import numpy as np

        from stancekit.model.vectorize import predict_proba_and_coverage

        n = len(texts)
        proba = np.full((n, len(self.classes_)), np.nan)
        coverage = np.full(n, NOT_SCORED, dtype=np.int64)
        rows_by_language: dict[str, list[int]] = {}
        for row, code in enumerate(languages):
            rows_by_language.setdefault(code, []).append(row)
        for code, rows in rows_by_language.items():
            if code not in self.languages:
                continue
            if len(rows) == n:
                subset: Sequence[str] = texts
            else:
                subset = [texts[i] for i in rows]
            p, known = predict_proba_and_coverage(self.model(code), subset, self.features(code))
            index = np.asarray(rows, dtype=np.int64)
            proba[index] = p
            if known is not None:
                coverage[index] = known
        return proba, coverage

    def proba_and_coverage(
        self, texts: Sequence[str], groups: Sequence[str] | None = None
    ) -> tuple[Any, Any]:
        """:meth:`score` of each text in its language (:meth:`languages_of`)."""
        return self.score(texts, self.languages_of(texts, groups))

    def predict_proba(self, texts: Sequence[str]) -> Any:
        """Probabilities, columns in ``classes_`` order; NaN rows for unsupported languages."""
        return self.proba_and_coverage(texts)[0]
