"""Build bekymringsmelding.json, the document KS's v2 schemas describe, from a report's checked answers.

The answers are the forms' cleaned data (forms.py): {"melder": {...}, "barn": [{...}], "foresatte": [{...}],
"melding": {...}}. Empty optional fields are left out rather than sent as "" (a case system need not tell
"unknown" from "empty").
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .models import ChildWelfareOffice

OSLO = ZoneInfo("Europe/Oslo")
# KS's examples carry "Fagsystem"; API senders put their organisation's name. Reports from DigiSos's own
# forms say where they came from.
PORTAL_CHANNEL = "DigiSos"


def sending_time(at: datetime) -> str:
    """KS: "ISO-8601 norsk tid uten tidssone", to the second (2021-11-08T09:24:45)."""
    return at.astimezone(OSLO).strftime("%Y-%m-%dT%H:%M:%S")


def _optional(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


def address(values: dict[str, Any], prefix: str = "") -> dict[str, str] | None:
    """An `adresse` object, or None when no street line was given (adresselinje1 is required in it)."""
    line1 = values.get(f"{prefix}adresselinje1", "")
    if not line1:
        return None
    return {
        "adresselinje1": line1,
        **_optional(
            adresselinje2=values.get(f"{prefix}adresselinje2", ""),
            postnummer=values.get(f"{prefix}postnummer", ""),
            poststed=values.get(f"{prefix}poststed", ""),
        ),
    }


def _receiver(office: ChildWelfareOffice, municipality_name: str) -> dict[str, str]:
    return {
        "kommunenummer": office.municipality_id,
        "kommunenavn": municipality_name,
        "bydelsnummer": office.bydelsnummer,
        "bydelsnavn": office.bydelsnavn,
    }


def build_privat(
    answers: dict[str, Any],
    *,
    reporter_name: str,
    office: ChildWelfareOffice,
    municipality_name: str,
    sent_at: datetime,
    channel: str = PORTAL_CHANNEL,
) -> dict[str, Any]:
    melder = answers["melder"]
    reporter: dict[str, Any] = {
        "personnavn": reporter_name,
        **_optional(telefonnummer=melder.get("telefonnummer")),
    }
    if reporter_address := address(melder):
        reporter["adresse"] = reporter_address
    children = [
        {
            "personnavn": child["personnavn"],
            "adresse": address(child),
            **_optional(antattAlder=child.get("antatt_alder"), relasjon=child.get("relasjon")),
        }
        for child in answers["barn"]
    ]
    return {
        **_receiver(office, municipality_name),
        "privatMelder": reporter,
        "privatBarn": children,
        "melding": answers["melding"]["melding"],
        "sendingstidspunkt": sending_time(sent_at),
        "leveringskanal": channel,
    }


def build_offentlig(
    answers: dict[str, Any],
    *,
    reporter_name: str,
    office: ChildWelfareOffice,
    municipality_name: str,
    sent_at: datetime,
    channel: str = PORTAL_CHANNEL,
) -> dict[str, Any]:
    melder = answers["melder"]
    organisation = {
        "navn": melder["virksomhet_navn"],
        "adresse": address(melder, "virksomhet_"),
        **_optional(orgnr=melder.get("virksomhet_orgnr")),
    }
    children = [
        {
            "fnr": child.get("identitet", ""),
            "ufoedt": bool(child.get("ufoedt")),
            "personnavn": child["personnavn"],
            "adresse": address(child),
            "orientert": child["orientert"],
            **_optional(
                telefonnummer=child.get("telefonnummer"), orientertGrunn=child.get("orientert_grunn")
            ),
        }
        for child in answers["barn"]
    ]
    guardians = [
        {
            "personnavn": guardian["personnavn"],
            "orientert": guardian["orientert"],
            **_optional(
                telefonnummer=guardian.get("telefonnummer"), orientertGrunn=guardian.get("orientert_grunn")
            ),
        }
        for guardian in answers["foresatte"]
    ]
    message = answers["melding"]
    return {
        **_receiver(office, municipality_name),
        "offentligMelder": {
            "personnavn": reporter_name,
            "rolle": melder["rolle"],
            "telefonnummer": melder["telefonnummer"],
            "epost": melder["epost"],
            "virksomhet": organisation,
        },
        "offentligBarn": children,
        "foresatte": guardians,
        **_optional(
            behovForTolk=message.get("behov_for_tolk"),
            andreHjelpeinstanser=message.get("andre_hjelpeinstanser"),
        ),
        "melding": {
            "melding": message["melding"],
            "historie": message["historie"],
            **_optional(andreSynspunkter=message.get("andre_synspunkter")),
        },
        "sendingstidspunkt": sending_time(sent_at),
        "leveringskanal": channel,
    }
