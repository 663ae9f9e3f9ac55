"""Reads for innsyn: every application and case of a person, and one case for its page.

Nothing is folded here: the case read model (exchange.CaseState) is folded and stored in the transaction that
stores each report, and these reads are ordinary ORM queries over Case and CaseState. Each page costs a fixed
number of queries whatever the number of cases or events. What depends on the clock (active or not, the
order of the active cases, the application's own tasks in its first 30 days) is worked out here from the
stored columns, with `now` as a parameter.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import structlog
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    ExpressionWrapper,
    F,
    Func,
    JSONField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import JSONObject
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.application.selectors import requirement_titles as application_titles
from digisos.core.prepared import PreparedValues
from digisos.documents.models import Document
from digisos.exchange import case_state
from digisos.exchange.models import Case, CaseState, Delivery
from digisos.municipalities.models import Municipality, NavOffice, ServiceConfiguration, shows_status_q
from digisos.soker.constants import SENDT
from digisos.soker.fold import DONE, NOT_PROCESSED, CaseView, Task, TimelineEntry
from digisos.soker.serialise import tasks_from_json

from .models import Notification

log = structlog.get_logger(__name__)

# NAV's rules for "active" (§3): updated within two months, and not finished more than 21 days ago
# (unless a documentation deadline is still ahead).
INACTIVE_AFTER = timedelta(days=61)
FINISHED_ACTIVE_FOR = timedelta(days=21)
# The case system's clock and ours differ a little; an upload moments "before" a request still answers it.
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class Visibility:
    """What the municipality lets the applicant see online (the rules: ServiceConfiguration)."""

    innsyn: bool  # kanOppdatereStatus: on, though perhaps paused (the page says which)
    shows_case: bool  # ServiceConfiguration.shows_status
    can_send_documents: bool  # ServiceConfiguration.accepts_applications

    @classmethod
    def of(cls, municipality: Municipality) -> "Visibility":
        service = getattr(municipality, "service", None)
        return cls(
            innsyn=service is not None and service.can_update_status,
            shows_case=municipality.shows_status,
            can_send_documents=municipality.accepts_applications,
        )


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
    def of_state(cls, state: CaseState, now: datetime) -> "Digest":
        """From the stored columns; the application's own tasks count only while it is young."""
        young = case_state.application_is_young(_sent_at(state.case), now)
        return cls(
            status=state.status,
            office=state.office,
            updated_at=state.last_event_at,
            open_tasks=state.open_tasks + (state.application_tasks if young else 0),
            next_deadline=state.next_deadline,
            requirement_deadline=state.requirement_deadline,
        )

    @classmethod
    def hidden(cls, office: str) -> "Digest":
        """While the municipality does not show case updates: only that the application was sent."""
        return cls(SENDT, office, None, 0, None, None)

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


class ListedCase(NamedTuple):
    """A case as "Mine søknader" shows it, made straight from the list's one row of columns: fifty of them
    cost no model instances (five related models a row, with their signals) that the page would only read a
    few fields of. A tuple, so that the fragment's loop unpacks it into names (case_items.html): a dozen
    attributes a case looked up through Jinja2's getattr cost a tenth of the page's rendering."""

    id: uuid.UUID
    reference: str  # the application's reference; empty for a paper case
    sent_at: datetime | None
    municipality_name: str
    office_name: str
    shows_case: bool
    status: str
    open_tasks: int  # 0 while the municipality does not show the case
    next_deadline: datetime | None
    active: bool
    last_change: datetime


@dataclass(frozen=True)
class MyApplications:
    drafts: list[Application]
    active: list[ListedCase]
    earlier: list[ListedCase]


# What "Mine søknader" reads of each case, as plain columns (values()), in one query.
_LIST_COLUMNS = (
    "id",
    "created_at",
    "soker_updated_at",
    "office_id",
    "application_id",
    "application__reference",
    "application__sent_at",
    "application__enhetsnummer",
    "municipality__name",
    "state__case_id",
    "state__status",
    "state__office",
    "state__last_event_at",
    "state__open_tasks",
    "state__application_tasks",
    "state__next_deadline",
    "state__requirement_deadline",
)


def my_applications(user: User, *, now: datetime | None = None) -> MyApplications:
    now = now or timezone.now()
    drafts = [_instance(Application, row, "") for row in _DRAFTS.rows(user.pk)]
    listed = [_listed(row, now) for row in _MY_CASES.rows(user.pk)]
    active = sorted((c for c in listed if c.active), key=lambda c: _listed_order(c, now))
    earlier = sorted((c for c in listed if not c.active), key=lambda c: c.last_change, reverse=True)
    return MyApplications(drafts=drafts, active=active, earlier=earlier)


def _office_name(path: str) -> Subquery:
    """The name of the office whose number is at `path` (text, not a foreign key), or NULL."""
    return Subquery(NavOffice.objects.filter(enhetsnummer=OuterRef(path)).order_by().values("name")[:1])


def _my_cases(owner_id: int) -> QuerySet:
    """Every case of the person as plain columns, with the names of the offices a row may show (the one the
    read model names, or the case's own or the application's), in one query."""
    return (
        Case.objects.filter(owner_id=owner_id)
        .order_by("-created_at")
        .values(
            *_LIST_COLUMNS,
            shows_case=_rule(shows_status_q("municipality__service")),
            state_office_name=_office_name("state__office"),
            office_name=F("office__name"),
            application_office_name=_office_name("application__enhetsnummer"),
            tasks_and_sent=_tasks_and_sent_documents(),
        )
    )


def _tasks_and_sent_documents() -> Choose:
    """For a case shown with tasks to send and with documents sent from its page (ettersendelser): its stored
    view's tasks and the documents sent, as JSON text (decoded only for those cases); else NULL. Only those
    cases' counts can be less than the read model's, and only their views are read (a detoasted jsonb each;
    the other cases' counts are the read model's columns). In the list's own statement, no query of its own:
    one probe of exchange_delivery's case_id index for each case with tasks."""
    sent = (
        Delivery.objects.filter(case_id=OuterRef("pk"), kind=Delivery.Kind.ETTERSENDELSE)
        .order_by()
        .values("case_id")
        .annotate(sent=_TasksAndSentJson(OuterRef("state__page_view"), "created_at", "vedlegg_json"))
        .values("sent")
    )
    to_send = (Q(state__open_tasks__gt=0) | Q(state__application_tasks__gt=0)) & shows_status_q(
        "municipality__service"
    )
    return Choose(When(to_send, then=Subquery(sent)), default=None, output_field=TextField())


class _TasksAndSentJson(Aggregate):
    """`[tasks, [[created_at, vedlegg.json], ...]]` as JSON text: the case's stored tasks (its view's "tasks",
    from the outer row) and its ettersendelser (the rows). On PostgreSQL jsonb (the times ISO 8601 with their
    offset); on SQLite JSON text (the times as Django stores them there: UTC without an offset)."""

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (view, created, vedlegg), params = self._compiled(compiler)
        sql = f"JSONB_BUILD_ARRAY({view} -> 'tasks', JSONB_AGG(JSONB_BUILD_ARRAY({created}, {vedlegg})))"
        return sql, params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (view, created, vedlegg), params = self._compiled(compiler)
        tasks = f"JSON_EXTRACT({view}, '$.tasks')"
        return f"JSON_ARRAY({tasks}, JSON_GROUP_ARRAY(JSON_ARRAY({created}, JSON({vedlegg}))))", params

    def _compiled(self, compiler: Any) -> tuple[list[str], list[Any]]:
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        return [sql for sql, _ in compiled], [param for _, params in compiled for param in params]


def _sent_documents(pairs: list[list[Any]]) -> list["SentDocuments"]:
    """The documents sent from a case's page, from the list's JSON column (see _TasksAndSentJson)."""
    return [SentDocuments(_utc(at), vedlegg or {}) for at, vedlegg in pairs]


def _utc(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _my_drafts(owner_id: int) -> QuerySet:
    return (
        Application.objects.filter(owner_id=owner_id, status=Application.Status.DRAFT)
        .order_by("-updated_at")
        .values("id", "created_at", "owner_id")
    )


# "Mine søknader"'s two queries, compiled once per process (core/prepared.py); the argument: the owner's key.
# Their times are loaded by psycopg's own loader (C), not Django's Python one: fifty cases bring some two
# hundred times a page, which Django's loader made a tenth of the page's CPU. The same instants (UTC), only
# with a ZoneInfo("UTC") as their zone; the page converts each to the local zone before writing it.
_MY_CASES = PreparedValues(_my_cases, -7654321, native_timestamps=True)
_DRAFTS = PreparedValues(_my_drafts, -7654321, native_timestamps=True)


def _rule(q: Q) -> ExpressionWrapper:
    """A rule of municipalities.models (a Q) as a true/false column; no configuration (NULL) is false."""
    return ExpressionWrapper(q, output_field=BooleanField())


def _listed(row: dict[str, Any], now: datetime) -> ListedCase:
    """The case as the list shows it, from the list's columns: what Digest.of_state (or Digest.hidden, while
    the municipality does not show the case or nothing is reported yet) and CaseSummary would give, worked
    out straight from the row (fifty cases a page: no Digest in between). The documents still to send are the
    read model's count less those answered by the documents sent from the case's page, by the case page's
    rule (_tasks_answered)."""
    created_at, reported_at = row["created_at"], row["soker_updated_at"]
    shows_case = bool(row["shows_case"])
    if row["state__case_id"] is None or not shows_case:
        # Digest.hidden: sent, at the office the case started at; nothing else is shown.
        status, updated_at, open_tasks, next_deadline, requirement_deadline = SENDT, None, 0, None, None
        office = case_state.office_of(row["office_id"], row["application__enhetsnummer"])
        office_name = (
            (row["office_name"] if row["office_id"] else row["application_office_name"]) if office else None
        )
    else:
        status, updated_at = row["state__status"], row["state__last_event_at"]
        open_tasks = row["state__open_tasks"]
        young = case_state.application_is_young(row["application__sent_at"], now)
        if young:
            open_tasks += row["state__application_tasks"]
        next_deadline, requirement_deadline = row["state__next_deadline"], row["state__requirement_deadline"]
        if open_tasks and row["tasks_and_sent"] is not None:
            stored_tasks, sent = json.loads(row["tasks_and_sent"])
            open_tasks, next_deadline = _left_to_send(
                stored_tasks, _sent_documents(sent), young, next_deadline
            )
        # The office handling it now: the case system may have moved it since it was sent.
        office_name = row["state_office_name"] if row["state__office"] else None
    last_change = created_at
    if reported_at and reported_at > last_change:
        last_change = reported_at
    if updated_at and updated_at > last_change:
        last_change = updated_at
    return ListedCase(
        id=row["id"],
        reference=row["application__reference"] or "" if row["application_id"] else "",
        sent_at=row["application__sent_at"],
        municipality_name=row["municipality__name"],
        office_name=office_name or "",
        shows_case=shows_case,
        status=status,
        open_tasks=open_tasks,
        next_deadline=next_deadline,
        active=_is_active_at(status, requirement_deadline, last_change, now),
        last_change=last_change,
    )


def _left_to_send(
    stored_tasks: list[dict[str, Any]],
    sent: list["SentDocuments"],
    young: bool,
    next_deadline: datetime | None,
) -> tuple[int, datetime | None]:
    """How many of the case's tasks are not answered by the documents sent, and the next deadline among them
    (the read model's, the earliest of every task and requirement, while none is answered). The tasks are the
    case page's (case_state.current_view): the application's own only while it is young."""
    tasks = tuple(task for task in tasks_from_json(stored_tasks) if young or task.from_caseworker)
    answered = _tasks_answered(tasks, sent)
    if not answered:
        return len(tasks), next_deadline
    left = [task for task in tasks if task.id not in answered]
    return len(left), min((task.deadline for task in left if task.deadline), default=None)


def _listed_order(case: ListedCase, now: datetime) -> tuple[Any, ...]:
    deadline = case.next_deadline
    return (deadline is None, deadline or now, case.open_tasks == 0, -case.last_change.timestamp())


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
    payment_count: int = 0  # every payment of the case, shown or not
    history_count: int = 0  # every entry of the history, shown or not


@dataclass(frozen=True)
class Shown:
    """How much of a long case its page shows: the payments from a month on (None: every one) and the newest
    entries of the history (None: all of it). The rest stays behind the page's "see all" links."""

    payments_from: date | None = None
    history_last: int | None = None


def case_page(
    user: User, case_id: uuid.UUID | str, *, now: datetime | None = None, shown: Shown | None = None
) -> CasePage | None:
    """The case as its page shows it. With `shown`, only the payments and history the page shows are read:
    the stored read model keeps the page's parts in columns of their own (case_state.page_columns), so a case
    with a year of reports costs a page what it shows; the totals (`payment_count`, `history_count`) say what
    the links to the rest lead to."""
    now = now or timezone.now()
    shown = shown or Shown()
    if connection.vendor == "postgresql":
        case = _case_from_row(_page_query(shown).rows(*_page_arguments(user, case_id, shown)))
    else:
        found = _cases(owner=user, pk=case_id, page=True, whole_view=True, history=_reads_recent(shown))
        case = next(iter(found[:1]), None)
        if case is not None:
            _cut_in_python(case, shown)
    if case is None:
        return None
    view = _view(case, now, shown)
    office_numbers = {e.detail for e in view.timeline if e.kind in ("forwarded", "sent") and e.detail}
    offices = _office_names(office_numbers | {view.office})
    summary = _summary(
        case, Digest.of(view) if _visibility(case).shows_case else _digest(case, now), offices, now
    )
    if view.skipped:
        log.warning("innsyn.unknown_event_types", case=str(case.id), types=sorted(set(view.skipped)))
    letters = frozenset(str(pk) for pk in case.letter_ids)
    sent = [
        SentDocuments(datetime.fromisoformat(entry["created_at"]), entry["vedlegg"] or {})
        for entry in case.ettersendelser
    ]
    state = getattr(case, "state", None)
    return CasePage(
        summary=summary,
        view=view,
        letters=letters,
        sent_documents=sent,
        tasks_sent=_tasks_answered(view.tasks, sent),
        offices=offices,
        payment_count=state.payment_count if state is not None else len(view.payments),
        history_count=state.history_count if state is not None else len(view.timeline),
    )


def history_with_sent_documents(
    timeline: tuple[TimelineEntry, ...], sent: list[SentDocuments]
) -> list[TimelineEntry]:
    """The case's history newest first with the documents the applicant sent from the case page among it ("Du
    sendte 2 dokumenter"), as NAV adds them at read time. The sent documents are the case page's stored
    ettersendelser (read in its one query), not the case system's document, so they are merged here rather than
    folded: the stored read model stays a fold of the report alone. `timeline` is the stored newest entries
    (or all of them); every ettersendelse is among `sent`, so the merged newest entries are right."""
    entries = [
        *timeline,
        *(
            TimelineEntry("documents_sent", s.created_at, detail=str(_file_count(s.vedlegg_json)))
            for s in sent
        ),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _file_count(vedlegg_json: dict[str, Any]) -> int:
    return sum(len(entry.get("filer") or ()) for entry in vedlegg_json.get("vedlegg", []))


def _reads_recent(shown: Shown) -> bool:
    """Whether the stored newest entries (CaseState.recent_history) hold all the history the page shows."""
    return shown.history_last is not None and shown.history_last <= case_state.RECENT_HISTORY


# The payments the page shows by default: planned or paid from a month on, or without a date (as
# innsyn.views._payments_by_month groups them: by paid date, else due date). Dates are ISO text in the view.
_PAYMENTS_FROM = (
    "$[*] ? (@.paid_date >= $from || (@.paid_date == null && (@.due_date == null || @.due_date >= $from)))"
)


class _PaymentsFrom(Func):
    """jsonb_path_query_array(payments, _PAYMENTS_FROM, {"from": day}): the stored payments from `day` on."""

    template = "jsonb_path_query_array(%(expressions)s)"
    output_field = JSONField()

    def __init__(self, payments: Any, day: Any) -> None:
        variables = Func(
            day, template="jsonb_build_object('from', %(expressions)s::text)", output_field=JSONField()
        )
        super().__init__(payments, Value(_PAYMENTS_FROM), variables)


def _view_columns(shown: Shown, day: Any = None) -> dict[str, Any]:
    """What the case page reads beside the stored view's other parts (CaseState.page_view): the payments it
    shows, cut in the database, and the whole history when it shows more than the stored newest entries."""
    payments: Any = F("state__payments")
    if shown.payments_from is not None:
        payments = _PaymentsFrom(payments, Value(day or shown.payments_from.isoformat()))
    columns = {"view_payments": payments}
    if not _reads_recent(shown):
        columns["view_history"] = _WholeHistory(F("state__earlier_history"), F("state__recent_history"))
    return columns


class _WholeHistory(Func):
    """earlier_history || recent_history: the stored history whole, oldest first (case_state.page_columns)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = JSONField()


# The case page's query, compiled once per shape (core/prepared.py): whether it cuts the payments from a day
# and whether it reads the stored newest history entries or the whole history. Its arguments: the owner's
# key, the case's and the first day of the payments shown.
_SAMPLE_OWNER, _SAMPLE_CASE, _SAMPLE_DAY = -7654321, uuid.UUID(int=7654321), "1901-02-03"
_PAGE_QUERIES: dict[tuple[bool, bool], PreparedValues] = {}


def _page_query(shown: Shown) -> PreparedValues:
    shape = (shown.payments_from is not None, _reads_recent(shown))
    if shape not in _PAGE_QUERIES:
        shape_shown = Shown(
            payments_from=date(1901, 2, 3) if shape[0] else None,
            history_last=case_state.RECENT_HISTORY if shape[1] else None,
        )

        def build(owner_id: int, case_id: uuid.UUID, day: str = "") -> QuerySet:
            recent = ("state__recent_history",) if shape[1] else ()
            return (
                Case.objects.filter(owner_id=owner_id, pk=case_id)
                .order_by()
                .values(
                    *_ROW_COLUMNS,
                    *recent,
                    **_view_columns(shape_shown, day),
                    **_letters_and_sent_columns(),
                )[:1]
            )

        samples = (_SAMPLE_OWNER, _SAMPLE_CASE, _SAMPLE_DAY) if shape[0] else (_SAMPLE_OWNER, _SAMPLE_CASE)
        _PAGE_QUERIES[shape] = PreparedValues(build, *samples)
    return _PAGE_QUERIES[shape]


def _page_arguments(user: User, case_id: uuid.UUID | str, shown: Shown) -> tuple[Any, ...]:
    key = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    if shown.payments_from is None:
        return (user.pk, key)
    return (user.pk, key, shown.payments_from.isoformat())


def _case_from_row(rows: list[dict[str, Any]]) -> Case | None:
    """The case page's row as the models the page reads (the columns not read deferred, as .only() leaves
    them), with the page's annotations (view_payments, view_history, letter_ids, ettersendelser) on the case."""
    if not rows:
        return None
    row = rows[0]
    case = _instance(Case, row, "")
    if row["application_id"] is not None:
        case.application = _instance(Application, row, "application__")
    municipality = _instance(Municipality, row, "municipality__")
    if row["municipality__service__municipality_id"] is None:
        Municipality.service.related.set_cached_value(municipality, None)
    else:
        municipality.service = _instance(ServiceConfiguration, row, "municipality__service__")
    case.municipality = municipality
    if row["state__case_id"] is None:
        Case.state.related.set_cached_value(case, None)
    else:
        case.state = _instance(CaseState, row, "state__")
    for name in ("view_payments", "view_history", "letter_ids", "ettersendelser"):
        if name in row:
            setattr(case, name, row[name])
    return case


def _instance(model: type[Model], row: dict[str, Any], prefix: str) -> Any:
    names = [f.attname for f in model._meta.concrete_fields if prefix + f.attname in row]
    return model.from_db("default", names, [row[prefix + name] for name in names])


# Only what the pages show; the case's event document and the rest of each model are never loaded.
_CASE_COLUMNS = ("id", "municipality", "office", "created_at", "soker_sha256", "soker_updated_at")
_CASE_COLUMNS += ("owner_id", "application_id", "letters_id")
_APPLICATION_COLUMNS = ("application__reference", "application__sent_at", "application__enhetsnummer")
_APPLICATION_COLUMNS += ("application__pdf_id",)
# The municipality's name and its service flags, joined.
_MUNICIPALITY_COLUMNS = (
    "municipality__name",
    "municipality__service__can_receive_applications",
    "municipality__service__can_update_status",
    "municipality__service__receiving_temporarily_disabled",
    "municipality__service__updates_temporarily_disabled",
)

# What Digest.of_state and had_recent_payment read of the read model; the rest (decisions, the view) of fifty
# rows would only be decoded to be dropped.
_STATE_COLUMNS = tuple(
    f"state__{name}"
    for name in (
        "status",
        "office",
        "last_event_at",
        "open_tasks",
        "application_tasks",
        "next_deadline",
        "requirement_deadline",
        "last_payment_date",
        "planned_payment_dates",
    )
)


# The case page's parts of the stored view (exchange.case_state.page_columns) it always reads.
_PAGE_COLUMNS = ("state__page_view", "state__payment_count", "state__history_count", "state__source_sha256")
# The case page's query's columns as values() names them (by attname, for _instance): the same as _cases's.
_ROW_COLUMNS = (
    *("id", "municipality_id", "office_id", "created_at", "soker_sha256", "soker_updated_at"),
    *("owner_id", "application_id", "letters_id"),
    *_APPLICATION_COLUMNS,
    "application__id",
    "application__vedlegg_json",
    "municipality__kommunenummer",
    *_MUNICIPALITY_COLUMNS,
    "municipality__service__municipality_id",
    "state__case_id",
    *_STATE_COLUMNS,
    *_PAGE_COLUMNS,
)


def _cases(
    *, owner: User, page: bool = False, whole_view: bool = False, history: bool = False, **filters: Any
) -> QuerySet[Case]:
    """The person's cases with their application, read model and municipality (flags, name), in one query.

    The case page also loads the application's vedlegg.json for the application's own tasks while the
    municipality does not show case updates, and the stored view's page parts (with `history` the newest
    history entries too; the payments it shows are annotated), or with `whole_view` all its parts."""
    extra = ("application__vedlegg_json", *_PAGE_COLUMNS) if page else ()
    extra += ("state__recent_history",) if history else ()
    extra += ("state__payments", "state__earlier_history", "state__recent_history") if whole_view else ()
    return (
        Case.objects.filter(owner=owner, **filters)
        .select_related("application", "state", "municipality__service")
        .only(*_CASE_COLUMNS, *_APPLICATION_COLUMNS, *_STATE_COLUMNS, *_MUNICIPALITY_COLUMNS, *extra)
    )


def _visibility(case: Case) -> Visibility:
    return Visibility.of(case.municipality)


def _sent_at(case: Case) -> datetime | None:
    return case.application.sent_at if case.application_id else None


def _office_of(case: Case) -> str:
    return case_state.office_of(
        case.office_id, case.application.enhetsnummer if case.application_id else None
    )


def _digest(case: Case, now: datetime) -> Digest:
    state = getattr(case, "state", None)
    if state is None or not _visibility(case).shows_case:
        return Digest.hidden(_office_of(case))
    return Digest.of_state(state, now)


def _view(case: Case, now: datetime, shown: Shown) -> CaseView:
    if _visibility(case).shows_case and getattr(case, "state", None) is not None:
        return case_state.current_view(_stored_view(case, shown), now)
    application = case.application if case.application_id else None
    return case_state.hidden_view(
        now=now,
        sent_at=_sent_at(case),
        office=_office_of(case),
        vedlegg=application.vedlegg_json if application else None,
    )


def _stored_view(case: Case, shown: Shown) -> dict[str, Any]:
    """The stored view from the case page's columns: its other parts, and what it shows of the payments and
    the history (the newest `history_last` entries of the stored recent ones, or the whole timeline)."""
    if hasattr(case, "view_history"):
        history = case.view_history or []
    else:
        recent = case.state.recent_history
        history = recent[-shown.history_last :] if shown.history_last else []
    return {**case.state.page_view, "payments": case.view_payments or [], "timeline": history}


def _cut_in_python(case: Case, shown: Shown) -> None:
    """The same columns as `_view_columns` and `_letters_and_sent_columns`, worked out in Python: the quick
    start's SQLite has neither jsonb paths nor arrays. Two more queries a page; PostgreSQL never comes here."""
    state = getattr(case, "state", None)
    payments = (state.payments if state is not None else None) or []
    if shown.payments_from is not None:
        start = shown.payments_from.isoformat()
        payments = [
            p
            for p in payments
            if (p.get("paid_date") or "") >= start
            or (p.get("paid_date") is None and (p.get("due_date") is None or p["due_date"] >= start))
        ]
    case.view_payments = payments
    if not _reads_recent(shown):
        case.view_history = [*state.earlier_history, *state.recent_history] if state is not None else []
    case.letter_ids = list(Document.objects.filter(folder_id=case.letters_id).values_list("pk", flat=True))
    sent = Delivery.objects.filter(case_id=case.pk, kind=Delivery.Kind.ETTERSENDELSE).order_by("-created_at")
    case.ettersendelser = [
        {"created_at": created.isoformat(), "vedlegg": vedlegg}
        for created, vedlegg in sent.values_list("created_at", "vedlegg_json")
    ]


def _letters_and_sent_columns() -> dict[str, Any]:
    """The ids of the case's stored letters, and its ettersendelser newest first, as arrays in the case's own
    query: two round trips fewer for every view of the page."""
    letters = Document.objects.filter(folder_id=OuterRef("letters_id")).order_by().values("pk")  # a set
    sent = (
        Delivery.objects.filter(case_id=OuterRef("pk"), kind=Delivery.Kind.ETTERSENDELSE)
        .order_by("-created_at")
        .values(entry=JSONObject(created_at="created_at", vedlegg="vedlegg_json"))
    )
    return {"letter_ids": ArraySubquery(letters), "ettersendelser": ArraySubquery(sent)}


def _office_names(numbers: set[str]) -> dict[str, str]:
    ordered = sorted(numbers - {""})
    if not ordered:
        return {}
    return {row["enhetsnummer"]: row["name"] for row in _OFFICES.rows(ordered)}


def _offices(numbers: list[str]) -> QuerySet:
    """The offices of these numbers; on PostgreSQL as `= ANY(array)`, one parameter whatever their number, so
    that the query is compiled once (an IN list is a new query for every count of offices)."""
    if connection.vendor != "postgresql":
        return NavOffice.objects.filter(enhetsnummer__in=numbers).order_by().values("enhetsnummer", "name")
    among = _AnyOf(F("enhetsnummer"), Value(numbers, output_field=ArrayField(CharField())))
    return NavOffice.objects.filter(among).order_by().values("enhetsnummer", "name")


class _AnyOf(Func):
    """`column = ANY(array)`: true where the column is one of the array's values."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


_OFFICES = PreparedValues(_offices, ["x9999999"])


def _summary(case: Case, digest: Digest, offices: dict[str, str], now: datetime) -> CaseSummary:
    last_change = max(filter(None, [case.created_at, case.soker_updated_at, digest.updated_at]))
    return CaseSummary(
        case=case,
        digest=digest,
        visibility=_visibility(case),
        municipality_name=case.municipality.name,
        # The office handling it now: the case system may have moved it since it was sent.
        office_name=offices.get(digest.office, ""),
        active=_is_active(digest, last_change, now),
        last_change=last_change,
    )


def _is_active(digest: Digest, last_change: datetime, now: datetime) -> bool:
    return _is_active_at(digest.status, digest.requirement_deadline, last_change, now)


def _is_active_at(
    status: str, requirement_deadline: datetime | None, last_change: datetime, now: datetime
) -> bool:
    if now - last_change >= INACTIVE_AFTER:
        return False
    if status in (DONE, NOT_PROCESSED) and now - last_change > FINISHED_ACTIVE_FOR:
        return bool(requirement_deadline and requirement_deadline > now)
    return True


def requirement_titles(case: Case, view: CaseView) -> dict[str, str]:
    """Titles of the application's own documentation requirements, for the tasks made from them (their
    vedlegg.json entries carry only type and extra info). Loaded only when there are such tasks."""
    if case.application_id is None or all(task.from_caseworker for task in view.tasks):
        return {}
    return application_titles(
        Application.objects.only("answers", "registers", "sent_at", "variant").get(pk=case.application_id)
    )


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
    KortSoknadUseCaseHandler), read from the stored read model of the person's cases there."""
    # Only what the municipality shows the applicant counts (the reports of one that does not are hidden).
    cases = _cases(owner=user, municipality_id=kommunenummer).filter(shows_status_q("municipality__service"))
    for case in cases.exclude(soker_sha256=""):
        state = getattr(case, "state", None)
        if state is None:
            continue
        if state.last_payment_date and today - state.last_payment_date <= SHORT_PAID_WITHIN:
            return True
        if case_state.planned_within(state.planned_payment_dates, today, today + SHORT_PLANNED_WITHIN):
            return True
    return False
