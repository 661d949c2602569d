"""Behaviour tests by register (issue "Reporting is not advocacy"): neutral text dense with one
side's words that reports rather than argues, and stance written as news, press releases,
resolutions and FAQs. Written for these tests, not taken from any real text or the corpus.

Each case records what the model shipped before the boundary corpus said (``before``: a model
trained the same way on the corpus of 2026-12-01). The cases the current model still gets wrong
are strict xfails, so that a fix shows up as an unexpected pass.
"""

from __future__ import annotations

import pytest
from test_model_behaviour import predictor as predictor  # the same fixture: the training split

from stancekit import StancePredictor

pytestmark = pytest.mark.model

D, A, N = "decriminalisation", "abolitionist", "neutral"

#: (expected, register, text, the label the earlier model gave)
CASES = [
    (
        N,
        "news_both_sides",
        (
            "Victoria's decriminalisation law reached its second stage on Sunday. Sex worker "
            "organisations said the change would let them report violence without fear of "
            "arrest, while a coalition of women's groups warned that removing criminal "
            "penalties would expand the sex trade. The state government said it would review "
            "the law in five years."
        ),
        D,
    ),
    (
        N,
        "law_description",
        (
            "Under the Act, sex work between consenting adults is no longer a criminal "
            "offence, brothels need no licence from the police, and advertising rules are "
            "handled by the consumer affairs regulator. Offences involving children and "
            "coercion remain in the Crimes Act."
        ),
        N,
    ),
    (
        N,
        "procedure",
        (
            "The justice committee met on Thursday to consider amendments to the sex purchase "
            "provisions. Members agreed to hear oral evidence from four organisations at the "
            "next session, and the clerk will publish written submissions once the deadline "
            "closes on 14 June."
        ),
        N,
    ),
    (
        N,
        "consultation_summary",
        (
            "Of the 412 responses to the consultation, most groups led by people who sell sex "
            "asked for full decriminalisation, arguing that it would improve safety; women's "
            "aid organisations and several churches asked the government to criminalise "
            "paying for sex. The department has not yet said which option it prefers."
        ),
        D,
    ),
    (
        N,
        "research_report",
        (
            "The study interviewed 160 people who sell sex in three cities. Forty-one per "
            "cent said they had been refused help by police in the previous year, and a third "
            "said they worked alone more often since the law changed. The authors did not "
            "compare the figures with other countries."
        ),
        N,
    ),
    pytest.param(
        N,
        "explainer",
        (
            "What is the Nordic model? Under this approach, buying sex is a criminal offence "
            "while selling it is not, and governments that adopt it usually fund services for "
            "people who want to leave prostitution. Sweden introduced it in 1999, and Norway, "
            "Iceland, Canada, Northern Ireland, France and Ireland followed."
        ),
        A,
        marks=pytest.mark.xfail(strict=True, reason="known failure: read as abolitionist"),
    ),
    pytest.param(
        D,
        "press_release",
        (
            "BELFAST, 12 March 2024 - Harbour Voices, a network of sex workers and allies "
            "across Northern Ireland, today published its response to the statutory review "
            "and called on the Assembly to repeal the offence of paying for sex, which it "
            "said has pushed workers into more isolated and dangerous places."
        ),
        N,
        marks=pytest.mark.xfail(strict=True, reason="known failure: read as neutral"),
    ),
    (
        A,
        "news_quote",
        (
            "Speaking outside the court, a spokeswoman for the Coalition for Women's Freedom "
            "said the verdict showed why men who buy sex must face the law. 'Every purchase "
            "funds the traffickers and pimps who profit from these women,' she said."
        ),
        A,
    ),
    (
        D,
        "resolution",
        (
            "WHEREAS criminal penalties for consensual adult sex work expose workers to "
            "violence and deter them from seeking health care; and WHEREAS public health "
            "bodies support decriminalisation; RESOLVED, that the union calls on the state "
            "legislature to remove criminal penalties for the sale and purchase of sexual "
            "services between adults."
        ),
        D,
    ),
    (
        A,
        "faq",
        (
            "Won't criminalising buyers just push it underground? No. Buyers have to find the "
            "women, and so can the police and outreach workers. The Nordic model shifts the "
            "burden of the law onto the men who create the demand and offers the women "
            "support to leave."
        ),
        A,
    ),
    (
        N,
        "news_both_sides",
        (
            "The Senate passed the bill 31 to 28 after a long debate. Supporters called it a "
            "step toward safety and dignity for workers; opponents said it would normalise "
            "exploitation and make trafficking harder to detect. It now goes to the Assembly."
        ),
        N,
    ),
    (
        A,
        "announcement",
        (
            "The National Alliance Against Sexual Exploitation today released its annual "
            "report, which it said shows that countries punishing the purchase of sex see "
            "fewer trafficking victims, and urged ministers to adopt the model without delay."
        ),
        A,
    ),
    (
        D,
        "news_quote",
        (
            "A spokesperson for the Sex Workers' Health Collective told reporters that raids "
            "on massage parlours had driven women away from clinics. 'Nobody is safer when we "
            "are treated as criminals,' she said, calling for the offences to be scrapped."
        ),
        D,
    ),
    (
        N,
        "law_description",
        (
            "The 2017 Act made paying for sexual services a summary offence, with a fine of "
            "up to 500 euro for a first offence, and removed the offence of loitering for the "
            "purpose of prostitution. The sale of sex by an individual is not an offence; "
            "running a brothel still is."
        ),
        N,
    ),
    (
        N,
        "procedure",
        (
            "In its report the committee made eleven recommendations, among them that the "
            "department publish data on arrests under the sex purchase law each year and that "
            "a review consider the effect of the law on the health of people who sell sex. "
            "The government has two months to respond."
        ),
        N,
    ),
    pytest.param(
        N,
        "research_report",
        (
            "Researchers surveyed 1,200 adults in four provinces about the 2014 law. Half "
            "said buying sex should remain illegal, a third said it should be legal, and the "
            "rest had no view; support for the law was higher among women than men."
        ),
        A,
        marks=pytest.mark.xfail(strict=True, reason="known failure: read as abolitionist"),
    ),
    pytest.param(
        N,
        "explainer",
        (
            "How does decriminalisation differ from legalisation? Under decriminalisation, as "
            "in New Zealand, criminal laws against sex work are repealed and the work falls "
            "under ordinary employment and health rules; under legalisation, as in parts of "
            "Nevada, it is allowed only in licensed premises under special rules."
        ),
        D,
        marks=pytest.mark.xfail(strict=True, reason="known failure: read as decriminalisation"),
    ),
    (
        A,
        "press_release",
        (
            "DUBLIN, 4 June 2024 - Safe Passage Ireland, an alliance of 26 frontline, migrant "
            "and women's organisations, today welcomed the review of the sex purchase law and "
            "urged the Minister to fund exit services and enforce the law against buyers in "
            "every county."
        ),
        A,
    ),
    pytest.param(
        D,
        "announcement",
        (
            "The Red Lantern Project today launched its report on policing in Glasgow, which "
            "it said documents how kerb-crawling enforcement has left women working in darker "
            "streets, and called on Holyrood to drop any plan to criminalise the purchase of "
            "sex."
        ),
        N,
        marks=pytest.mark.xfail(strict=True, reason="known failure: read as neutral"),
    ),
    (
        A,
        "resolution",
        (
            "WHEREAS prostitution is a form of violence against women and an obstacle to "
            "equality; and WHEREAS the demand from buyers drives trafficking into the state; "
            "BE IT RESOLVED that the council supports legislation to criminalise the purchase "
            "of sex and to fund services for women who want to leave."
        ),
        A,
    ),
    (
        D,
        "faq",
        (
            "Why not just arrest the clients? Because when clients are targeted, sex workers "
            "lose the time to screen them, move to places where police won't look, and stop "
            "carrying condoms that could be used as evidence. Decriminalisation is the only "
            "model that puts our safety first."
        ),
        D,
    ),
    (
        D,
        "news_quote",
        (
            "Outside the parliament, members of the sex worker union held placards reading "
            "'Rights not rescue'. Their spokesperson said the new bill would push workers "
            "into isolation and called on senators to follow New Zealand instead."
        ),
        D,
    ),
    (
        N,
        "consultation_summary",
        (
            "The hearing heard from both camps. Health researchers told the committee that "
            "criminal laws reduced condom use, while a survivor-led group said the sex trade "
            "was inherently harmful and asked members to target buyers. The chair thanked "
            "witnesses and adjourned."
        ),
        N,
    ),
]


@pytest.mark.parametrize(("expected", "register", "text", "before"), CASES)
def test_each_register_gets_its_label(
    predictor: StancePredictor, expected: str, register: str, text: str, before: str
) -> None:
    assert predictor.predict([text])[0].label == expected


def test_the_boundary_corpus_fixed_registers_the_earlier_model_got_wrong(
    predictor: StancePredictor,
) -> None:
    """Of the cases the earlier model got wrong, the current one gets at least two right (news
    that sets both camps side by side, a consultation summary): measured when written."""
    fixed = [
        text
        for case in CASES
        for expected, _, text, before in [case.values if hasattr(case, "values") else case]
        if before != expected and predictor.predict([text])[0].label == expected
    ]
    assert len(fixed) >= 2
