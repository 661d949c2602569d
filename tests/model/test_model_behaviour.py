"""Behaviour tests of the default model (trained here on the shipped corpus with params.yaml).

Checklist-style: minimum functionality (clear paragraphs get their label, off-topic and procedural
text is neutral), invariance (names of organisations and countries do not move the label),
direction (a strongly stanced sentence moves the probability its way), and hard cases that the
keyword lexicon gets wrong (each test checks that the lexicon fails them and the model does not).
The paragraphs are written for these tests and are not in the corpus.
"""

from __future__ import annotations

import pytest

from conftest import REPO
from stancekit import StancePredictor
from stancekit.data.prepare import prepare
from stancekit.model.train import train
from stancekit.params import load_params

pytestmark = pytest.mark.model

D, A, N = "decriminalisation", "abolitionist", "neutral"

CLEAR = [
    (
        D,
        "Criminalising the people who pay for sex still puts sex workers at risk: they rush "
        "negotiations, work alone and cannot call the police when a client turns violent.",
    ),
    (
        D,
        "Sex workers are workers. They deserve the same labour protections, sick pay and right "
        "to organise as anyone else, and that starts with taking their work out of criminal law.",
    ),
    (
        D,
        "Every raid we have seen ended with women evicted, migrants detained and nobody "
        "rescued. Decriminalisation, not policing, is what keeps our community safe.",
    ),
    (
        D,
        "Peer outreach workers who have sold sex themselves reach people that clinics never see, "
        "and HIV testing rises where the work is not a crime.",
    ),
    (
        A,
        "Prostitution is not a job like any other; it is a system in which men buy sexual access "
        "to women's bodies, and the law should hold those buyers to account.",
    ),
    (
        A,
        "The Nordic model works: criminalise the purchase of sex, prosecute pimps and brothel "
        "owners, and give women in prostitution real routes out with housing and support.",
    ),
    (
        A,
        "Survivors tell us the same thing again and again: the money never made it consensual, "
        "and the trade that exploited them depends on the demand of sex buyers.",
    ),
    (
        A,
        "Decriminalise the women, not the pimps. Those selling sex should face no penalty, while "
        "the men who buy and the profiteers who sell them go to court.",
    ),
    (
        A,
        "Yes, decriminalise every woman selling sex today, and wipe her record clean. But the "
        "buyer and the pimp must face the full weight of the law.",
    ),
]

OFF_TOPIC = [
    "The weather was mild on Tuesday.",
    "Donate now to support our work.",  # a known failure until the boundary corpus
    "The committee will hold a public hearing on the bill at 10am on Thursday in room 4.",
    "Sign up to our newsletter for updates, and follow us for event dates.",
]


def known_failure(label: str, text: str, why: str) -> object:
    return pytest.param(label, text, marks=pytest.mark.xfail(strict=True, reason=why))


# Each side in the other side's words, and neutral text full of charged terms: the lexicon counts
# the words and gets every one of these wrong (checked). Two are known failures of the model too:
# dense sarcasm in the other side's vocabulary.
LEXICON_TRAPS = [
    known_failure(
        A,
        "They call it sex work and talk of sex workers' rights and autonomy, but no rebranding "
        "turns paying for a woman's body into a labour contract.",
        "known failure: abolitionist sarcasm made of decriminalisation vocabulary",
    ),
    known_failure(
        D,
        "End demand laws did not end the sex trade. They made buyers nervous and pushed women "
        "into darker streets and riskier deals, with less time to judge who they were getting "
        "into a car with.",
        "known failure: decriminalisation argument made of abolitionist vocabulary",
    ),
    (
        N,
        "The bill, which would make paying for sex an offence under the Nordic model, had its "
        "second reading in the chamber on Monday; the vote is expected next month.",
    ),
    (
        N,
        "Police officers, sex workers and outreach staff are among the twelve witnesses listed "
        "for Thursday's session of the justice committee.",
    ),
    (
        A,
        "Our outreach workers meet women every night who were told this was just a job. The men "
        "who paid them never asked how they got there, and the law should start asking the men.",
    ),
    (
        D,
        "We are survivors of trafficking and we are sex workers, and we know the difference. "
        "Arresting our clients did not rescue anyone; it took away the regulars who kept us "
        "safe.",
    ),
    (
        D,
        "Exit programmes are welcome, but only if nobody is forced into them. Sex workers who "
        "want to leave need housing and jobs, not a police record or a raid.",
    ),
    (
        N,
        "The report counted 214 arrests for buying sex and 36 pimping convictions in the first "
        "two years after the law came into force.",
    ),
    (
        N,
        "Campaigners for and against the Nordic model held rival rallies outside parliament on "
        "Saturday as the committee finished hearing evidence.",
    ),
]

TEMPLATES = [
    (
        D,
        "{org} in {country} says sex workers need rights, not raids, and calls for the full "
        "decriminalisation of sex work.",
    ),
    (
        A,
        "{org} in {country} urges lawmakers to adopt the Nordic model and end the demand that "
        "fuels sexual exploitation.",
    ),
]
NAMES = [
    ("Ruby Collective", "Kenya"),
    ("Harbour Women's Network", "Canada"),
    ("Project Lantern", "Germany"),
    ("Saint Anne Trust", "India"),
]

NEUTRAL_BASES = [
    "The committee met on Tuesday to discuss the bill.",
    "The committee met on Tuesday to discuss the new bill on prostitution law.",
]
PUSH = {
    D: "Sex workers' own organisations say criminal laws only make their work more dangerous.",
    A: "Abolitionist groups say only criminalising the buyers will end this exploitation.",
}


@pytest.fixture(scope="module")
def predictor(tmp_path_factory: pytest.TempPathFactory) -> StancePredictor:
    params = load_params(REPO / "params.yaml")
    params_prepare = params.prepare.__class__(
        data=tuple(str(REPO / p) for p in params.prepare.data),
        test_fraction=params.prepare.test_fraction,
        seed=params.prepare.seed,
    )
    work = tmp_path_factory.mktemp("default-model")
    split = prepare(params_prepare, work / "prepared")
    train(params.train, split.train_path, work / "model")
    return StancePredictor.load(work / "model")


@pytest.fixture(scope="module")
def lexicon(predictor: StancePredictor):
    from stancekit.evaluation.baselines import LexiconBaseline

    return LexiconBaseline().fit(predictor.labels, predictor.labels)


@pytest.mark.parametrize(("expected", "text"), CLEAR)
def test_clear_paragraphs_get_their_label(
    predictor: StancePredictor, expected: str, text: str
) -> None:
    assert predictor.predict([text])[0].label == expected


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_and_procedural_text_is_neutral(predictor: StancePredictor, text: str) -> None:
    assert predictor.predict([text])[0].label == N


@pytest.mark.parametrize(("expected", "text"), LEXICON_TRAPS)
def test_cases_the_lexicon_gets_wrong(
    predictor: StancePredictor, lexicon, expected: str, text: str
) -> None:
    lexicon_label = lexicon.classes_[lexicon.predict_proba([text])[0].argmax()]
    assert lexicon_label != expected, "not a trap for the lexicon"
    assert predictor.predict([text])[0].label == expected


@pytest.mark.parametrize(("expected", "template"), TEMPLATES)
def test_names_of_organisations_and_countries_do_not_change_the_label(
    predictor: StancePredictor, expected: str, template: str
) -> None:
    texts = [template.format(org=org, country=country) for org, country in NAMES]
    assert {r.label for r in predictor.predict(texts)} == {expected}


_SMALL_PUSH = pytest.mark.xfail(
    strict=True,
    reason="known since the boundary corpus: one sentence reporting that abolitionist groups "
    "say something moves p_abolitionist by +0.046 / +0.046 here, under the 0.05 asked (the "
    "model reads reported claims more as news than before)",
)


@pytest.mark.parametrize("base", NEUTRAL_BASES)
@pytest.mark.parametrize("side", [D, pytest.param(A, marks=_SMALL_PUSH)])
def test_a_stanced_sentence_moves_the_probability_its_way(
    predictor: StancePredictor, side: str, base: str
) -> None:
    """The pushed side's probability rises by more than 0.05 and the other stance's does not
    rise. (The three-class model may rightly keep a news sentence that reports a claim mostly
    neutral, so the rise is smaller than a binary model's.)"""
    other = A if side == D else D
    before = predictor.predict([base])[0].probabilities
    after = predictor.predict([f"{base} {PUSH[side]}"])[0].probabilities
    assert after[side] > before[side] + 0.05
    assert after[other] <= before[other] + 0.01
