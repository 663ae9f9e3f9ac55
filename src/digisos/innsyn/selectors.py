"""Reads for innsyn: every application and case of a person, and one case folded for its page.

Each page costs a fixed number of queries whatever the number of cases or events: the lists are fetched in
one query each and the fold runs in memory.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.application.requirements import documentation_requirements
from digisos.documents.models import Document
from digisos.exchange.models import Case, Delivery
from digisos.municipalities.models import Municipality, NavOffice, ServiceConfiguration

from .fold import APPLICATION_TASK_DAYS, DONE, NOT_PROCESSED, CaseView, Task, fold
from .models import Notification

log = structlog.get_logger(__name__)

# NAV's rules for "active" (§3): updated within two months, and not finished more than 21 days ago
# (unless a documentation deadline is still ahead).
INACTIVE_AFTER = timedelta(days=61)
FINISHED_ACTIVE_FOR = timedelta(days=21)
# Only what the lists show; the event document is loaded when a fold is not cached.
CASE_FIELDS = (
    "id",
    "kommunenummer",
    "enhetsnummer",
    "created_at",
    "updated_at",
    "soker_sha256",
    "soker_updated_at",
    "owner_id",
)
APPLICATION_FIELDS = ("id", "reference", "sent_at", "office_name", "enhetsnummer")
FOLD_CACHE_SECONDS = 24 * 3600
# The case system's clock and ours differ a little; an upload moments "before" a request still answers it.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class Visibility:
    """What the municipality lets the applicant see online."""

    innsyn: bool  # kanOppdatereStatus
    updates_paused: bool  # harMidlertidigDeaktivertOppdateringer
    can_send_documents: bool  # mottak on and not paused

    @property
    def shows_case(self) -> bool:
        return self.innsyn and not self.updates_paused


@dataclass(frozen=True)
class Digest:
    """What the list of cases needs from a fold: small, so fifty of them come out of the cache cheaply."""

    status: str
    office: str
    updated_at: datetime | None
    open_tasks: int
    next_deadline: datetime | None
    requirement_deadline: datetime | None  # the latest deadline of the decision's documentation requirements

    @classmethod
    def of(cls, view: CaseView) -> "Digest":
        deadlines = [r.deadline for r in view.documentation_requirements if r.deadline]
        return cls(
            status=view.status,
            office=view.office,
            updated_at=view.updated_at,
            open_tasks=len(view.tasks),
            next_deadline=view.next_deadline,
            requirement_deadline=max(deadlines) if deadlines else None,
        )


@dataclass(frozen=True)
class CaseSummary:
    case: Case
    digest: Digest
    visibility: Visibility
    municipality_name: str
    office_name: str
    active: bool
    last_change: datetime

    @property
    def open_tasks(self) -> int:
        return self.digest.open_tasks if self.visibility.shows_case else 0


@dataclass(frozen=True)
class MyApplications:
    drafts: list[Application]
    active: list[CaseSummary]
    earlier: list[CaseSummary]


def my_applications(user: User, *, now: datetime | None = None) -> MyApplications:
    now = now or timezone.now()
    drafts = list(
        Application.objects.filter(owner=user, status=Application.Status.DRAFT)
        .only("id", "created_at", "updated_at", "owner_id", "status")
        .order_by("-updated_at")
    )
    cases = list(
        Case.objects.filter(owner=user)
        .select_related("application")
        .only(*CASE_FIELDS, *(f"application__{name}" for name in APPLICATION_FIELDS))
        .order_by("-created_at")
    )
    context = _context([c.kommunenummer for c in cases], [_office_of(c) for c in cases])
    digests = _digests(cases, context, now)
    summaries = [_summary(case, digests[case.id], context, now) for case in cases]
    active = sorted((s for s in summaries if s.active), key=lambda s: _active_order(s, now))
    earlier = sorted((s for s in summaries if not s.active), key=lambda s: s.last_change, reverse=True)
    return MyApplications(drafts=drafts, active=active, earlier=earlier)


@dataclass(frozen=True)
class CasePage:
    summary: CaseSummary
    view: CaseView
    letters: dict[str, Document]  # dokumentlager id → the letter
    sent_documents: list[Delivery]  # ettersendelser, newest first
    tasks_sent: dict[str, datetime]  # task id → when documents answering it were sent
    offices: dict[str, str]  # enhetsnummer → office name, for the timeline


def case_page(user: User, case_id: uuid.UUID | str, *, now: datetime | None = None) -> CasePage | None:
    now = now or timezone.now()
    case = (
        Case.objects.filter(owner=user, pk=case_id)
        .select_related("application")
        .only(
            *CASE_FIELDS,
            "letters_id",
            *(f"application__{name}" for name in APPLICATION_FIELDS),
            "application__pdf_id",
        )
        .prefetch_related(Prefetch("deliveries", queryset=_ettersendelser()))
        .first()
    )
    if case is None:
        return None
    context = _context([case.kommunenummer], [_office_of(case)])
    view = _folded([case], context, now)[case.id]
    summary = _summary(case, Digest.of(view), context, now)
    if view.skipped:
        log.warning("innsyn.unknown_event_types", case=str(case.id), types=sorted(set(view.skipped)))
    letters = {
        str(d.id): d for d in Document.objects.filter(folder_id=case.letters_id).order_by("created_at")
    }
    office_numbers = {e.detail for e in view.timeline if e.kind in ("forwarded", "sent") and e.detail}
    offices = dict(NavOffice.objects.filter(pk__in=office_numbers).values_list("enhetsnummer", "name"))
    sent = list(case.deliveries.all())
    return CasePage(
        summary=summary,
        view=view,
        letters=letters,
        sent_documents=sorted(sent, key=lambda d: d.created_at, reverse=True),
        tasks_sent=_tasks_answered(view.tasks, sent),
        offices=offices,
    )


def _ettersendelser():
    return Delivery.objects.filter(kind=Delivery.Kind.ETTERSENDELSE).only(
        "id", "case_id", "created_at", "vedlegg_json", "status", "kind"
    )


def _office_of(case: Case) -> str:
    return case.enhetsnummer or (case.application.enhetsnummer if case.application else "")


@dataclass(frozen=True)
class _Context:
    visibility: dict[str, Visibility]
    municipality_names: dict[str, str]
    office_names: dict[str, str]


def _context(kommunenummer: list[str], offices: list[str]) -> _Context:
    configurations = ServiceConfiguration.objects.filter(pk__in=set(kommunenummer))
    visibility = {
        c.municipality_id: Visibility(
            innsyn=c.can_update_status,
            updates_paused=c.updates_temporarily_disabled,
            can_send_documents=c.can_receive_applications and not c.receiving_temporarily_disabled,
        )
        for c in configurations
    }
    names = dict(Municipality.objects.filter(pk__in=set(kommunenummer)).values_list("kommunenummer", "name"))
    office_names = dict(NavOffice.objects.filter(pk__in=set(offices)).values_list("enhetsnummer", "name"))
    return _Context(visibility, names, office_names)


def _folded(cases: list[Case], context: _Context, now: datetime) -> dict[uuid.UUID, CaseView]:
    """Each case folded, from the cache when its document has not changed.

    The fold depends on the stored document (its hash), the office, whether the municipality shows the case,
    and on the clock only through one question: is the application younger than 30 days (its missing
    documents are tasks until then). Those make the cache key, so a cached fold is exactly what folding
    again would give. A miss loads the documents it needs in one query.
    """
    keys = {case.id: _fold_key(case, context, now) for case in cases}
    cached = cache.get_many(list(keys.values()))
    missing = [case for case in cases if keys[case.id] not in cached]
    documents: dict[uuid.UUID, tuple[Any, Any]] = {}
    if missing:
        rows = Case.objects.filter(pk__in=[c.id for c in missing]).values_list(
            "pk", "soker", "application__vedlegg_json"
        )
        documents = {pk: (soker, vedlegg) for pk, soker, vedlegg in rows}
    fresh = {}
    for case in missing:
        soker, vedlegg = documents.get(case.id, (None, None))
        application = case.application
        fresh[keys[case.id]] = fold(
            soker if _visibility(case, context).shows_case else None,
            now=now,
            sent_at=application.sent_at if application else None,
            office=_office_of(case),
            vedlegg=vedlegg,
        )
    if fresh:
        cache.set_many(fresh, timeout=FOLD_CACHE_SECONDS)
    return {case.id: cached.get(keys[case.id]) or fresh[keys[case.id]] for case in cases}


def _fold_key(case: Case, context: _Context, now: datetime) -> str:
    sent_at = case.application.sent_at if case.application else None
    young = bool(sent_at and now - sent_at < timedelta(days=APPLICATION_TASK_DAYS))
    shown = case.soker_sha256 if _visibility(case, context).shows_case else "hidden"
    return f"innsyn:fold:1:{case.id}:{shown}:{young}:{_office_of(case)}"


def _visibility(case: Case, context: _Context) -> Visibility:
    return context.visibility.get(case.kommunenummer, Visibility(False, False, False))


def _digests(cases: list[Case], context: _Context, now: datetime) -> dict[uuid.UUID, Digest]:
    """Each case's digest, from the cache, or from its fold (itself cached) on a miss."""
    keys = {case.id: "innsyn:digest:" + _fold_key(case, context, now) for case in cases}
    cached = cache.get_many(list(keys.values()))
    missing = [case for case in cases if keys[case.id] not in cached]
    fresh = (
        {keys[pk]: Digest.of(view) for pk, view in _folded(missing, context, now).items()} if missing else {}
    )
    if fresh:
        cache.set_many(fresh, timeout=FOLD_CACHE_SECONDS)
    return {case.id: cached.get(keys[case.id]) or fresh[keys[case.id]] for case in cases}


def _summary(case: Case, digest: Digest, context: _Context, now: datetime) -> CaseSummary:
    visibility = _visibility(case, context)
    last_change = max(filter(None, [case.created_at, case.soker_updated_at, digest.updated_at]))
    return CaseSummary(
        case=case,
        digest=digest,
        visibility=visibility,
        municipality_name=context.municipality_names.get(case.kommunenummer, case.kommunenummer),
        office_name=context.office_names.get(digest.office, ""),
        active=_is_active(digest, last_change, now),
        last_change=last_change,
    )


def _is_active(digest: Digest, last_change: datetime, now: datetime) -> bool:
    if now - last_change >= INACTIVE_AFTER:
        return False
    if digest.status in (DONE, NOT_PROCESSED) and now - last_change > FINISHED_ACTIVE_FOR:
        return bool(digest.requirement_deadline and digest.requirement_deadline > now)
    return True


def _active_order(summary: CaseSummary, now: datetime) -> tuple[Any, ...]:
    deadline = summary.digest.next_deadline if summary.visibility.shows_case else None
    return (deadline is None, deadline or now, summary.open_tasks == 0, -summary.last_change.timestamp())


def requirement_titles(case: Case, view: CaseView) -> dict[str, str]:
    """Titles of the application's own documentation requirements, for the tasks made from them (their
    vedlegg.json entries carry only type and extra info). Loaded only when there are such tasks."""
    if case.application_id is None or all(task.from_caseworker for task in view.tasks):
        return {}
    application = Application.objects.only("answers", "registers", "sent_at").get(pk=case.application_id)
    requirements = documentation_requirements(
        application.answers, application.registers, today=application.sent_at.date()
    )
    return {r.key: r.title for r in requirements}


def answered_tasks(case: Case, view: CaseView) -> set[str]:
    return set(_tasks_answered(view.tasks, list(_ettersendelser().filter(case=case))))


def my_notifications(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("case__application")[:100])


def _tasks_answered(tasks: tuple[Task, ...], ettersendelser: list[Delivery]) -> dict[str, datetime]:
    """A task counts as answered when an ettersendelse after it was asked for carries its type and extra
    info (NAV's rule), or names it by reference."""
    answered: dict[str, datetime] = {}
    for task in tasks:
        for delivery in ettersendelser:
            if task.requested_at and delivery.created_at < task.requested_at - CLOCK_SKEW:
                continue
            for entry in delivery.vedlegg_json.get("vedlegg", []):
                same_reference = task.reference and entry.get("hendelseReferanse") == task.reference
                same_kind = entry.get("type") == task.document_type and (entry.get("tilleggsinfo") or "") == (
                    task.extra_info or ""
                )
                if same_reference or same_kind:
                    answered[task.id] = max(answered.get(task.id, delivery.created_at), delivery.created_at)
    return answered


SHORT_PAID_WITHIN = timedelta(days=50)
SHORT_PLANNED_WITHIN = timedelta(days=14)


def had_recent_payment(user: User, kommunenummer: str, today: date) -> bool:
    """Kort søknad: a payment in this municipality paid in the last 50 days or planned within 14 (NAV's rule,
    KortSoknadUseCaseHandler), read from the person's folded cases there."""
    cases = list(
        Case.objects.filter(owner=user, kommunenummer=kommunenummer)
        .exclude(soker_sha256="")
        .select_related("application")
        .only(*CASE_FIELDS, *(f"application__{name}" for name in APPLICATION_FIELDS))
    )
    if not cases:
        return False
    context = _context([kommunenummer], [_office_of(c) for c in cases])
    for view in _folded(cases, context, timezone.now()).values():
        for payment in view.payments:
            if (
                payment.status == "UTBETALT"
                and payment.paid_date
                and today - payment.paid_date <= SHORT_PAID_WITHIN
            ):
                return True
            if (
                payment.status == "PLANLAGT_UTBETALING"
                and payment.due_date
                and today <= payment.due_date <= today + SHORT_PLANNED_WITHIN
            ):
                return True
    return False
