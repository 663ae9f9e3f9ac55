"""The ports to public registers: what the rest of DigiSos may ask and the shape of the answers.

One port per register; each has a local adapter on the synthetic population and, later, an HTTP adapter.
Adapters are chosen in settings.REGISTER_ADAPTERS (see registry.py).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from digisos.core.identifiers import age_on

AddressProtection = Literal["ugradert", "fortrolig", "strengt_fortrolig", "strengt_fortrolig_utland"]


class RegisterUnavailable(Exception):
    """The register did not answer; callers show what they can and say what is missing."""


@dataclass(frozen=True)
class Address:
    street_name: str
    house_number: str
    house_letter: str | None
    street_code: str | None
    postnummer: str
    poststed: str
    kommunenummer: str
    bydelsnummer: str | None = None

    @property
    def one_line(self) -> str:
        return f"{self.street_name} {self.house_number}{self.house_letter or ''}, {self.postnummer} {self.poststed}"


@dataclass(frozen=True)
class Relative:
    pid: str = field(repr=False)
    given_name: str
    family_name: str
    birth_date: date
    lives_with_applicant: bool = True


@dataclass(frozen=True)
class Person:
    pid: str = field(repr=False)
    given_name: str
    middle_name: str | None
    family_name: str
    birth_date: date
    citizenship: str | None
    civil_status: str
    address_protection: AddressProtection
    bostedsadresse: Address | None = field(repr=False)
    spouse: Relative | None = None
    children: tuple[Relative, ...] = ()

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.middle_name, self.family_name) if part)

    @property
    def address_is_confidential(self) -> bool:
        return self.address_protection != "ugradert"

    def age(self, on: date) -> int:
        return age_on(self.birth_date, on)


class Folkeregister(Protocol):
    def get_person(self, pid: str) -> Person | None:
        """The person, or None if the register has no such person. Raises RegisterUnavailable."""
