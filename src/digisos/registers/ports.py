"""The ports to public registers: what the rest of DigiSos may ask and the shape of the answers.

One port per register; each has a local adapter on the synthetic population and, later, an HTTP adapter.
Adapters are chosen in settings.REGISTER_ADAPTERS (see registry.py). Each port and each adapter names its
data flow (`flow`, declared in digisos.core.dataflows); tests/followup/test_dataflow_register.py checks it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Literal, Protocol

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
        return not shows_address(self.address_protection)

    def age(self, on: date) -> int:
        return age_on(self.birth_date, on)


class Folkeregister(Protocol):
    flow: ClassVar[str] = "register.folkeregister"

    def get_person(self, pid: str) -> Person | None:
        """The person, or None if the register has no such person. Raises RegisterUnavailable."""


@dataclass(frozen=True)
class ContactInfo:
    """KRR (Kontakt- og reservasjonsregisteret)."""

    mobile: str | None
    reserved: bool = False  # reserved against digital contact: no SMS or e-mail
    email: str | None = None


@dataclass(frozen=True)
class Employment:
    """Aa-registeret: one arbeidsforhold."""

    orgnr: str
    employer_name: str
    start_date: date
    end_date: date | None
    percent: int


@dataclass(frozen=True)
class PaymentComponent:
    type: str
    amount_nok: int


@dataclass(frozen=True)
class NavPayment:
    """NAV utbetalinger: one payment to the person."""

    date: date
    amount_nok: int
    benefit: str
    components: tuple[PaymentComponent, ...] = ()


@dataclass(frozen=True)
class TaxableIncome:
    """Skatteetaten (a-ordningen): taxable income from one payer for one month."""

    orgnr: str
    employer_name: str
    period_start: date
    period_end: date
    gross_nok: int
    tax_withheld_nok: int


@dataclass(frozen=True)
class HousingAllowanceCase:
    case_id: str
    status: str
    monthly_nok: int


@dataclass(frozen=True)
class HousingAllowancePayment:
    date: date
    amount_nok: int


@dataclass(frozen=True)
class HousingAllowance:
    """Husbanken: bostøtte cases and payments of the last two months."""

    cases: tuple[HousingAllowanceCase, ...] = ()
    payments: tuple[HousingAllowancePayment, ...] = ()


class Krr(Protocol):
    flow: ClassVar[str] = "register.krr"

    def get_contact(self, pid: str) -> ContactInfo | None: ...


class Kontoregister(Protocol):
    flow: ClassVar[str] = "register.kontoregister"

    def get_account(self, pid: str) -> str | None:
        """The person's active Norwegian account number (11 digits), or None."""


class Aaregister(Protocol):
    flow: ClassVar[str] = "register.aaregister"

    def get_employments(self, pid: str) -> list[Employment]: ...


class NavUtbetalinger(Protocol):
    flow: ClassVar[str] = "register.nav_utbetalinger"

    def get_payments(self, pid: str, *, since: date) -> list[NavPayment]: ...


class Skatteetaten(Protocol):
    flow: ClassVar[str] = "register.skatteetaten"

    def get_taxable_income(self, pid: str, *, on: date) -> list[TaxableIncome]:
        """The latest reported month: last month, or the month before when today is the 10th or earlier."""


class Husbanken(Protocol):
    flow: ClassVar[str] = "register.husbanken"

    def get_housing_allowance(self, pid: str, *, on: date) -> HousingAllowance: ...


def shows_address(grading: str | None) -> bool:
    """Whether a person's address may be shown to anyone but themselves: only when Folkeregisteret says
    "ugradert". Fortrolig and strengt fortrolig (kode 7 and 6), a grading we do not know and no answer all
    hide it. The one rule for every view that shows an address (the application's gate, the manual inbox)."""
    return grading == "ugradert"


class AddressProtectionRegister(Protocol):
    """Folkeregisteret's adressebeskyttelse, asked on its own before an employee sees anything (as Modia asks
    PDL first): the access policy must not depend on a fuller person lookup succeeding."""

    flow: ClassVar[str] = "register.address_protection"

    def get_address_protection(self, pid: str) -> AddressProtection | None:
        """The person's gradering, or None if the register has no such person. Raises RegisterUnavailable."""


class Skjerming(Protocol):
    """skjermede-personer-pip: is the person an employee of NAV (egen ansatt)?"""

    flow: ClassVar[str] = "register.skjerming"

    def is_skjermet(self, pid: str) -> bool:
        """True if the person is skjermet. Raises RegisterUnavailable."""


# Altinn's right to sign NAV's DigiSos agreements for an organisation (navikt/sosialhjelp-avtaler-api,
# AltinnService.kt): held by the kommunedirektør or whoever they delegate it to in Altinn.
DIGISOS_AGREEMENT_RIGHT = "nav_sosialtjenester_digisos-avtale"


@dataclass(frozen=True)
class Authorisation:
    """One right a person holds on an organisation in Altinn (the authorisation register)."""

    orgnr: str
    organisation_name: str
    # Enhetsregisteret's organisation form; a municipality is "KOMM".
    organisation_form: str
    right: str
    # For a municipality (KOMM): its kommunenummer, as Enhetsregisteret has it; None for other forms.
    kommunenummer: str | None = None


class AuthorisationRegister(Protocol):
    flow: ClassVar[str] = "register.altinn"

    def get_authorisations(self, pid: str) -> list[Authorisation]:
        """The rights the person holds, on every organisation. Raises RegisterUnavailable."""
        ...


@dataclass(frozen=True)
class PostalAddress:
    """An address as Enhetsregisteret gives it: up to three lines, then postnummer and poststed."""

    lines: tuple[str, ...]
    postnummer: str
    poststed: str


@dataclass(frozen=True)
class Organisation:
    """Enhetsregisteret (Brønnøysundregistrene): one enhet or underenhet."""

    orgnr: str
    name: str
    business_address: PostalAddress | None
    deleted: bool = False


class Enhetsregisteret(Protocol):
    flow: ClassVar[str] = "register.enhetsregisteret"

    def get_organisation(self, orgnr: str) -> Organisation | None:
        """The organisation, or None if the register has no such number. Raises RegisterUnavailable."""
