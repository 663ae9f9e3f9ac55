"""Reads for innsyn: every application and case of a person, and one case folded for its page.

Each page costs a fixed number of queries whatever the number of cases or events: the lists are fetched in
one query each and the fold runs in memory.
"""

import functools
import threading
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from cachetools import LRUCache
from django.core.cache import cache
from django.db import connection
from django.db.models import DEFERRED
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.application.requirements import documentation_requirements
from digisos.documents.models import Document
from digisos.exchange.models import Case, Delivery
from digisos.exchange.soker.constants import UtbetalingStatus
from digisos.exchange.soker.fold import APPLICATION_TASK_DAYS, DONE, NOT_PROCESSED, CaseView, Task, fold
from digisos.municipalities.models import Municipality, NavOffice, ServiceConfiguration

from .models import Notification

log = structlog.get_logger(__name__)

# NAV's rules for "active" (§3): updated within two months, and not finished more than 21 days ago
# (unless a documentation deadline is still ahead).
INACTIVE_AFTER = timedelta(days=61)
FINISHED_ACTIVE_FOR = timedelta(days=21)
FOLD_CACHE_SECONDS = 24 * 3600
# Each worker keeps its most recent folds and digests in memory in front of the shared cache: they are never
# modified once made, so one object can serve every request, and unpickling a year-long fold took longer
# than the rest of the page's data. Their keys carry the document's hash, so no entry is ever stale.
LOCAL_ENTRIES = 256
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
    drafts = [
        _instance(Application, {"id": pk, "created_at": created_at, "owner_id": user.pk})
        for pk, created_at in _fetch(
            _DRAFTS_SQL,
            {"owner": user.pk, "draft": Application.Status.DRAFT.value},
            _DRAFT_FIELDS,
        )
    ]
    rows = _case_rows("c.owner_id = %(owner)s ORDER BY c.created_at DESC", {"owner": user.pk})
    digests = _digests(rows, now)
    offices = _office_names({digest.office for digest in digests.values()})
    summaries = [_summary(row, digests[row.case.id], offices, now) for row in rows]
    active = sorted((s for s in summaries if s.active), key=lambda s: _active_order(s, now))
    earlier = sorted((s for s in summaries if not s.active), key=lambda s: s.last_change, reverse=True)
    return MyApplications(drafts=drafts, active=active, earlier=earlier)


@dataclass(frozen=True)
class SentDocuments:
    """An ettersendelse as the case page needs it: when, and what its vedlegg.json says it answers."""

    created_at: datetime
    vedlegg_json: dict[str, Any]


@dataclass(frozen=True)
class CasePage:
    summary: CaseSummary
    view: CaseView
    letters: frozenset[str]  # dokumentlager ids of the letters stored with us
    sent_documents: list[SentDocuments]  # ettersendelser, newest first
    tasks_sent: dict[str, datetime]  # task id → when documents answering it were sent
    offices: dict[str, str]  # enhetsnummer → office name, for the timeline


def case_page(user: User, case_id: uuid.UUID | str, *, now: datetime | None = None) -> CasePage | None:
    now = now or timezone.now()
    rows = _case_rows(
        "c.owner_id = %(owner)s AND c.id = %(case)s",
        {"owner": user.pk, "case": _db_value(Case._meta.pk, case_id)},
    )
    if not rows:
        return None
    row = rows[0]
    view = _folded(rows, now)[row.case.id]
    office_numbers = {e.detail for e in view.timeline if e.kind in ("forwarded", "sent") and e.detail}
    offices = _office_names(office_numbers | {view.office})
    summary = _summary(row, Digest.of(view), offices, now)
    if view.skipped:
        log.warning("innsyn.unknown_event_types", case=str(row.case.id), types=sorted(set(view.skipped)))
    letters, sent = _letters_and_sent(row.case)
    return CasePage(
        summary=summary,
        view=view,
        letters=letters,
        sent_documents=sent,
        tasks_sent=_tasks_answered(view.tasks, sent),
        offices=offices,
    )


@dataclass(frozen=True)
class _Row:
    """A case with what its pages need from other tables, read in one query."""

    case: Case
    visibility: Visibility
    municipality_name: str


# Only what the pages show; the rest of each model is deferred.
_CASE_COLUMNS = ("id", "kommunenummer", "enhetsnummer", "created_at", "soker_sha256", "soker_updated_at")
_CASE_COLUMNS += ("owner_id", "application_id", "letters_id")
_APPLICATION_COLUMNS = ("id", "reference", "sent_at", "enhetsnummer", "pdf_id")
_FLAG_COLUMNS = ("can_update_status", "updates_temporarily_disabled")
_FLAG_COLUMNS += ("can_receive_applications", "receiving_temporarily_disabled")
# Only table and column names from the models are put into the SQL; every value is a query parameter. Plain
# SQL that PostgreSQL (production, tests) and SQLite (the quick start) both read.
_CASES_SQL = f"""
SELECT {", ".join(f"c.{name}" for name in _CASE_COLUMNS)},
       {", ".join(f"a.{name}" for name in _APPLICATION_COLUMNS)},
       {", ".join(f"s.{name}" for name in _FLAG_COLUMNS)}, m.name
FROM {Case._meta.db_table} c
LEFT JOIN {Application._meta.db_table} a ON a.id = c.application_id
LEFT JOIN {ServiceConfiguration._meta.db_table} s ON s.municipality_id = c.kommunenummer
LEFT JOIN {Municipality._meta.db_table} m ON m.kommunenummer = c.kommunenummer
WHERE {{condition}}
"""  # noqa: S608
# The case page also needs the ids of the letters stored with us and the ettersendelser sent from it.
_PAGE_SQL = f"""
SELECT 'letter', d.id, NULL, NULL FROM {Document._meta.db_table} d WHERE d.folder_id = %(letters)s
UNION ALL
SELECT 'sent', NULL, e.created_at, e.vedlegg_json FROM {Delivery._meta.db_table} e
WHERE e.case_id = %(case)s AND e.kind = %(ettersendelse)s
"""  # noqa: S608
_DRAFTS_SQL = f"""
SELECT id, created_at FROM {Application._meta.db_table}
WHERE owner_id = %(owner)s AND status = %(draft)s ORDER BY updated_at DESC
"""  # noqa: S608
_OFFICES_SQL = (
    f"SELECT enhetsnummer, name FROM {NavOffice._meta.db_table} WHERE enhetsnummer IN ({{numbers}})"  # noqa: S608
)


def _fields(model: type[Any], names: tuple[str, ...]) -> list[Any]:
    return [model._meta.get_field(name.removesuffix("_id")) for name in names]


_CASE_ROW_FIELDS = (
    *_fields(Case, _CASE_COLUMNS),
    *_fields(Application, _APPLICATION_COLUMNS),
    *_fields(ServiceConfiguration, _FLAG_COLUMNS),
    None,
)
_DRAFT_FIELDS = tuple(_fields(Application, ("id", "created_at")))


def _case_rows(condition: str, params: dict[str, Any]) -> list[_Row]:
    """Cases with their application, the municipality's flags and its name.

    Raw SQL on purpose, here and for the drafts, letters and office names: these pages are the ones a person
    reloads while waiting, and building the same reads from seven ORM queries cost more in query compilation
    than the database spent answering them. Values are converted as the ORM converts them and the instances
    are real (deferred) models, so the rest of the code cannot tell the difference.
    """
    records = _fetch(_CASES_SQL.format(condition=condition), params, _CASE_ROW_FIELDS)
    width, extra = len(_CASE_COLUMNS), len(_APPLICATION_COLUMNS)
    rows = []
    for record in records:
        case = _instance(Case, dict(zip(_CASE_COLUMNS, record[:width], strict=True)))
        application_values = dict(zip(_APPLICATION_COLUMNS, record[width : width + extra], strict=True))
        case.application = _instance(Application, application_values) if case.application_id else None
        innsyn, paused, receiving, receiving_paused, name = record[width + extra :]
        visibility = Visibility(
            innsyn=bool(innsyn),
            updates_paused=bool(paused),
            can_send_documents=bool(receiving) and not receiving_paused,
        )
        rows.append(_Row(case=case, visibility=visibility, municipality_name=name or case.kommunenummer))
    return rows


_PAGE_FIELDS = (
    None,
    Document._meta.pk,
    Delivery._meta.get_field("created_at"),
    Delivery._meta.get_field("vedlegg_json"),
)


def _letters_and_sent(case: Case) -> tuple[frozenset[str], list["SentDocuments"]]:
    """The ids of the case's stored letters, and its ettersendelser newest first, in one query."""
    params = {
        "letters": _db_value(Case._meta.get_field("letters").target_field, case.letters_id),
        "case": _db_value(Case._meta.pk, case.id),
        "ettersendelse": Delivery.Kind.ETTERSENDELSE.value,
    }
    letters, sent = set(), []
    for kind, document_id, created_at, vedlegg in _fetch(_PAGE_SQL, params, _PAGE_FIELDS):
        if kind == "letter":
            letters.add(str(document_id))
        else:
            sent.append(SentDocuments(created_at, vedlegg or {}))
    return frozenset(letters), sorted(sent, key=lambda s: s.created_at, reverse=True)


def _instance(model: type[Any], values: dict[str, Any]) -> Any:
    """A model instance as the ORM would build it from a row with only these columns (the rest deferred)."""
    fields = model._meta.concrete_fields
    return model.from_db("default", list(values), [values.get(f.attname, DEFERRED) for f in fields])


def _office_names(numbers: set[str]) -> dict[str, str]:
    ordered = sorted(numbers - {""})
    if not ordered:
        return {}
    placeholders = ", ".join(f"%(o{i})s" for i in range(len(ordered)))
    params = {f"o{i}": number for i, number in enumerate(ordered)}
    return dict(_fetch(_OFFICES_SQL.format(numbers=placeholders), params))


def _db_value(field: Any, value: Any) -> Any:
    return field.get_db_prep_value(value, connection) if value is not None else None


@functools.cache
def _conversions(fields: tuple[Any, ...], vendor: str) -> tuple[tuple[int, list[Any], Any], ...]:
    """(position, converters, column) for the positions that need converting; worked out once per backend."""
    steps = []
    for position, field in enumerate(fields):
        if field is not None:
            column = field.get_col(field.model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                steps.append((position, converters, column))
    return tuple(steps)


def _fetch(sql: str, params: dict[str, Any], fields: tuple[Any, ...] = ()) -> list[list[Any]]:
    """Rows of a plain query, each value converted as the ORM would for the model field in its position (None:
    as it comes). SQLite hands back text for times, UUIDs and booleans; both leave JSON as text for the field."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
    steps = _conversions(fields, connection.vendor) if fields else ()
    rows = []
    for record in records:
        row = list(record)
        for position, converters, column in steps:
            for converter in converters:
                row[position] = converter(row[position], column, connection)
        rows.append(row)
    return rows


def _office_of(case: Case) -> str:
    return case.enhetsnummer or (case.application.enhetsnummer if case.application else "")


def _folded(rows: list[_Row], now: datetime) -> dict[uuid.UUID, CaseView]:
    """Each case folded, from the cache when its document has not changed.

    The fold depends on the stored document (its hash), the office, whether the municipality shows the case,
    and on the clock only through one question: is the application younger than 30 days (its missing
    documents are tasks until then). Those make the cache key, so a cached fold is exactly what folding
    again would give. A miss loads the documents it needs in one query.
    """
    keys = {row.case.id: _fold_key(row, now) for row in rows}
    cached = _cached(list(keys.values()))
    missing = [row for row in rows if keys[row.case.id] not in cached]
    documents: dict[uuid.UUID, tuple[Any, Any]] = {}
    if missing:
        found = Case.objects.filter(pk__in=[row.case.id for row in missing]).values_list(
            "pk", "soker", "application__vedlegg_json"
        )
        documents = {pk: (soker, vedlegg) for pk, soker, vedlegg in found}
    fresh = {}
    for row in missing:
        soker, vedlegg = documents.get(row.case.id, (None, None))
        application = row.case.application
        fresh[keys[row.case.id]] = fold(
            soker if row.visibility.shows_case else None,
            now=now,
            sent_at=application.sent_at if application else None,
            office=_office_of(row.case),
            vedlegg=vedlegg,
        )
    _store(fresh)
    return {row.case.id: cached.get(keys[row.case.id]) or fresh[keys[row.case.id]] for row in rows}


_local: LRUCache[str, Any] = LRUCache(maxsize=LOCAL_ENTRIES)
_local_lock = threading.Lock()


def _cached(keys: list[str]) -> dict[str, Any]:
    """The entries found, from this worker's memory or else the shared cache."""
    with _local_lock:
        found = {key: _local[key] for key in keys if key in _local}
    rest = [key for key in keys if key not in found]
    if rest:
        shared = cache.get_many(rest)
        with _local_lock:
            _local.update(shared)
        found.update(shared)
    return found


def _store(entries: dict[str, Any]) -> None:
    if entries:
        cache.set_many(entries, timeout=FOLD_CACHE_SECONDS)
        with _local_lock:
            _local.update(entries)


def _fold_key(row: _Row, now: datetime) -> str:
    case = row.case
    sent_at = case.application.sent_at if case.application else None
    young = bool(sent_at and now - sent_at < timedelta(days=APPLICATION_TASK_DAYS))
    shown = case.soker_sha256 if row.visibility.shows_case else "hidden"
    return f"innsyn:fold:1:{case.id}:{shown}:{young}:{_office_of(case)}"


def _digests(rows: list[_Row], now: datetime) -> dict[uuid.UUID, Digest]:
    """Each case's digest, from the cache, or from its fold (itself cached) on a miss."""
    keys = {row.case.id: "innsyn:digest:" + _fold_key(row, now) for row in rows}
    cached = _cached(list(keys.values()))
    missing = [row for row in rows if keys[row.case.id] not in cached]
    fresh = {keys[pk]: Digest.of(view) for pk, view in _folded(missing, now).items()} if missing else {}
    _store(fresh)
    return {row.case.id: cached.get(keys[row.case.id]) or fresh[keys[row.case.id]] for row in rows}


def _summary(row: _Row, digest: Digest, offices: dict[str, str], now: datetime) -> CaseSummary:
    case = row.case
    last_change = max(filter(None, [case.created_at, case.soker_updated_at, digest.updated_at]))
    return CaseSummary(
        case=case,
        digest=digest,
        visibility=row.visibility,
        municipality_name=row.municipality_name,
        # The office handling it now: the case system may have moved it since it was sent.
        office_name=offices.get(digest.office, ""),
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
    sent = Delivery.objects.filter(case=case, kind=Delivery.Kind.ETTERSENDELSE).values_list(
        "created_at", "vedlegg_json"
    )
    return set(_tasks_answered(view.tasks, [SentDocuments(at, vedlegg or {}) for at, vedlegg in sent]))


def my_notifications(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("case__application")[:100])


def _tasks_answered(tasks: tuple[Task, ...], ettersendelser: list[SentDocuments]) -> dict[str, datetime]:
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
    rows = _case_rows(
        "c.owner_id = %(owner)s AND c.kommunenummer = %(kommunenummer)s AND c.soker_sha256 <> ''",
        {"owner": user.pk, "kommunenummer": kommunenummer},
    )
    for view in _folded(rows, timezone.now()).values():
        for payment in view.payments:
            if (
                payment.status == UtbetalingStatus.UTBETALT
                and payment.paid_date
                and today - payment.paid_date <= SHORT_PAID_WITHIN
            ):
                return True
            if (
                payment.status == UtbetalingStatus.PLANLAGT_UTBETALING
                and payment.due_date
                and today <= payment.due_date <= today + SHORT_PLANNED_WITHIN
            ):
                return True
    return False
