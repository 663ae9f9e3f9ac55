"""Norwegian identifiers: fødselsnummer, d-nummer (also synthetic test numbers), kontonummer, orgnr.

python-stdnum checks the real numbers. It does not know Tenor's synthetic numbers (month + 80) and reads
NAV's (month + 40) as H-numbers, so the month is normalised here before stdnum checks the rest.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.conf import settings
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer, kontonr, orgnr

IdentityKind = Literal["fnr", "dnr", "synthetic_tenor", "synthetic_nav"]

TENOR_MONTH_OFFSET = 80
NAV_MONTH_OFFSET = 40
D_NUMBER_DAY_OFFSET = 40


class InvalidIdentifier(ValueError):
    """A number that failed validation; `message` is plain Norwegian, fit to show the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidIdentityNumber(InvalidIdentifier):
    pass


class InvalidAccountNumber(InvalidIdentifier):
    pass


class InvalidOrganisationNumber(InvalidIdentifier):
    pass


@dataclass(frozen=True)
class IdentityNumber:
    value: str
    kind: IdentityKind
    birth_date: date
    is_synthetic: bool
    is_d_number: bool

    def age(self, on: date) -> int:
        return age_on(self.birth_date, on)

    def __repr__(self) -> str:
        # These objects may end up in a log or a traceback; never show the number.
        return f"IdentityNumber(kind={self.kind!r}, value='***********')"

    __str__ = __repr__


# A municipality's number (kommunenummer, 0301) and a NAV office's (enhetsnummer, 1201): four ASCII digits; a
# county's (fylkesnummer, 03): two. The path converter `kommunenummer` (core.converters, KOMMUNENUMMER_PATTERN)
# matches the same.
def is_number_code(value: str, length: int) -> bool:
    """`length` ASCII digits: the shape of a kommunenummer, enhetsnummer (4) or fylkesnummer (2). Checked before
    such a code from a URL is looked up: str.isdigit() alone also takes other scripts' digits (٠٣٠١), and a NUL
    in a lookup is a database error, not "no such municipality"."""
    return len(value) == length and value.isascii() and value.isdigit()


def is_kommunenummer(value: str) -> bool:
    return is_number_code(value, 4)


def age_on(birth_date: date, on: date) -> int:
    """Whole years. Someone born 29 February turns a year older on 1 March in years without that day."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def parse_identity_number(value: str, *, allow_synthetic: bool | None = None) -> IdentityNumber:
    """Validates a fødselsnummer or d-nummer; synthetic numbers only when allowed (default: the setting)."""
    if allow_synthetic is None:
        allow_synthetic = settings.ALLOW_SYNTHETIC_IDENTITY_NUMBERS
    number = "".join(str(value or "").split())
    if not is_number_code(number, 11):
        raise InvalidIdentityNumber("Fødselsnummeret må ha 11 siffer.")
    month = int(number[2:4])
    kind: IdentityKind = "fnr"
    if month > TENOR_MONTH_OFFSET:
        kind, month = "synthetic_tenor", month - TENOR_MONTH_OFFSET
    elif month > NAV_MONTH_OFFSET:
        kind, month = "synthetic_nav", month - NAV_MONTH_OFFSET
    is_synthetic = kind != "fnr"
    if is_synthetic and not allow_synthetic:
        raise InvalidIdentityNumber("Dette er et testnummer. Skriv inn et ekte fødselsnummer eller d-nummer.")
    if not _check_digits_match(number):
        raise InvalidIdentityNumber("Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet det riktig.")
    normalised = f"{number[:2]}{month:02d}{number[4:]}"
    is_d_number = int(number[0]) >= 4
    try:
        birth_date = fodselsnummer.get_birth_date(normalised)
    except (StdnumError, ValueError):
        raise InvalidIdentityNumber(
            "Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet det riktig."
        ) from None
    if birth_date > date.today():
        raise InvalidIdentityNumber("Fødselsnummeret er ikke gyldig. Sjekk at du har skrevet det riktig.")
    if kind == "fnr" and is_d_number:
        kind = "dnr"
    return IdentityNumber(
        value=number, kind=kind, birth_date=birth_date, is_synthetic=is_synthetic, is_d_number=is_d_number
    )


def is_synthetic_identity_number(value: str) -> bool:
    """A valid number in Tenor's or NAV's synthetic test range: a test person, never a real one."""
    try:
        return parse_identity_number(value, allow_synthetic=True).is_synthetic
    except InvalidIdentityNumber:
        return False


def _check_digits_match(number: str) -> bool:
    # The check digits are computed over the number as written (synthetic offsets included).
    return (
        fodselsnummer.calc_check_digit1(number[:9]) == number[9]
        and fodselsnummer.calc_check_digit2(number[:10]) == number[10]
    )


def validate_account_number(value: str) -> str:
    """A Norwegian kontonummer (11 digits, MOD11); accepts "1234.56.78903" and spaces; returns the digits."""
    try:
        return kontonr.validate(str(value or "")).zfill(11)
    except StdnumError:
        raise InvalidAccountNumber(
            "Kontonummeret er ikke gyldig. Det skal ha 11 siffer, for eksempel 1234 56 78903."
        ) from None


def validate_organisation_number(value: str) -> str:
    """A Norwegian organisasjonsnummer (9 digits, MOD11); returns the digits."""
    try:
        return orgnr.validate(str(value or ""))
    except StdnumError:
        raise InvalidOrganisationNumber(
            "Organisasjonsnummeret er ikke gyldig. Det skal ha 9 siffer."
        ) from None
