"""Reads for the citizen's start page: who you are, where your application goes, and whether you can apply."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.db import models
from django.utils import timezone

from digisos.core.prepared import PreparedValues
from digisos.documents.models import Document
from digisos.municipalities.selectors import (
    DigitalStatus,
    OfficeRouting,
    digital_status,
    route_to_office,
    status_lookups,
    status_of_row,
)
from digisos.registers.ports import Person
from digisos.registers.selectors import get_person

from . import submission
from .models import Application, RequirementDocument
from .requirements import documentation_requirements

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


@dataclass(frozen=True)
class DraftPage:
    """What every step page reads first: the person's application and its municipality's digital status."""

    application: Application
    status: DigitalStatus | None


_STATUS_LOOKUPS = status_lookups(municipality="municipality", service="municipality__service")
_APPLICATION_COLUMNS = tuple(field.attname for field in Application._meta.concrete_fields)


def _draft_page(owner_id: int, application_id: Any) -> Any:
    return Application.objects.filter(pk=application_id, owner_id=owner_id).values(
        *_APPLICATION_COLUMNS, *_STATUS_LOOKUPS.values()
    )


# The busiest read of the application (every step page): the draft and its municipality's service flags
# joined in one statement, written once per process (core/prepared.py), where the two ORM queries it replaces
# (the draft with its folder, then `digital_status`) cost more CPU to build and compile than to run.
_DRAFT_PAGE = PreparedValues(_draft_page, -7654321, uuid.UUID(int=7654321))


def draft_page_of_owner(user: Any, application_id: uuid.UUID) -> DraftPage | None:
    """The application with its municipality's status if `user` owns it; everyone else gets None (a 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = _DRAFT_PAGE.rows(user.pk, application_id)
    if not rows:
        return None
    row = rows[0]
    application = _application_from_row(row)
    status = status_of_row(row, _STATUS_LOOKUPS) if application.municipality_id else None
    return DraftPage(application=application, status=status)


def _application_from_row(row: dict[str, Any]) -> Application:
    # As the ORM makes an instance from its own SELECT (Model.from_db): a saved row, not a stand-in.
    return Application.from_db("default", _APPLICATION_COLUMNS, [row[name] for name in _APPLICATION_COLUMNS])


_LOCKED_COLUMNS = (*_APPLICATION_COLUMNS, "has_documents")


def _locked_draft(owner_id: int, application_id: Any) -> Any:
    return (
        Application.objects.select_for_update(of=("self",))
        .filter(pk=application_id, owner_id=owner_id)
        .annotate(
            has_documents=models.Exists(RequirementDocument.objects.filter(application=models.OuterRef("pk")))
        )
        .values(*_LOCKED_COLUMNS)
    )


_LOCKED_DRAFT = PreparedValues(_locked_draft, -7654321, uuid.UUID(int=7654321))


@dataclass(frozen=True)
class LockedDraft:
    application: Application
    has_documents: bool  # whether any upload answers a requirement (else none can have become unneeded)


def locked_application_of_owner(user: Any, application_id: uuid.UUID) -> LockedDraft | None:
    """The application, locked until the transaction ends (call it inside one), if `user` owns it; with whether
    it has uploads. One statement for what a saved step needs before it writes."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = _LOCKED_DRAFT.rows(user.pk, application_id)
    if not rows:
        return None
    return LockedDraft(
        application=_application_from_row(rows[0]), has_documents=bool(rows[0]["has_documents"])
    )


def case_of_sent(application: Application) -> uuid.UUID | None:
    """The case a sent application became, where the person sends more (through the submission port: the case
    is exchange's, a module above this one)."""
    return submission.backend().case_of(application_id=application.id)


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


def requirement_titles(application: Application) -> dict[str, str]:
    """The titles (bokmål msgids) of the application's own documentation requirements by key (type|tilleggsinfo):
    the documents sent later in answer to them carry only their type and extra info."""
    requirements = documentation_requirements(
        application.answers,
        application.registers,
        today=application.sent_at.date() if application.sent_at else timezone.localdate(),
        short=application.is_short,
    )
    return {requirement.key: requirement.title for requirement in requirements}
