"""Local adapters on the synthetic demo population (settings.DEMO_POPULATION_FILE): for the quick start and
the tests, never for real people."""

import calendar
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from ..ports import (
    Address,
    AddressProtection,
    Authorisation,
    ContactInfo,
    Employment,
    HousingAllowance,
    HousingAllowanceCase,
    HousingAllowancePayment,
    NavPayment,
    Organisation,
    PaymentComponent,
    Person,
    PostalAddress,
    RegisterUnavailable,
    Relative,
    TaxableIncome,
)

# The demo population's payment dates are written as of this day; the local adapters move them so they keep
# the same distance from today (a payment "3 days ago" stays 3 days ago, whenever the demo runs).
POPULATION_AS_OF = date(2026, 11, 23)

_cache: dict[Path, tuple[float, dict[str, dict[str, Any]]]] = {}


def load_population(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The personas by pid; re-read when the file changes so edits show without a restart."""
    path = Path(path or settings.DEMO_POPULATION_FILE)
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        personas = json.loads(path.read_text(encoding="utf-8"))["personas"]
        _cache[path] = (mtime, {persona["pid"]: persona for persona in personas})
    return _cache[path][1]


class LocalFolkeregister:
    flow = "register.folkeregister"

    def get_person(self, pid: str) -> Person | None:
        persona = load_population().get(pid)
        return _person(persona) if persona else None


def _person(persona: dict[str, Any]) -> Person:
    record = persona["folkeregister"]
    address = record.get("bostedsadresse")
    spouse = record.get("spouse")
    return Person(
        pid=persona["pid"],
        given_name=record["given_name"],
        middle_name=record.get("middle_name"),
        family_name=record["family_name"],
        birth_date=date.fromisoformat(record["birth_date"]),
        citizenship=record.get("citizenship"),
        civil_status=record["civil_status"],
        address_protection=record["address_protection"],
        bostedsadresse=Address(**address) if address else None,
        spouse=_relative(spouse) if spouse else None,
        children=tuple(_relative(child) for child in record.get("children", [])),
    )


def _relative(record: dict[str, Any]) -> Relative:
    return Relative(
        pid=record["pid"],
        given_name=record["given_name"],
        family_name=record["family_name"],
        birth_date=date.fromisoformat(record["birth_date"]),
        lives_with_applicant=record.get("lives_with_applicant", True),
    )


def _persona(pid: str) -> dict[str, Any] | None:
    return load_population().get(pid)


def _moved(value: str, today: date) -> date:
    return date.fromisoformat(value) + (today - POPULATION_AS_OF)


def _failing(record: dict[str, Any], register: str) -> None:
    if record.get("status") == "fails":
        raise RegisterUnavailable(f"{register} (demo persona set to fail)")


class LocalKrr:
    flow = "register.krr"

    def get_contact(self, pid: str) -> ContactInfo | None:
        persona = _persona(pid)
        if persona is None or "krr" not in persona:
            return None
        record = persona["krr"]
        _failing(record, "KRR")
        return ContactInfo(
            mobile=record.get("mobile"), reserved=bool(record.get("reserved")), email=record.get("email")
        )


class LocalKontoregister:
    flow = "register.kontoregister"

    def get_account(self, pid: str) -> str | None:
        persona = _persona(pid)
        if persona is None:
            return None
        record = persona.get("kontoregister", {})
        _failing(record, "Kontoregister")
        return record.get("account_number")


class LocalAaregister:
    flow = "register.aaregister"

    def get_employments(self, pid: str) -> list[Employment]:
        persona = _persona(pid)
        if persona is None:
            return []
        record = persona.get("aaregister", {})
        _failing(record, "Aa-registeret")
        return [
            Employment(
                orgnr=item["orgnr"],
                employer_name=item["employer_name"],
                start_date=date.fromisoformat(item["start_date"]),
                end_date=date.fromisoformat(item["end_date"]) if item.get("end_date") else None,
                percent=int(item["percent"]),
            )
            for item in record.get("employments", [])
        ]


class LocalNavUtbetalinger:
    flow = "register.nav_utbetalinger"

    def get_payments(self, pid: str, *, since: date) -> list[NavPayment]:
        persona = _persona(pid)
        if persona is None:
            return []
        record = persona.get("nav_utbetalinger", {})
        _failing(record, "Nav utbetalinger")
        today = date.today()
        payments = [
            NavPayment(
                date=_moved(item["date"], today),
                amount_nok=int(item["amount_nok"]),
                benefit=item["benefit"],
                components=tuple(
                    PaymentComponent(type=c["type"], amount_nok=int(c["amount_nok"]))
                    for c in item.get("components", [])
                ),
            )
            for item in record.get("payments", [])
        ]
        return [payment for payment in payments if payment.date >= since]


def reported_month(on: date) -> tuple[date, date]:
    """Skatteetaten's latest complete month: last month, or two months back on the 10th or earlier."""
    back = 2 if on.day <= 10 else 1
    year, month = on.year, on.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class LocalSkatteetaten:
    flow = "register.skatteetaten"

    def get_taxable_income(self, pid: str, *, on: date) -> list[TaxableIncome]:
        persona = _persona(pid)
        if persona is None:
            return []
        record = persona.get("skatteetaten", {})
        _failing(record, "Skatteetaten")
        start, end = reported_month(on)
        return [
            TaxableIncome(
                orgnr=item["orgnr"],
                employer_name=item["employer_name"],
                period_start=start,
                period_end=end,
                gross_nok=int(item["gross_nok"]),
                tax_withheld_nok=int(item["tax_withheld_nok"]),
            )
            for item in record.get("incomes", [])
        ]


class LocalHusbanken:
    flow = "register.husbanken"

    def get_housing_allowance(self, pid: str, *, on: date) -> HousingAllowance:
        persona = _persona(pid)
        if persona is None:
            return HousingAllowance()
        record = persona.get("husbanken", {})
        _failing(record, "Husbanken")
        today = date.today()
        since = on - timedelta(days=60)
        return HousingAllowance(
            cases=tuple(
                HousingAllowanceCase(
                    case_id=c["case_id"], status=c["status"], monthly_nok=int(c["monthly_nok"])
                )
                for c in record.get("cases", [])
            ),
            payments=tuple(
                payment
                for payment in (
                    HousingAllowancePayment(date=_moved(p["date"], today), amount_nok=int(p["amount_nok"]))
                    for p in record.get("payments", [])
                )
                if payment.date >= since
            ),
        )


class LocalAddressProtection:
    """The gradering from the persona's folkeregister record; a persona may set
    `"address_protection_register": {"status": "fails"}` to show what an outage does."""

    flow = "register.address_protection"

    def get_address_protection(self, pid: str) -> AddressProtection | None:
        persona = _persona(pid)
        if persona is None:
            return None
        _failing(persona.get("address_protection_register", {}), "Adressebeskyttelse")
        return persona["folkeregister"]["address_protection"]

    def get_address_protections(self, pids: list[str]) -> dict[str, AddressProtection | None]:
        """Many persons in one call, as PDL's hentPersonBolk answers (registers/protection.py uses it): the
        population is looked up once for the lot, not once per person. A persona set to fail is left out of
        the answer, which the caller reads as no answer for that person (fail closed)."""
        population = load_population()
        answers: dict[str, AddressProtection | None] = {}
        for pid in pids:
            persona = population.get(pid)
            if persona is None:
                answers[pid] = None
            elif persona.get("address_protection_register", {}).get("status") != "fails":
                answers[pid] = persona["folkeregister"]["address_protection"]
        return answers


class LocalSkjerming:
    """`"skjerming": {"skjermet": true}` on a persona marks an employee of NAV; `"status": "fails"` an outage."""

    flow = "register.skjerming"

    def is_skjermet(self, pid: str) -> bool:
        persona = _persona(pid)
        record = (persona or {}).get("skjerming", {})
        _failing(record, "Skjerming")
        return bool(record.get("skjermet", False))


class LocalAltinn:
    """Altinn rights from the personas' `altinn` records (the municipal staff in the demo population)."""

    flow = "register.altinn"

    def get_authorisations(self, pid: str) -> list[Authorisation]:
        persona = _persona(pid)
        if persona is None:
            return []
        record = persona.get("altinn", {})
        _failing(record, "Altinn")
        return [
            Authorisation(
                orgnr=item["orgnr"],
                organisation_name=item["organisation_name"],
                organisation_form=item["organisation_form"],
                right=item["right"],
                kommunenummer=item.get("kommunenummer"),
            )
            for item in record.get("rights", [])
        ]


class LocalEnhetsregisteret:
    """Enhetsregisteret on the synthetic organisations in settings.DEMO_ENHETSREGISTER_FILE."""

    flow = "register.enhetsregisteret"

    def get_organisation(self, orgnr: str) -> Organisation | None:
        records = json.loads(Path(settings.DEMO_ENHETSREGISTER_FILE).read_text(encoding="utf-8"))
        record = next((r for r in records["organisations"] if r["orgnr"] == orgnr), None)
        if record is None:
            return None
        if record.get("unavailable"):
            raise RegisterUnavailable("enhetsregisteret")
        address = record.get("address")
        return Organisation(
            orgnr=record["orgnr"],
            name=record["name"],
            business_address=PostalAddress(
                lines=tuple(address["lines"]), postnummer=address["postnummer"], poststed=address["poststed"]
            )
            if address
            else None,
            deleted=record.get("deleted", False),
        )
