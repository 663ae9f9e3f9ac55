"""Reads for the citizen's start page: who you are, where your application goes, and whether you can apply."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils import timezone

from digisos.municipalities.selectors import DigitalStatus, OfficeRouting, digital_status, route_to_office
from digisos.registers.ports import Person
from digisos.registers.selectors import get_person

ADULT_AGE = 18

Gate = Literal["ok", "not_found", "under_18", "address_protection"]


@dataclass(frozen=True)
class StartPage:
    gate: Gate
    person: Person | None = None
    routing: OfficeRouting | None = None
    status: DigitalStatus | None = None


def start_page_for_citizen(pid: str, *, today: date | None = None) -> StartPage:
    person = get_person(pid)
    if person is None:
        return StartPage(gate="not_found")
    today = today or timezone.localdate()
    if person.address_is_confidential:
        # Never route or show the address of a protected person here: NAV handles them by phone or in person.
        return StartPage(gate="address_protection", person=person)
    if person.age(today) < ADULT_AGE:
        return StartPage(gate="under_18", person=person)
    address = person.bostedsadresse
    routing = route_to_office(
        kommunenummer=address.kommunenummer if address else None,
        bydelsnummer=address.bydelsnummer if address else None,
        street_code=address.street_code if address else None,
        house_number=address.house_number if address else None,
    )
    status = digital_status(routing.municipality.kommunenummer) if routing.municipality else None
    return StartPage(gate="ok", person=person, routing=routing, status=status)
