"""Reads: routing an address to its NAV office, a municipality's digital status, and municipality search."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db import connection
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _

from digisos.core.prepared import PreparedValues
from digisos.core.text import fold_for_search

from .models import (
    GeographicArea,
    MarkaStreetRule,
    Municipality,
    NavOffice,
    ServiceConfiguration,
    accepts_applications,
    status_shown,
)

OSLO = "0301"
OSLO_MARKA = "030117"

RoutingOutcome = Literal["found", "no_address", "unknown_municipality", "no_office"]
StatusOutcome = Literal["digital_with_innsyn", "digital_status_by_letter", "paper_only", "temporarily_closed"]


@dataclass(frozen=True)
class MunicipalityRef:
    kommunenummer: str
    name: str
    county_name: str


@dataclass(frozen=True)
class OfficeRef:
    enhetsnummer: str
    name: str
    verified: bool


@dataclass(frozen=True)
class OfficeRouting:
    outcome: RoutingOutcome
    office: OfficeRef | None = None
    municipality: MunicipalityRef | None = None
    geographic_area: str | None = None


@dataclass(frozen=True)
class PaperContact:
    address: str
    phone: str
    email: str
    note: str  # the municipality's own words to citizens, written in bokmål

    @property
    def shown_note(self) -> str:
        """The note in the page's language where the catalogue has it (the demo municipalities' notes are
        marked for translation in services.DEMO_SERVICE_FLAGS), otherwise as the municipality wrote it."""
        return gettext(self.note) if self.note else ""

    @property
    def note_lang(self) -> str:
        """ "nb" when the note is shown as written on a page in another language (for the element's lang
        attribute, WCAG 3.1.2: a screen reader reads it as Norwegian), else ""."""
        language = (get_language() or "nb").split("-")[0]
        return "nb" if self.note and language != "nb" and self.shown_note == self.note else ""


@dataclass(frozen=True)
class DigitalStatus:
    outcome: StatusOutcome
    municipality: MunicipalityRef
    can_receive_applications: bool
    can_update_status: bool
    receiving_temporarily_disabled: bool
    updates_temporarily_disabled: bool
    paper_contact: PaperContact
    # The two rules, as ServiceConfiguration has them (their one home): read these, not the flags.
    accepts_applications: bool
    shows_status: bool
    # Only synthetic test persons may send (onboarding's integration and test); citizens see the outcome.
    test_mode: bool = False

    @property
    def message(self) -> str:
        """The one sentence a citizen needs, in the active language."""
        name = self.municipality.name
        messages = {
            "digital_with_innsyn": _("Du kan søke digitalt og følge saken din på nett."),
            "digital_status_by_letter": _(
                "Du kan søke digitalt. Svar og endringer i saken får du i posten, ikke på nett."
            ),
            "paper_only": _("%(name)s tar ikke imot digitale søknader ennå. Send søknaden på papir.")
            % {"name": name},
            "temporarily_closed": _(
                "Digital søknad er midlertidig stengt i %(name)s. Trenger du hjelp i dag, kontakt "
                "Nav-kontoret ditt eller ring 55 55 33 33."
            )
            % {"name": name},
        }
        return messages[self.outcome]


def _municipality_ref(municipality: Municipality) -> MunicipalityRef:
    return MunicipalityRef(
        kommunenummer=municipality.kommunenummer, name=municipality.name, county_name=municipality.county.name
    )


def route_to_office(
    *,
    kommunenummer: str | None,
    bydelsnummer: str | None = None,
    street_code: str | None = None,
    house_number: str | None = None,
) -> OfficeRouting:
    """The NAV office for an address (NORG2's geografisk tilknytning). Never guesses: unknown says so."""
    if not kommunenummer:
        return OfficeRouting(outcome="no_address")
    if kommunenummer == OSLO and bydelsnummer in (None, OSLO_MARKA) and street_code and house_number:
        bydelsnummer = _marka_district(street_code, house_number) or bydelsnummer
    codes = [kommunenummer] + ([bydelsnummer] if bydelsnummer else [])
    # Cities with offices per district have only district areas; elsewhere the municipality is the area.
    areas = {
        area.code: area
        for area in GeographicArea.objects.filter(
            code__in=codes, municipality_id=kommunenummer
        ).select_related("office", "municipality__county")
    }
    area = areas.get(bydelsnummer or "") or areas.get(kommunenummer)
    if area is None or area.office is None:
        municipality = (
            Municipality.objects.select_related("county").filter(pk=kommunenummer, active=True).first()
        )
        if municipality is None:
            return OfficeRouting(outcome="unknown_municipality")
        # A city with districts and no district we can trust: say so rather than guess.
        return OfficeRouting(outcome="no_office", municipality=_municipality_ref(municipality))
    municipality = _municipality_ref(area.municipality)
    return OfficeRouting(
        outcome="found",
        office=OfficeRef(
            enhetsnummer=area.office.enhetsnummer, name=area.office.name, verified=area.verified
        ),
        municipality=municipality,
        geographic_area=area.code,
    )


def _marka_district(street_code: str, house_number: str) -> str | None:
    digits = "".join(ch for ch in house_number if ch.isdigit())
    if not digits:
        return None
    number = int(digits)
    parity = "EVEN" if number % 2 == 0 else "ODD"
    rule = (
        MarkaStreetRule.objects.filter(
            street_code=street_code,
            from_number__lte=number,
            to_number__gte=number,
            parity__in=[parity, "ALL"],
        )
        .values_list("district_code", flat=True)
        .first()
    )
    return rule


def service_version(kommunenummer: str) -> datetime | None:
    """When the municipality's answer last changed (flags or reference data); None if unknown.

    Raw SQL on purpose: the public API asks this on every request to decide whether its cached answer is
    still right, and one indexed primary-key lookup should not pay for the ORM's query compilation.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT updated_at FROM municipalities_serviceconfiguration WHERE municipality_id = %s",
            [kommunenummer],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# What a DigitalStatus is made of: ServiceConfiguration's fields, and the municipality's name and county.
_STATUS_FLAGS = (
    "can_receive_applications",
    "can_update_status",
    "receiving_temporarily_disabled",
    "updates_temporarily_disabled",
    "paper_address",
    "paper_contact_phone",
    "paper_contact_email",
    "contact_note",
    "test_mode",
)


def status_lookups(*, municipality: str, service: str) -> dict[str, str]:
    """The values() names of what `status_of_row` needs, from a model that reaches the municipality by the path
    `municipality` and its service configuration by `service` (for Application: "municipality" and
    "municipality__service"): a page that reads its own row can read its municipality's status in the same
    query, instead of a second one through `digital_status`."""
    service_prefix = f"{service}__" if service else ""
    return {
        **{flag: f"{service_prefix}{flag}" for flag in _STATUS_FLAGS},
        "kommunenummer": f"{municipality}__kommunenummer",
        "name": f"{municipality}__name",
        "county_name": f"{municipality}__county__name",
        "active": f"{municipality}__active",
    }


def status_of_row(row: dict[str, Any], lookups: dict[str, str]) -> DigitalStatus | None:
    """The DigitalStatus from a row read with `status_lookups`' names; None, as `digital_status` answers, for a
    municipality that is unknown, inactive or without a service configuration (no flags in the row)."""
    values = {key: row[name] for key, name in lookups.items()}
    if not values["active"] or values["can_receive_applications"] is None:
        return None
    return _status(values)


def _status_query(kommunenummer: str) -> Any:
    lookups = status_lookups(municipality="municipality", service="")
    return ServiceConfiguration.objects.filter(
        municipality_id=kommunenummer, municipality__active=True
    ).values(*lookups.values())


# Asked on every step of the application, the start page and the receipt: the query is written once per
# process (core/prepared.py), where building and compiling it cost more CPU than running it.
_DIGITAL_STATUS = PreparedValues(_status_query, "x7654321")


def digital_status(kommunenummer: str) -> DigitalStatus | None:
    rows = _DIGITAL_STATUS.rows(kommunenummer)
    return status_of_row(rows[0], status_lookups(municipality="municipality", service="")) if rows else None


def _status(values: dict[str, Any]) -> DigitalStatus:
    if values["receiving_temporarily_disabled"]:
        outcome: StatusOutcome = "temporarily_closed"
    elif not values["can_receive_applications"]:
        outcome = "paper_only"
    elif status_shown(
        can_update_status=values["can_update_status"],
        updates_temporarily_disabled=values["updates_temporarily_disabled"],
    ):
        outcome = "digital_with_innsyn"
    else:
        outcome = "digital_status_by_letter"
    return DigitalStatus(
        outcome=outcome,
        municipality=MunicipalityRef(
            kommunenummer=values["kommunenummer"], name=values["name"], county_name=values["county_name"]
        ),
        can_receive_applications=values["can_receive_applications"],
        can_update_status=values["can_update_status"],
        receiving_temporarily_disabled=values["receiving_temporarily_disabled"],
        updates_temporarily_disabled=values["updates_temporarily_disabled"],
        paper_contact=PaperContact(
            address=values["paper_address"],
            phone=values["paper_contact_phone"],
            email=values["paper_contact_email"],
            note=values["contact_note"],
        ),
        # The two rules from their one home (ServiceConfiguration's, as functions of the flags).
        accepts_applications=accepts_applications(
            can_receive_applications=values["can_receive_applications"],
            receiving_temporarily_disabled=values["receiving_temporarily_disabled"],
        ),
        shows_status=status_shown(
            can_update_status=values["can_update_status"],
            updates_temporarily_disabled=values["updates_temporarily_disabled"],
        ),
        test_mode=values["test_mode"],
    )


def offices_of(kommunenummer: str) -> list[OfficeRef]:
    """The NAV offices serving a municipality (several for cities with districts), in one query."""
    offices = (
        NavOffice.objects.filter(areas__municipality_id=kommunenummer)
        .distinct()
        .order_by("name")
        .values_list("enhetsnummer", "name", "active")
    )
    return [OfficeRef(enhetsnummer=number, name=name, verified=active) for number, name, active in offices]


def find_municipalities(query: str) -> list[MunicipalityRef]:
    """By number or name: exact names first, then names that start with the text (Herøy gives two). Names are
    compared folded (digisos.core.text.fold_for_search), so "heroy" and "tromso" find Herøy and Tromsø; the
    357 names are folded here in Python, the same on SQLite and PostgreSQL."""
    text = " ".join(query.split())
    if not text:
        return []
    base = Municipality.objects.filter(active=True).select_related("county")
    if text.isdigit():
        return [_municipality_ref(m) for m in base.filter(kommunenummer=text.zfill(4))]
    folded = fold_for_search(text)
    names = list(base.values_list("kommunenummer", "name", "official_name"))
    exact = [n for n, name, official in names if folded in (fold_for_search(name), fold_for_search(official))]
    chosen = exact or [n for n, name, _ in names if fold_for_search(name).startswith(folded)][:20]
    found = {m.kommunenummer: m for m in base.filter(kommunenummer__in=chosen)}
    return [_municipality_ref(found[n]) for n in chosen]


def municipality_choices() -> list[tuple[str, str]]:
    """The active municipalities as a list to choose from, by name: (kommunenummer, what the option says). A name
    two municipalities share (Herøy in Møre og Romsdal and in Nordland, Våler in Innlandet and in Østfold) says
    which county each is in; before, the list showed "Herøy" twice and the person could not tell which to pick."""
    rows = list(
        Municipality.objects.filter(active=True)
        .order_by("name", "county__name")
        .values_list("kommunenummer", "name", "county__name")
    )
    named = Counter(name for _number, name, _county in rows)
    return [
        (number, _("%(name)s i %(county)s") % {"name": name, "county": county} if named[name] > 1 else name)
        for number, name, county in rows
    ]
