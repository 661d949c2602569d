"""Language identification: stancekit.language."""

from __future__ import annotations

import pytest

from stancekit.language import check_language, identify, is_reliable, paragraph_languages

PARAGRAPHS = {
    "en": "The committee heard evidence on the bill from health workers and police officers.",
    "fr": "La commission a entendu les associations et les policiers sur la proposition de loi.",
    "de": "Der Ausschuss hat am Dienstag Sachverständige zum Gesetzentwurf angehört.",
    "es": "La comisión escuchó a las asociaciones y a la policía sobre el proyecto de ley.",
    "sv": "Utskottet hörde på tisdagen experter och polisen om förslaget till ny lag.",
    "nl": "De commissie hoorde dinsdag deskundigen en de politie over het wetsvoorstel.",
    "it": "La commissione ha ascoltato martedì esperti e polizia sulla proposta di legge.",
    "pt": "A comissão ouviu na terça-feira especialistas e a polícia sobre o projeto de lei.",
    "da": "Udvalget hørte tirsdag eksperter og politiet om lovforslaget.",
}


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_paragraphs_in_each_language_and_its_neighbours_are_told_apart(code: str) -> None:
    assert identify([PARAGRAPHS[code]]) == [code]


def test_identification_is_deterministic_and_keeps_order() -> None:
    texts = list(PARAGRAPHS.values()) * 3
    assert identify(texts) == identify(texts)
    assert identify(texts) == list(PARAGRAPHS) * 3


def test_short_paragraphs_take_their_documents_language() -> None:
    texts = [PARAGRAPHS["fr"], "Contact presse", PARAGRAPHS["de"], "ENDS", "Ende"]
    groups = ["a", "a", "b", "b", "c"]
    assert paragraph_languages(texts, groups, default="en") == ["fr", "fr", "de", "de", "en"]


def test_short_paragraphs_without_a_document_take_the_default() -> None:
    assert not is_reliable("Merci.", "fr")
    assert not is_reliable("Une phrase assez longue pour être identifiée sans peine.", None)
    assert paragraph_languages(["Merci."], None, default="sv") == ["sv"]


def test_a_code_switched_paragraph_gets_its_main_language() -> None:
    text = (
        "Lors de la conférence, une militante a cité le slogan « sex work is work » avant "
        "d'expliquer que la loi française de 2016 avait rendu le travail plus dangereux."
    )
    assert identify([text]) == ["fr"]


def test_an_empty_text_is_not_identified_and_odd_text_does_not_fail() -> None:
    empty, short, surrogate = identify(["   ", "ok", "\ud800 lone surrogate"])
    assert empty is None
    assert not is_reliable("ok", short)  # too short to stand alone, whatever was found
    assert surrogate is None or len(surrogate) == 2


@pytest.mark.parametrize("bad", ["english", "e", "1a", "ünd"])
def test_language_codes_are_two_letters(bad: str) -> None:
    with pytest.raises(ValueError, match="two-letter"):
        check_language(bad)
    assert check_language(" FR ") == "fr"
