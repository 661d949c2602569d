"""Baselines the model is compared with, and term masking for the robustness check.

Both baselines follow the scikit-learn estimator shape the evaluation uses: ``fit(texts, labels)``,
``predict_proba(texts)`` with columns in ``classes_`` order (sorted, as scikit-learn sorts them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from stancekit.labels import ABOLITIONIST, DECRIMINALISATION, NEUTRAL

if TYPE_CHECKING:
    import numpy as np

#: A short hand-written term list per side: phrases each camp uses and the other mostly avoids.
LEXICON: dict[str, tuple[str, ...]] = {
    DECRIMINALISATION: (
        "sex work",
        "sex worker",
        "sex workers",
        "sex workers' rights",
        "sex worker-led",
        "decriminalisation of sex work",
        "decriminalization of sex work",
        "full decriminalisation",
        "full decriminalization",
        "labour rights",
        "labor rights",
        "harm reduction",
        "peer-led",
        "autonomy",
        "agency",
        "stigma",
        "screen clients",
        "nothing about us",
        "criminalisation",
        "criminalization",
        "raids",
    ),
    ABOLITIONIST: (
        "prostitution",
        "prostituted",
        "sex trade",
        "sex buyer",
        "sex buyers",
        "buyers",
        "pimp",
        "pimps",
        "pimping",
        "nordic model",
        "equality model",
        "end demand",
        "exit services",
        "exit",
        "survivors",
        "sexual exploitation",
        "commercial sexual exploitation",
        "violence against women",
        "exploited",
        "brothel",
    ),
}
#: The same kind of list for each language the project reads, written here from each debate's
#: own vocabulary (not translated from the English list).
LEXICONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": LEXICON,
    "fr": {
        DECRIMINALISATION: (
            "travail du sexe",
            "travailleuses du sexe",
            "travailleurs du sexe",
            "travailleur du sexe",
            "travailleuse du sexe",
            "droits des travailleuses",
            "décriminalisation",
            "santé communautaire",
            "stigmatisation",
            "autonomie",
            "pénalisation des clients",
            "répression",
            "précarité",
            "droit du travail",
            "putes",
        ),
        ABOLITIONIST: (
            "système prostitutionnel",
            "prostituées",
            "personnes prostituées",
            "situation de prostitution",
            "proxénètes",
            "proxénétisme",
            "clients-prostitueurs",
            "prostitueurs",
            "abolition",
            "abolitionniste",
            "parcours de sortie",
            "exploitation sexuelle",
            "violences faites aux femmes",
            "achat d'actes sexuels",
            "marchandisation",
            "traite",
        ),
    },
    "de": {
        DECRIMINALISATION: (
            "sexarbeit",
            "sexarbeiterinnen",
            "sexarbeitende",
            "sexarbeiter",
            "sexuelle dienstleistungen",
            "entkriminalisierung",
            "selbstbestimmung",
            "stigmatisierung",
            "arbeitsrechte",
            "beratungsstellen",
            "verdrängung",
            "kriminalisierung",
            "sexarbeit ist arbeit",
        ),
        ABOLITIONIST: (
            "prostitution",
            "prostituierte",
            "prostituierten",
            "sexkaufverbot",
            "freier",
            "zuhälter",
            "zuhälterei",
            "nordisches modell",
            "nordischen modell",
            "ausstieg",
            "ausstiegshilfen",
            "menschenhandel",
            "zwangsprostitution",
            "sexuelle ausbeutung",
            "gewalt gegen frauen",
            "menschenwürde",
            "bordell",
        ),
    },
    "es": {
        DECRIMINALISATION: (
            "trabajo sexual",
            "trabajadoras sexuales",
            "trabajadores sexuales",
            "trabajadora sexual",
            "derechos laborales",
            "despenalización del trabajo sexual",
            "sindicato",
            "autonomía",
            "estigma",
            "persecución",
            "criminalización",
            "ordenanza",
            "putas",
        ),
        ABOLITIONIST: (
            "prostitución",
            "prostituidas",
            "mujeres en situación de prostitución",
            "proxenetas",
            "proxenetismo",
            "puteros",
            "abolición",
            "abolicionista",
            "explotación sexual",
            "trata",
            "tercería locativa",
            "violencia contra las mujeres",
            "víctimas",
            "salida de la prostitución",
        ),
    },
    "sv": {
        DECRIMINALISATION: (
            "sexarbete",
            "sexarbetare",
            "sexarbetarnas",
            "avkriminalisering",
            "stigma",
            "självbestämmande",
            "rättigheter",
            "säkerhet",
            "skademinimering",
            "sexsäljare",
            "kriminalisering",
        ),
        ABOLITIONIST: (
            "prostitution",
            "prostituerade",
            "personer i prostitution",
            "sexköp",
            "sexköpare",
            "sexköpslagen",
            "torsk",
            "torskar",
            "koppleri",
            "hallick",
            "människohandel",
            "exploatering",
            "mäns våld mot kvinnor",
            "utträde",
            "jämställdhet",
        ),
    },
}
_NEUTRAL_LOGIT = 0.5


def _term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(t.lower()) for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


def _normalise_quotes(text: str) -> str:
    return text.lower().replace("\u2019", "'")


class MajorityBaseline:
    """The most frequent training label; training label shares as the probabilities."""

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> MajorityBaseline:
        import numpy as np

        counts = Counter(labels)
        self.classes_ = np.array(sorted(counts))
        self.prior_ = np.array([counts[c] / len(labels) for c in self.classes_])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        return np.tile(self.prior_, (len(texts), 1))


class LexiconBaseline:
    """Counts each side's terms (:data:`LEXICON`); the softmax of the counts is the probability.

    With ``neutral`` among the labels, neutral gets a fixed score of 0.5, so that a paragraph with
    no term is neutral. Ties go to the first label in ``classes_`` order. Nothing is learned from
    the data but the label set.
    """

    def __init__(
        self, lexicon: dict[str, tuple[str, ...]] | None = None, language: str = "en"
    ) -> None:
        self.language = language
        self.lexicon = lexicon if lexicon is not None else LEXICONS.get(language, LEXICON)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LexiconBaseline:
        import numpy as np

        self.classes_ = np.array(sorted(set(labels)))
        self.patterns_ = {
            label: _term_pattern(terms)
            for label, terms in self.lexicon.items()
            if label in self.classes_
        }
        return self

    def decision_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Term counts per label (columns in ``classes_`` order)."""
        import numpy as np

        scores = np.zeros((len(texts), len(self.classes_)))
        for j, label in enumerate(self.classes_):
            if label == NEUTRAL:
                scores[:, j] = _NEUTRAL_LOGIT
            elif label in self.patterns_:
                pattern = self.patterns_[label]
                scores[:, j] = [len(pattern.findall(_normalise_quotes(t))) for t in texts]
        return scores

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        scores = self.decision_scores(texts)
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)


MASK_TOKEN = "___"


def mask_terms(texts: Sequence[str], terms: Sequence[str]) -> list[str]:
    """Replace every occurrence of ``terms`` (case-insensitive, whole words) by ``___``."""
    if not terms:
        return list(texts)
    pattern = re.compile(_term_pattern(terms).pattern, re.IGNORECASE)
    return [pattern.sub(MASK_TOKEN, t.replace("\u2019", "'")) for t in texts]
