"""Language identification: stancekit.language."""

from __future__ import annotations

import pytest

from stancekit.language import (
    MAX_CHARS,
    MIN_CONFIDENCE,
    _identifier,
    check_language,
    identify,
    is_reliable,
    paragraph_languages,
)

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


#: Paragraphs written for these tests: long (over MAX_CHARS characters) and shorter ones in the five
#: languages, neighbours, a heading, numbers only, and paragraphs mixing two languages, several of
#: them switching language between the 100th and the 200th character.
HAND_WRITTEN = {
    "en, long": (
        "The city council voted on Thursday evening to keep the late-night outreach van running "
        "for another two years. Councillors from every party praised the volunteers, although "
        "several asked for clearer figures on how many people the service reaches each month "
        "and what happens to those it refers to housing."
    ),
    "fr, long": (
        "Le tribunal administratif a rejeté mardi le recours déposé par l'association contre "
        "l'arrêté municipal. Les juges estiment que la commune pouvait interdire le stationnement "
        "des camionnettes dans ce quartier, mais ils rappellent que la mesure devra être "
        "réexaminée si la situation des personnes concernées se dégrade pendant l'hiver."
    ),
    "de, long": (
        "Die Beratungsstelle hat im vergangenen Jahr fast doppelt so viele Menschen begleitet wie "
        "zuvor. Die Leiterin erklärte bei der Vorstellung des Jahresberichts, dass vor allem die "
        "Nachfrage nach Hilfe bei Behördengängen und bei der Suche nach einer Wohnung gestiegen "
        "sei, während das Geld der Stadt seit Jahren gleich geblieben ist."
    ),
    "es, long": (
        "El ayuntamiento presentó ayer un nuevo plan para los barrios del centro que incluye más "
        "iluminación, patrullas nocturnas y un servicio de atención social abierto los fines de "
        "semana. Las asociaciones vecinales lo recibieron con prudencia y pidieron que se cuente "
        "con ellas antes de aplicar cualquier medida en sus calles."
    ),
    "sv, long": (
        "Regeringen tillsatte i går en utredning som ska se över hur lagen har tillämpats sedan "
        "den senaste ändringen. Utredaren ska bland annat undersöka hur polisen prioriterar "
        "ärendena, hur många som har dömts och vilket stöd som finns för dem som vill lämna, och "
        "redovisa sitt uppdrag före sommaren nästa år."
    ),
    "en, short": "Thank you all for coming tonight.",
    "fr, short": "Merci de votre attention.",
    "de, medium": (
        "Der Gesetzentwurf wird nach der Sommerpause im Bundestag beraten, teilte das Ministerium "
        "am Montag mit."
    ),
    "sv, medium": (
        "Remissvaren ska ha kommit in till departementet senast den femtonde mars, meddelade "
        "ministern."
    ),
    "numbers only": "2019 2020 2021 2022 — 14 %, 27 %, 3,5 / 12.000 (+46) 08-123 45 67",
    "a heading": "ENDS",
    "names, then Spanish": (
        "María José Fernández, Ana Lucía Torres y Carmen Ruiz (Madrid, Sevilla, Valencia, Bilbao, "
        "2023): las tres coinciden en que el debate público apenas escucha a las mujeres que "
        "trabajan en la calle y en que los medios repiten siempre las mismas imágenes."
    ),
    "French quoting English": (
        "« Nothing about us without us », répétaient les manifestantes devant la préfecture, "
        "avant de remettre au directeur de cabinet une lettre demandant l'abrogation du texte et "
        "la création d'un lieu d'accueil ouvert la nuit pour toutes les personnes concernées."
    ),
    "English, then German": (
        "The delegation spent the morning at the Hamburg counselling centre, where a social worker "
        "told them: Wir sehen jeden Tag, dass die Frauen zuerst eine Wohnung und eine "
        "Krankenversicherung brauchen, bevor sie über irgendetwas anderes nachdenken können."
    ),
    "nl, long": (
        "De gemeente wil volgend jaar een nieuw steunpunt openen waar mensen zonder afspraak "
        "terechtkunnen voor medische zorg, juridisch advies en hulp bij het vinden van ander "
        "werk. De raad vraagt het college wel om eerst met de betrokken organisaties te praten."
    ),
    "it, long": (
        "Il consiglio regionale ha approvato ieri sera una mozione che chiede al governo di "
        "finanziare i centri di ascolto già esistenti, invece di aprirne di nuovi. Secondo i "
        "promotori, molte strutture rischiano di chiudere entro la fine dell'anno per mancanza "
        "di fondi."
    ),
    "pt, medium": (
        "A associação apresentou ontem ao parlamento um relatório sobre as condições de trabalho "
        "nas grandes cidades do país."
    ),
    "da, long": (
        "Kommunen har besluttet at forlænge aftalen med den frivillige organisation, som hver "
        "nat kører rundt i byen med varm mad, kaffe og rådgivning. Organisationen håber nu, at "
        "flere kommuner vil følge eksemplet og give støtte i mindst tre år ad gangen."
    ),
    "Swedish, then English": (
        "Under seminariet i Malmö läste en av deltagarna upp ett brev från en kollega i London, "
        "som skrev: We are tired of being talked about by people who have never asked us a single "
        "question about our lives, our work or what would actually keep us safe."
    ),
    "Spanish, then English": (
        "En la rueda de prensa, la portavoz de la organización leyó en inglés el comunicado de "
        "sus socias de Dublín: The new law has not made anyone safer, it has only pushed our "
        "members further from the services and the police they need to reach."
    ),
    "German, then French": (
        "Beim Treffen in Straßburg zitierte die Abgeordnete eine Sozialarbeiterin aus Lyon, die "
        "ihr gesagt hatte: Depuis la loi, les femmes que nous suivons acceptent des clients "
        "qu'elles auraient refusés avant, parce qu'elles ont moins de temps pour négocier."
    ),
    "English, then Spanish": (
        "At the Madrid hearing, a member of the committee read out a message from an outreach "
        "worker in Valencia: Cada noche vemos a mujeres que no se atreven a denunciar porque "
        "temen perder el piso o que la policía las multe a ellas en lugar de a los clientes."
    ),
}


def _read_200(texts: list[str]) -> list[str | None]:
    """The one-stage identification, written out here: every paragraph's first MAX_CHARS (200)
    characters, whitespace collapsed, in one call; the answer when at least MIN_CONFIDENCE."""
    lines = [
        " ".join(text[:MAX_CHARS].split()).encode("utf-8", "replace").decode("utf-8") + "\n"
        for text in texts
    ]
    found = _identifier().f.multilinePredict(lines, 1, MIN_CONFIDENCE, "replace")
    return [labels[0].removeprefix("__label__") if labels else None for labels in found]


def test_identify_gives_the_answer_of_the_first_200_characters_on_hand_written_paragraphs() -> None:
    # a cheaper identification (e.g. the first 100 characters when sure) must give these answers
    texts = list(HAND_WRITTEN.values())
    assert MAX_CHARS == 200
    assert identify(texts) == _read_200(texts)
    assert [identify([text])[0] for text in texts] == _read_200(texts)  # one at a time
    assert identify(texts[::-1]) == _read_200(texts)[::-1]  # in any order


def test_long_hand_written_paragraphs_get_their_language_and_numbers_none() -> None:
    found = dict(zip(HAND_WRITTEN, identify(list(HAND_WRITTEN.values())), strict=True))
    for name, code in found.items():
        if name.endswith(", long"):
            assert code == name.removesuffix(", long"), name
    assert found["numbers only"] is None
    assert found["a heading"] is None


def test_the_first_100_characters_alone_would_change_answers() -> None:
    """Why identify reads 200 characters of every paragraph rather than stopping at the first 100
    when they are sure: a paragraph that turns to German after its first 100 characters is sure
    English on those (`python benchmarks/bench_langid.py --stages`)."""
    text = HAND_WRITTEN["English, then German"]
    line = " ".join(text[:100].split()) + "\n"
    ((probability, label),) = _identifier().f.predict(line, 1, 0.0, "replace")
    assert (label, probability > 0.9) == ("__label__en", True)
    assert identify([text]) == ["de"]


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
