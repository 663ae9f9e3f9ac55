"""The Folkeregister port on the local synthetic population, and the population's own consistency."""

import json
from datetime import date

import pytest
from django.conf import settings

from digisos.core.identifiers import (
    parse_identity_number,
    validate_account_number,
    validate_organisation_number,
)
from digisos.registers.selectors import get_person, list_demo_personas

MUNICIPALITIES = {
    row["kommunenummer"]
    for row in json.loads(
        (settings.SRC_DIR / "municipalities" / "data" / "kommuner-2024.json").read_text(encoding="utf-8")
    )
}
PERSONAS = json.loads(settings.DEMO_POPULATION_FILE.read_text(encoding="utf-8"))["personas"]
TODAY = date(2026, 11, 22)


def _pid(key: str) -> str:
    return next(p.pid for p in list_demo_personas() if p.key == key)


def test_a_person_comes_back_with_name_address_and_district():
    person = get_person(_pid("kari-leier-oslo"))
    assert person.display_name == "Kari Nordmann"
    assert person.bostedsadresse.one_line == "Thorvald Meyers gate 51, 0555 OSLO"
    assert person.bostedsadresse.bydelsnummer == "030102"
    assert not person.address_is_confidential
    assert person.pid not in repr(person)


def test_unknown_person_is_none():
    assert get_person("01010150000") is None


def test_address_protection_and_age():
    assert get_person(_pid("fortrolig-adresse")).address_is_confidential
    strict = get_person(_pid("strengt-fortrolig"))
    assert strict.address_is_confidential and strict.bostedsadresse is None
    assert get_person(_pid("under-18")).age(TODAY) == 17


def test_family_has_spouse_and_children():
    person = get_person(_pid("familie-bergen"))
    assert person.civil_status == "gift"
    assert person.spouse is not None
    assert [child.given_name for child in person.children] == ["Emma", "Jonas"]


def test_there_are_at_least_twelve_personas_with_unique_keys_and_pids():
    assert len(PERSONAS) >= 12
    assert len({p["key"] for p in PERSONAS}) == len(PERSONAS)
    assert len({p["pid"] for p in PERSONAS}) == len(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p["key"] for p in PERSONAS])
def test_each_persona_is_consistent_across_registers(persona):
    record = persona["folkeregister"]
    number = parse_identity_number(persona["pid"], allow_synthetic=True)
    assert number.is_synthetic, "demo personas must never carry a real-format number"
    assert number.birth_date.isoformat() == record["birth_date"]
    address = record["bostedsadresse"]
    if address:
        assert address["kommunenummer"] in MUNICIPALITIES
        assert address["bydelsnummer"] is None or address["bydelsnummer"].startswith(address["kommunenummer"])
    if record["address_protection"] == "strengt_fortrolig":
        assert address is None
    for relative in [*record["children"], *([record["spouse"]] if record["spouse"] else [])]:
        assert (
            parse_identity_number(relative["pid"], allow_synthetic=True).birth_date.isoformat()
            == (relative["birth_date"])
        )
    for child in record["children"]:
        assert child["birth_date"] > record["birth_date"]
    if persona["kontoregister"]["account_number"]:
        validate_account_number(persona["kontoregister"]["account_number"])
    for employment in persona["aaregister"]["employments"]:
        validate_organisation_number(employment["orgnr"])
    employers = {e["orgnr"] for e in persona["aaregister"]["employments"]}
    assert {i["orgnr"] for i in persona["skatteetaten"]["incomes"]} <= employers
    if persona["skatteetaten"]["status"] == "fails":
        assert persona["skatteetaten"]["incomes"] == []
