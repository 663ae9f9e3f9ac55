"""The inbox case page's history names every type of event NAV's format has (hendelse/*.json) in words, in the
page's language, with what is useful of it below. A vilkår, a dokumentasjonkrav and a rammevedtak were shown as
"Hendelse: vilkar", "Hendelse: dokumentasjonkrav" and "Hendelse: rammevedtak"; a type the format does not know
still is (a case system's event is kept, never refused)."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.utils import translation

import digisos.application
from digisos.inbox.selectors import describe_event
from digisos.soker import builders
from digisos.soker.constants import EVENT_TYPES, KravStatus

LANGUAGES = ("nb", "nn", "en")
# The format's event types, as the schemas we validate against name them (one file per type).
FORMAT_TYPES = Path(digisos.application.__file__).parent / "filformat/digisos/soker/parts/hendelse"

CONDITION = {
    "nb": "Vilkår «Møte hos Nav»: Relevant",
    "nn": "Vilkår «Møte hos Nav»: Relevant",
    "en": "Condition “Møte hos Nav”: Relevant",
}
REQUIREMENT = {
    "nb": "Krav om dokumentasjon «Strømregning»: Levert tidligere",
    "nn": "Krav om dokumentasjon «Strømregning»: Levert tidlegare",
    "en": "Documentation requirement “Strømregning”: Given before",
}
FRAMEWORK = {
    "nb": "Rammevedtak: Strøm",
    "nn": "Rammevedtak: Strøm",
    "en": "Framework decision: Strøm",
}
DETAILS = {
    "deadline": {
        "nb": "Frist 1. desember 2026",
        "nn": "Frist 1. desember 2026",
        "en": "Deadline 1 December 2026",
    },
    "sak": {"nb": "Sak: sak-1", "nn": "Sak: sak-1", "en": "Case: sak-1"},
    "payments": {"nb": "Utbetalinger: u-1, u-2", "nn": "Utbetalingar: u-1, u-2", "en": "Payments: u-1, u-2"},
    "amount": {"nb": "3\xa0000\xa0kr", "nn": "3\xa0000\xa0kr", "en": "NOK 3,000"},
    "period": {
        "nb": "Periode 1. desember 2026 til 31. desember 2026",
        "nn": "Periode 1. desember 2026 til 31. desember 2026",
        "en": "Period 1 December 2026 to 31 December 2026",
    },
}


def _described(event: dict, language: str) -> tuple[str, list[str]]:
    with translation.override(language):
        row = describe_event(event, {})
    return row.title, row.details


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_condition_is_named_with_its_title_status_description_sak_and_payments(language):
    event = builders.vilkar(
        "vilkar-1",
        tittel="Møte hos Nav",
        beskrivelse="Du må møte til samtale hver uke.",
        saksreferanse="sak-1",
        utbetalingsreferanse=["u-1", "u-2"],
    )  # no status: RELEVANT, as the fold reads it
    title, details = _described(event, language)
    assert title == CONDITION[language]
    assert details == [
        "Du må møte til samtale hver uke.",
        DETAILS["sak"][language],
        DETAILS["payments"][language],
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_documentation_requirement_is_named_with_its_title_status_and_deadline(language):
    # A case system's own title, shown as it came (one of ours would be in the page's language).
    event = builders.dokumentasjonkrav(
        "krav-1",
        tittel="Strømregning",
        beskrivelse="For november.",
        frist=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        status=KravStatus.LEVERT_TIDLIGERE,
        saksreferanse="sak-1",
    )
    title, details = _described(event, language)
    assert title == REQUIREMENT[language]
    assert details == ["For november.", DETAILS["deadline"][language], DETAILS["sak"][language]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_framework_decision_is_named_with_what_it_is_for_its_amount_and_period(language):
    event = builders.rammevedtak(
        "ramme-1",
        beskrivelse="Strøm",
        belop=3000,
        fom=date(2026, 12, 1),
        tom=date(2026, 12, 31),
        saksreferanse="sak-1",
    )
    title, details = _described(event, language)
    assert title == FRAMEWORK[language]
    assert details == [DETAILS["amount"][language], DETAILS["period"][language], DETAILS["sak"][language]]


def test_without_their_optional_fields_they_are_still_named_in_words():
    condition = _described(builders.vilkar("vilkar-7", status=KravStatus.ANNULLERT), "nb")
    requirement = _described(builders.dokumentasjonkrav("krav-7"), "nb")
    framework = _described(builders.rammevedtak("ramme-7", fom=date(2026, 12, 1)), "nb")
    assert condition == ("Vilkår «vilkar-7»: Annullert", [])  # no title: its reference, as a sak's
    assert requirement == ("Krav om dokumentasjon «krav-7»: Relevant", [])
    assert framework == ("Rammevedtak", ["Fra 1. desember 2026"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_type_of_the_format_has_a_title_in_words_and_an_unknown_type_keeps_the_fallback(language):
    assert {path.stem for path in FORMAT_TYPES.glob("*.json")} == set(EVENT_TYPES)
    for kind in EVENT_TYPES:
        title, _details = _described(builders.event(kind), language)
        assert title and kind not in title, (kind, title)
    unknown, _details = _described(builders.event("nyTypeFraFagsystemet"), language)
    assert unknown == {"nb": "Hendelse", "nn": "Hending", "en": "Event"}[language] + ": nyTypeFraFagsystemet"
