"""Reads for the citizen's start page: who you are, where your application goes, and whether you can apply."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.db import models
from django.utils import timezone

from digisos.documents.models import Document
from digisos.municipalities.selectors import DigitalStatus, OfficeRouting, digital_status, route_to_office
from digisos.registers.ports import Person
from digisos.registers.selectors import get_person

from .models import Application, RequirementDocument

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


def sent_last_24h(user: Any) -> int:
    since = timezone.now() - timedelta(hours=24)
    return Application.objects.filter(owner=user, sent_at__gte=since).count()


@dataclass(frozen=True)
class Overview:
    drafts: list[Application]
    sent: list[Application]
    sent_last_24h: int


def overview_of(user: Any, *, now: Any = None) -> Overview:
    """Drafts and recently sent applications for the start page, in one query whatever their number."""
    now = now or timezone.now()
    rows = list(
        Application.objects.filter(owner=user)
        .filter(models.Q(status=Application.Status.DRAFT) | models.Q(sent_at__gte=now - timedelta(days=90)))
        .only("id", "status", "created_at", "updated_at", "sent_at", "reference", "office_name", "owner_id")
        .order_by("-updated_at")
    )
    drafts = [a for a in rows if a.status == Application.Status.DRAFT]
    sent = sorted((a for a in rows if a.sent_at), key=lambda a: a.sent_at, reverse=True)
    recent = sum(1 for a in sent if a.sent_at >= now - timedelta(hours=24))
    return Overview(drafts=drafts, sent=sent[:10], sent_last_24h=recent)


def application_of_owner(user: Any, application_id: Any) -> Application | None:
    """The application if `user` owns it; everyone else gets None (shown as 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return Application.objects.select_related("folder").get(pk=application_id, owner=user)
    except (Application.DoesNotExist, ValueError):
        return None


def amounts_of(application: Application) -> dict[str, dict[str, int]]:
    documentation = application.answers.get("dokumentasjon", {})
    return {key: value.get("belop", {}) for key, value in documentation.items() if value.get("belop")}


def delivered_earlier_of(application: Application) -> set[str]:
    documentation = application.answers.get("dokumentasjon", {})
    return {key for key, value in documentation.items() if value.get("levert_tidligere")}


def files_by_requirement(application: Application) -> dict[str, list[Document]]:
    files: dict[str, list[Document]] = {}
    links = (
        RequirementDocument.objects.filter(application=application)
        .select_related("document")
        .order_by("document__created_at")
    )
    for link in links:
        files.setdefault(link.requirement, []).append(link.document)
    return files
