"""Behaviour tests of each language's model (trained here on that language's training split with
params.yaml), in the style of test_model_behaviour.py: a clear paragraph of each side, procedural
news that is neutral, and hard cases that the language's own keyword lexicon gets wrong (each
test checks that the lexicon fails them and the model does not). The paragraphs were written for
these tests in each language and are not in the corpus.
"""

from __future__ import annotations

import pytest

from conftest import REPO
from stancekit import StancePredictor
from stancekit.data.prepare import prepare
from stancekit.evaluation.baselines import LexiconBaseline
from stancekit.model.train import train
from stancekit.params import load_params

pytestmark = pytest.mark.model

D, A, N = "decriminalisation", "abolitionist", "neutral"

CASES: dict[str, list[tuple[str, str, bool]]] = {
    # (expected label, text, a trap for the lexicon?)
    "fr": [
        (
            A,
            "Nous défendons la pénalisation des clients et la fin de la stigmatisation des "
            "femmes : elles ne doivent plus jamais être arrêtées, ce sont les acheteurs qui "
            "doivent répondre devant la loi.",
            True,
        ),
        (
            D,
            "La traite et l'exploitation sexuelle existent et nous les combattons ; mais les "
            "proxénètes ne disparaissent pas quand on punit ceux qui paient : ce sont les femmes "
            "qui se cachent et prennent plus de risques.",
            True,
        ),
        (
            D,
            "Depuis que nos clients sont verbalisés, nous travaillons plus loin, plus tard et "
            "seules. Nous demandons l'abrogation de cette loi et le droit de travailler en "
            "sécurité.",
            False,
        ),
        (
            A,
            "Aucune femme ne devrait avoir à vendre l'accès à son corps pour survivre. La société "
            "doit punir l'achat d'un acte sexuel et offrir à chacune un vrai parcours de sortie.",
            False,
        ),
        (
            N,
            "La commission des lois examinera le texte en deuxième lecture le 12 mars, avant un "
            "vote solennel prévu la semaine suivante.",
            False,
        ),
    ],
    "de": [
        (
            A,
            "Was manche Sexarbeit nennen, ist für die meisten Frauen ein Leben ohne "
            "Selbstbestimmung. Wir fordern, dass der Kauf von Sex bestraft wird und niemand, der "
            "sich verkauft.",
            True,
        ),
        (
            D,
            "Menschenhandel und Zwangsprostitution sind schwere Verbrechen, gegen die wir jeden "
            "Tag arbeiten. Ein Sexkaufverbot würde aber genau die Frauen, die Hilfe brauchen, für "
            "uns unerreichbar machen.",
            True,
        ),
        (
            D,
            "Wir sind Sexarbeiterinnen und wir wollen Arbeitsrechte, keine Razzien. Wer uns "
            "schützen will, muss mit uns reden und darf unsere Kunden nicht kriminalisieren.",
            False,
        ),
        (
            A,
            "Prostitution ist mit der Würde des Menschen nicht vereinbar. Deutschland braucht "
            "endlich ein Sexkaufverbot, Strafen für Freier und Zuhälter und echte Hilfe beim "
            "Ausstieg.",
            False,
        ),
        (
            N,
            "Der Ausschuss für Familie, Senioren, Frauen und Jugend berät den Antrag am Mittwoch "
            "in einer öffentlichen Anhörung mit acht Sachverständigen.",
            False,
        ),
    ],
    "es": [
        (
            A,
            "Hablan de trabajo sexual y de autonomía, pero ninguna de las mujeres que atendemos "
            "eligió estar en un club de carretera. Pedimos sancionar a quien paga y que ninguna "
            "mujer sea multada nunca más.",
            True,
        ),
        (
            D,
            "Las compañeras víctimas de trata merecen toda la protección; por eso rechazamos una "
            "ley que, con la excusa del proxenetismo, deja sin techo a las que alquilan un piso "
            "para trabajar juntas.",
            True,
        ),
        (
            D,
            "Somos trabajadoras sexuales y exigimos derechos laborales, cotizar a la seguridad "
            "social y que la policía deje de multarnos por estar en la calle.",
            False,
        ),
        (
            A,
            "La prostitución es una forma de violencia contra las mujeres. Hay que castigar a los "
            "puteros y a los proxenetas y garantizar alternativas reales a las mujeres.",
            False,
        ),
        (
            N,
            "El Pleno del Congreso debatirá el martes la toma en consideración de la proposición "
            "de ley, según el orden del día publicado por la Mesa.",
            False,
        ),
    ],
    "sv": [
        (
            A,
            "Vi pratar om säkerhet och rättigheter, för kvinnorna. Därför ska den som köper sex "
            "straffas, och den som säljer ska få stöd att lämna, aldrig böter.",
            True,
        ),
        (
            D,
            "Människohandel och koppleri ska bekämpas hårt. Men sexköpslagen har inte minskat "
            "utnyttjandet, den har bara gjort att vi som säljer sex inte vågar anmäla våld.",
            True,
        ),
        (
            D,
            "Vi som säljer sex behöver kunna arbeta tillsammans, hyra en lägenhet och ringa "
            "polisen utan att förlora bostaden. Avkriminalisera hela branschen.",
            False,
        ),
        (
            A,
            "Prostitution är mäns våld mot kvinnor. Sexköpslagen ska skärpas, och kommunerna "
            "måste ge alla som vill lämna prostitutionen stöd, bostad och vård.",
            False,
        ),
        (
            N,
            "Justitieutskottet behandlar propositionen den 14 maj och riksdagen väntas fatta "
            "beslut i slutet av månaden.",
            False,
        ),
    ],
}


@pytest.fixture(scope="module")
def predictors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StancePredictor]:
    """Each language's model, fitted on its training split with its params.yaml settings."""
    params = load_params(REPO / "params.yaml")
    out = {}
    for code in CASES:
        settings = params.for_language(code)
        prepare_params = settings.prepare.__class__(
            data=tuple(str(REPO / p) for p in settings.prepare.data),
            test_fraction=settings.prepare.test_fraction,
            seed=settings.prepare.seed,
            language=code,
        )
        work = tmp_path_factory.mktemp(f"model-{code}")
        split = prepare(prepare_params, work / "prepared")
        train(settings.train, split.train_path, work / "model", language=code)
        out[code] = StancePredictor.load(work / "model")
    return out


#: Cases the language's current model gets wrong (strict: a fix shows as an unexpected pass).
KNOWN_FAILURES = {
    ("fr", 1): "a decriminalisation paragraph that names traite, exploitation and proxénètes "
    "before its argument is read abolitionist by the final French model",
}
CASE_IDS = [
    pytest.param(
        code,
        i,
        marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[(code, i)])
        if (code, i) in KNOWN_FAILURES
        else (),
    )
    for code, cases in CASES.items()
    for i in range(len(cases))
]


@pytest.mark.parametrize(("code", "index"), CASE_IDS)
def test_each_language_model_gets_its_paragraphs_right(
    predictors: dict[str, StancePredictor], code: str, index: int
) -> None:
    expected, text, trap = CASES[code][index]
    predictor = predictors[code]
    if trap:
        lexicon = LexiconBaseline(language=code).fit(predictor.labels, predictor.labels)
        found = lexicon.classes_[lexicon.predict_proba([text])[0].argmax()]
        assert found != expected, "not a trap for the lexicon"
    prediction = predictor.predict([text])[0]
    assert prediction.language == code
    assert prediction.label == expected
