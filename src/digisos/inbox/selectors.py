"""Reads of the manual inbox: who may use it, the municipality's list and one case's page. A caseworker sees
only their own municipality's cases."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext as _

from digisos.accounts.models import User
from digisos.application.summary import Section, registered_name
from digisos.application.summary import sections as summary_sections
from digisos.core import keyset
from digisos.core.formatting import formatters
from digisos.core.prepared import PreparedValues
from digisos.core.statistics_sources import MonthlyCount
from digisos.documents import permissions
from digisos.documents.models import Document
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import INBOX_STATUSES, Case, CaseState, Delivery, Receiver, inbox_rank
from digisos.exchange.selectors import OSLO, letters_of
from digisos.municipalities.models import Municipality, NavOffice
from digisos.registers.ports import shows_address
from digisos.registers.protection import hidden_from_caseworkers
from digisos.soker.constants import SENDT, EventType, KravStatus
from digisos.soker.labels import status_label, title_text
from digisos.soker.tidspunkt import parse_tidspunkt
from digisos.soker.validation import dokumentlager_references

from .models import PaperCount

SHOWN_STATUSES = INBOX_STATUSES  # new and received; the inbox's index covers exactly these


# --- The manual inbox: who may use it, and what they see --------------------------------------------------


def is_inbox_user(user: User) -> bool:
    """A municipal caseworker (the same rule documents use to let them read their municipality's files)."""
    return (
        user.is_authenticated
        and user.kind == User.Kind.EMPLOYEE
        and user.municipality_id is not None
        and MUNICIPAL_CASEWORKER_ROLE in user.role_names()
    )


def inbox_deliveries(kommunenummer: str) -> QuerySet[Delivery]:
    """The municipality's inbox: new deliveries first, then received, newest first within each."""
    return _shown(_inbox(kommunenummer)).order_by(*LIST_ORDER)


def _shown(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    """What a row of the list shows: the delivery, its case and the application's reference (one join)."""
    return (
        deliveries.select_related("case__application")
        .only(
            "id",
            "public_id",
            "kind",
            "status",
            "available_at",
            "collected_at",
            "case__id",
            "case__application__id",
            "case__application__reference",
        )
        .annotate(is_new=inbox_rank())
    )


def _inbox(kommunenummer: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        municipality_id=_unseen_by_planner(kommunenummer),
        channel=Receiver.Channel.INBOX,
        status__in=SHOWN_STATUSES,
    ).annotate(is_new=inbox_rank())


def _unseen_by_planner(kommunenummer: str) -> RawSQL:
    """The municipality's number read through a sub-select, whose value the planner does not look into.

    The list's statements are prepared (psycopg, after five runs on a connection), and PostgreSQL keeps the plan
    it makes once for any municipality only if that plan is not estimated dearer than the ones it makes for the
    values it is given; otherwise it plans the statement again on every request. For a municipality with far
    more deliveries than the average one (Oslo), a plan made for it was estimated cheaper than the same plan
    made for any municipality, so at a million cases the first page was planned at every look (1.9 ms of
    planning for 0.7 ms of execution: make bench-scale). Through the sub-select both plans are estimated for
    any municipality: the same index scan at the same cost, planned once per connection."""
    return RawSQL("SELECT CAST(%s AS TEXT)", (kommunenummer,))


# The order of the inbox's index (Delivery.Meta), so a page is read from it in order, and its reverse (to read
# the page above a position from the index backwards).
LIST_ORDER = ("is_new", "-available_at", "-id")
REVERSE_ORDER = ("-is_new", "available_at", "id")
INBOX_PAGE_SIZE = 50
# The new deliveries are counted up to this many: a count is read from the index entry by entry, and a
# caseworker needs "many" rather than the exact number of a backlog.
NEW_COUNT_CAP = 1000


@dataclass(frozen=True)
class ListPosition:
    """A delivery's place in the inbox's order: its rank (0 new, 1 received), when it came in, its id. The
    links to the pages above and below carry the position of the page's first or last row, so that a page
    is read from the index where the previous one ended: the same cost on the 3,000th page as on the first
    (Paginator counted every delivery and skipped all rows above the page with OFFSET)."""

    rank: int
    available_at: datetime
    id: int

    def token(self) -> str:
        return keyset.token(self.rank, self.available_at, self.id)

    @classmethod
    def parse(cls, token: str | None) -> "ListPosition | None":
        """The position in a link; None for a missing or broken one (the list then shows its first page)."""
        found = keyset.flagged(token)
        return None if found is None else cls(*found)

    @classmethod
    def of(cls, delivery: "ListedDelivery") -> "ListPosition | None":
        if delivery.available_at is None:  # set whenever a delivery becomes available; never in the list
            return None
        return cls(delivery.is_new, delivery.available_at, delivery.id)


@dataclass(frozen=True, slots=True)
class ListedApplication:
    reference: str


@dataclass(frozen=True, slots=True)
class ListedCase:
    id: uuid.UUID
    application: ListedApplication | None
    applicant: str = ""  # the name, as Folkeregisteret gave it for the application (or the login's)
    office_name: str = ""  # the office handling it now
    status: str = SENDT  # the application's status (the stored read model's)
    open_tasks: int = 0  # documents the caseworker asked for and still waits for
    next_deadline: datetime | None = None


@dataclass(frozen=True, slots=True)
class ListedDelivery:
    """A row of the inbox's list, made straight from the list query's columns: fifty rows cost no model
    instances (a delivery, its case and application each, with their signals) the page would only read a few
    fields of. The same attributes as the Delivery the list once held (inbox_rows.html, ListPosition.of)."""

    id: int
    public_id: uuid.UUID
    kind: str
    status: str
    available_at: datetime | None
    is_new: int
    case: ListedCase


# What a row of the list shows (`_shown`), as values() names them.
_ROW_COLUMNS = (
    "id",
    "public_id",
    "kind",
    "status",
    "available_at",
    "is_new",
    "case__id",
    "case__application__id",
    "case__application__reference",
    # Who applied: the name Folkeregisteret gave for the application (never the fødselsnummer), stored on the
    # case when it was sent, or for a paper case the person's own login's; and the case's state, for "what
    # needs attention".
    "case__applicant_name",
    "case__owner__first_name",
    "case__owner__last_name",
    "case__application__office_name",
    "case__state__status",
    "case__state__open_tasks",
    "case__state__next_deadline",
    "case__owner__pid",  # asked of the address-protection register, never shown
)


def _row_annotations() -> dict[str, Any]:
    """The name of the office handling the case now (the read model's office is text, not a key)."""
    office = NavOffice.objects.filter(enhetsnummer=OuterRef("case__state__office")).order_by().values("name")
    return {"office_name": Subquery(office[:1])}


def _rows(deliveries: QuerySet[Delivery]) -> QuerySet:
    return deliveries.values(*_ROW_COLUMNS, **_row_annotations())


def _applicant(row: dict[str, Any]) -> str:
    if row["case__applicant_name"]:
        return row["case__applicant_name"]
    return " ".join(part for part in (row["case__owner__first_name"], row["case__owner__last_name"]) if part)


def _listed(rows: Any) -> list[ListedDelivery]:
    """The rows as the list shows them (rows already checked against the register: `_visible`)."""
    return [
        ListedDelivery(
            id=row["id"],
            public_id=row["public_id"],
            kind=row["kind"],
            status=row["status"],
            available_at=row["available_at"],
            is_new=row["is_new"],
            case=ListedCase(
                id=row["case__id"],
                application=ListedApplication(row["case__application__reference"])
                if row["case__application__id"] is not None
                else None,
                applicant=_applicant(row),
                office_name=row["office_name"] or row["case__application__office_name"] or "",
                status=row["case__state__status"] or SENDT,
                open_tasks=row["case__state__open_tasks"] or 0,
                next_deadline=row["case__state__next_deadline"],
            ),
        )
        for row in rows
    ]


def _visible(rows: list[dict[str, Any]], user_id: int | None) -> list[dict[str, Any]]:
    """The rows without those of a person the caseworker's view may not show (strengt fortrolig adresse unless
    specially authorised, or no answer from the register: registers/protection.py), asked of the register for
    the rows' persons at once."""
    hidden = hidden_from_caseworkers((row["case__owner__pid"] for row in rows), user_id=user_id)
    if not hidden:
        return rows
    return [row for row in rows if row["case__owner__pid"] not in hidden]


def _row_position(row: dict[str, Any]) -> ListPosition:
    return ListPosition(row["is_new"], row["available_at"], row["id"])


# How many more reads a page makes, past rows the register hides, to fill itself (see `_page_rows`).
MAX_TOP_UPS = 4


@dataclass(frozen=True)
class _PageRows:
    rows: list[dict[str, Any]]  # the page's rows, in the direction read (upwards: nearest first), all visible
    more: bool  # there are (or may be) more rows beyond the page in the direction read
    resume: ListPosition | None  # where the next page in that direction starts reading (if `more`)


def _page_rows(
    first: list[dict[str, Any]], kommunenummer: str, size: int, *, upwards: bool, user_id: int | None
) -> _PageRows:
    """A full page of rows the caseworker may see, in the direction read, from `first` (up to `size` + 1 rows
    read from the list's order) and, while rows of hidden persons leave it short and the inbox has more, further
    reads after the last row read.

    Why read on rather than filter in SQL by a flag stored on the case: the register is the only source of
    truth for a person's protection, which changes without any report to the case (a stored flag would be
    stale and could show a person it has since hidden), and the page must ask it about its persons anyway.
    Hidden persons are rare (kode 6, and a digital application of one is refused), so almost every page is
    filled by its first read: the list's constant number of queries. The reads on are bounded (MAX_TOP_UPS):
    a register that does not answer hides every row, and the list must then not read the whole inbox. A page
    left short by that bound links on from the last row read, so that the next page does not read again what
    this one has passed."""
    limit = size + 1
    batch = first
    shown = _visible(batch, user_id)
    for _round in range(MAX_TOP_UPS):
        if len(shown) > size or len(batch) < limit:
            break
        batch = _beyond_rows(kommunenummer, _row_position(batch[-1]), limit, upwards=upwards)
        shown += _visible(batch, user_id)
    if len(shown) <= size and len(batch) == limit:
        return _PageRows(shown, more=True, resume=_row_position(batch[-1]))
    rows = shown[:size]
    return _PageRows(rows, more=len(shown) > size, resume=_row_position(rows[-1]) if rows else None)


@dataclass(frozen=True)
class InboxPage:
    deliveries: list[ListedDelivery]
    new_count: int  # at most NEW_COUNT_CAP + 1 (shown as "over NEW_COUNT_CAP")
    newer: ListPosition | None  # where the page above starts (its link: "nyere=")
    older: ListPosition | None  # where the page below starts (its link: "eldre=")
    municipality_name: str  # the municipality's name ("" if it is not in the register)


def inbox_page(
    kommunenummer: str,
    *,
    older_than: ListPosition | None = None,
    newer_than: ListPosition | None = None,
    size: int = INBOX_PAGE_SIZE,
    user_id: int | None = None,
) -> InboxPage:
    """One page of the municipality's inbox: the first, the one below `older_than` or the one above
    `newer_than`, as the caseworker `user_id` may see it (registers/protection.py). Two queries whatever the position and the inbox's size: the rows (one past the page, to
    know whether there is more in that direction), and the municipality's name with the count of new
    deliveries up to a cap; more reads only when rows of hidden persons leave the page short (`_page_rows`).
    The first page's, the one opened most, are compiled once per process."""
    if newer_than is not None:
        read = _beyond_rows(kommunenummer, newer_than, size + 1, upwards=True)
        page = _page_rows(read, kommunenummer, size, upwards=True, user_id=user_id)
        deliveries = _listed(page.rows[::-1])
        # The page was reached from the one below it: that one starts below this page's last row.
        newer = page.resume if page.more else None
        older = ListPosition.of(deliveries[-1]) if deliveries else newer_than
    else:
        if older_than is not None:
            found = _beyond_rows(kommunenummer, older_than, size + 1, upwards=False)
        elif size == INBOX_PAGE_SIZE:
            found = _FIRST_PAGE.rows(kommunenummer)
        else:
            found = _rows(inbox_deliveries(kommunenummer))[: size + 1]
        page = _page_rows(list(found), kommunenummer, size, upwards=False, user_id=user_id)
        deliveries = _listed(page.rows)
        older = page.resume if page.more else None
        newer = None
        if older_than is not None:
            newer = ListPosition.of(deliveries[0]) if deliveries else older_than
    heading = _HEADING.rows(kommunenummer)
    return InboxPage(
        deliveries=deliveries,
        new_count=heading[0]["new_count"] if heading else _new_count(kommunenummer),
        newer=newer,
        older=older,
        municipality_name=heading[0]["name"] if heading else "",
    )


def _first_page(kommunenummer: str) -> QuerySet:
    return _rows(inbox_deliveries(kommunenummer))[: INBOX_PAGE_SIZE + 1]


class _CountOf(Func):
    """How many rows a (limited) subquery gives."""

    template = "(SELECT count(*) FROM %(expressions)s AS counted)"
    output_field = IntegerField()


def _heading(kommunenummer: str) -> QuerySet:
    """The municipality's name, and how many new deliveries wait (counted to NEW_COUNT_CAP + 1, from the first
    entries of the inbox's index), in one row."""
    new = _new(OuterRef("kommunenummer")).values("municipality_id")[: NEW_COUNT_CAP + 1]
    return Municipality.objects.filter(pk=kommunenummer).values("name", new_count=_CountOf(Subquery(new)))


def _new(kommunenummer: Any) -> QuerySet[Delivery]:
    """The new deliveries of the municipality's inbox, as its index of them (Delivery.Meta) has them: counted
    from that index alone."""
    return Delivery.objects.filter(
        municipality_id=kommunenummer, channel=Receiver.Channel.INBOX, status=Delivery.Status.AVAILABLE
    ).order_by()


# The first page's rows and the heading, compiled once per process (core/prepared.py), with the list's constants
# as literals so that PostgreSQL plans each once, not on every request; the argument: the municipality's number
# (a sample no real one is).
_FIRST_PAGE = PreparedValues(_first_page, "x999", native_timestamps=True, literal_constants=True)
_HEADING = PreparedValues(_heading, "x999", literal_constants=True)


def _beyond(kommunenummer: str, position: ListPosition, limit: int, *, upwards: bool) -> QuerySet[Delivery]:
    """Up to `limit` deliveries after `position` in the list's order (or before it, nearest first, upwards).

    The ids are read from the inbox's index in one or two ranges, each limited: the rest of the position's own
    rank, compared as a row (`(available_at, id) < (...)`, which PostgreSQL reads as an index condition), and,
    when the list goes on into the other rank (from the new to the received, or back), that rank from its
    edge. The page's rows are then joined to their cases by those ids: the planner cannot estimate the rank
    expression (no statistics on a partial index's expression), and given the whole filter at once it chose
    to join every delivery after the position and sort them."""
    inbox = _inbox(kommunenummer)
    order = REVERSE_ORDER if upwards else LIST_ORDER
    row = Tuple(F("available_at"), F("id"))
    edge = (position.available_at, position.id)
    beyond = TupleGreaterThan(row, edge) if upwards else TupleLessThan(row, edge)
    ids = inbox.filter(beyond, is_new=position.rank).order_by(*order).values("id")[:limit]
    other_rank = 0 if upwards else 1
    if position.rank != other_rank:  # the list goes on into the other rank, from its edge
        rest = inbox.filter(is_new=other_rank).order_by(*order).values("id")[:limit]
        if connection.vendor == "postgresql":
            ids = ids.union(rest, all=True)
        else:
            # SQLite (the quick start) refuses a LIMIT in a part of a compound statement: the two ranges are
            # read one after the other (a few rows each) and the page is joined to their ids.
            ids = [row["id"] for row in ids] + [row["id"] for row in rest]
    return _shown(Delivery.objects.filter(id__in=ids)).order_by(*order)[:limit]


# The paging statements (`_beyond`'s rows), one per shape (direction, the position's rank, the page's size: each
# a different statement), compiled once per process with the list's constants as literals. psycopg prepares a
# statement run five times on a connection, and PostgreSQL then plans it once for any values: with the status,
# channel and rank constants as parameters that generic plan could not use the inbox's index (a partial index on
# an expression, provable only from literals) and read every delivery of the municipality instead (0.8 ms for a
# custom plan, 400 ms for the generic one at Oslo's 140,000 deliveries; bench/scale_explain.py). The arguments,
# the municipality and the position's time and id, stay parameters.
_BEYOND: dict[tuple[bool, int, int], PreparedValues] = {}
_SAMPLE_MOMENT = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


def _beyond_rows(
    kommunenummer: str, position: ListPosition, limit: int, *, upwards: bool
) -> list[dict[str, Any]]:
    """`_beyond`'s rows (see `_BEYOND`)."""
    shape = (upwards, position.rank, limit)
    prepared = _BEYOND.get(shape)
    if prepared is None:
        rank = position.rank  # 0 or 1 (ListPosition.parse): a constant of the shape
        prepared = _BEYOND[shape] = PreparedValues(
            lambda municipality, moment, pk: _rows(
                _beyond(municipality, ListPosition(rank, moment, pk), limit, upwards=upwards)
            ),
            "x999",
            _SAMPLE_MOMENT,
            -7654321,
            native_timestamps=True,
            literal_constants=True,
        )
    return prepared.rows(kommunenummer, position.available_at, position.id)


def _new_count(kommunenummer: str) -> int:
    """How many new deliveries wait, counted to NEW_COUNT_CAP + 1: the first entries of the index."""
    return _new(kommunenummer)[: NEW_COUNT_CAP + 1].count()


def waiting_count(user: User) -> int:
    """How many new deliveries wait in the caseworker's inbox (to NEW_COUNT_CAP + 1), for the list of queues."""
    return _new_count(user.municipality_id) if user.municipality_id else 0


def case_for(user: User, case_id: uuid.UUID) -> Case | None:
    """The case if it belongs to the caseworker's municipality and its person may be shown to this caseworker
    (registers/protection.py: not strengt fortrolig unless specially authorised, and the register answered); None (shown as 404, the same
    as a case that does not exist, so the answer tells nothing about the person) otherwise."""
    case = (
        Case.objects.filter(pk=case_id, municipality_id=user.municipality_id)
        .select_related("application", "owner", "letters", "state")
        .defer("soker", *_STATE_NOT_SHOWN)  # the history: one page of it is read (inbox_case_page)
        .first()
    )
    if case is not None and hidden_from_caseworkers(
        [case.owner.pid if case.owner_id else None], user_id=user.pk
    ):
        return None
    return case


# Of the case's read model the case page shows only the status (folded_status): the rest (the views, payments,
# history, statistics) is megabytes for a case with tens of thousands of events, and was read and decoded on
# every request. Named by what is kept, so that a column added later is not read here either.
_STATE_NOT_SHOWN = tuple(
    f"state__{f.name}" for f in CaseState._meta.concrete_fields if f.name not in ("case", "status")
)


@dataclass(frozen=True)
class EventRow:
    at: datetime | None
    title: str
    details: list[str] = field(default_factory=list)
    letters: list[Document] = field(default_factory=list)


# The case page shows the history this many events at a time, newest first: a case system may have posted
# tens of thousands, and the whole history made a page of megabytes that took seconds.
EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class EventPage:
    rows: list[EventRow]  # newest first
    number: int
    pages: int
    newest_position: int  # the first row's place in the history, counted from 1 (for <ol reversed start>)

    @property
    def newer(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def older(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass(frozen=True)
class InboxCasePage:
    deliveries: list[Delivery]
    letters: list[Document]
    events: EventPage
    received: bool
    waiting_deliveries: list[Delivery]
    current_status: str  # in words


def inbox_case_page(case: Case, reader: User, *, events_page: str | None = None) -> InboxCasePage:
    """What the case page shows `reader`: deliveries with their documents, letters, one page of the events
    in plain words (`events_page`, from the query string: 1 is the newest). Documents are listed only from
    folders the documents' permissions let `reader` read."""
    documents = Document.objects.only(
        "id", "folder_id", "original_name", "page_count", "size", "created_at"
    ).order_by("created_at", "id")
    deliveries = list(
        case.deliveries.filter(status__in=SHOWN_STATUSES)
        .select_related("folder")
        .prefetch_related(Prefetch("folder__documents", queryset=documents, to_attr="shown_documents"))
        .order_by("pk")
    )
    for delivery in deliveries:
        if not permissions.allows(reader, delivery.folder, permissions.Action.READ):
            delivery.folder.shown_documents = []
    letters = (
        list(letters_of(case).only("id", "folder_id", "original_name", "page_count", "size", "created_at"))
        if case.letters is not None and permissions.allows(reader, case.letters, permissions.Action.READ)
        else []
    )
    status = folded_status(case)
    return InboxCasePage(
        deliveries=deliveries,
        letters=letters,
        events=_events_of(case, letters, events_page),
        received=status != SENDT,
        waiting_deliveries=[d for d in deliveries if d.status == Delivery.Status.AVAILABLE],
        current_status=current_soknads_status(status),
    )


# --- Reading the case read model ----------------------------------------------------------------------
# The stored CaseState, folded by the same fold as the applicant's pages in the transaction that stored the
# document, so that the inbox and innsyn never disagree about a case.


def _state(case_id: uuid.UUID) -> CaseState | None:
    return CaseState.objects.filter(case_id=case_id).only("case_id", "status", "page_view").first()


def has_received(case_id: uuid.UUID) -> bool:
    # Read afresh, never from a state loaded with the case: the inbox's actions ask after changing the case.
    status = CaseState.objects.filter(case_id=case_id).values_list("status", flat=True).first()
    return (status or SENDT) != SENDT


def has_sak(case_id: uuid.UUID, referanse: str) -> bool:
    """A sak the applicant sees (a FEILREGISTRERT one is not: a decision in it needs it shown again)."""
    state = _state(case_id)
    return bool(state) and any(sak["reference"] == referanse for sak in state.page_view.get("saker", []))


@dataclass(frozen=True)
class ApplicationContent:
    """Who applied and what they wrote, for the caseworker: the application summary's sections."""

    applicant: str
    sections: list[Section]
    address_hidden: bool  # the person's address is protected: left out of the sections


def application_content(case: Case) -> ApplicationContent | None:
    """The application's answers and register facts in readable sections (application.summary, as the
    applicant saw them before sending), or None for a paper case. The address is left out unless
    Folkeregisteret said "ugradert" when the person applied (registers.ports.shows_address): a digital
    application of a person with a protected address is refused, but a grading may have changed, and the
    snapshot is all the inbox holds."""
    if case.application_id is None:
        return None
    application = case.application
    registers = dict(application.registers or {})
    person = dict(registers.get("person") or {})
    hidden = not shows_address(person.get("address_protection"))
    if hidden:
        registers["person"] = {**person, "bostedsadresse": None}
    applicant = registered_name(registers)
    if not applicant:
        applicant = " ".join(p for p in (case.owner.first_name, case.owner.last_name) if p)
    return ApplicationContent(
        applicant=applicant,
        sections=summary_sections(
            application.answers or {}, registers, office=application.office_name, short=application.is_short
        ),
        address_hidden=hidden,
    )


def case_progress(case_id: uuid.UUID) -> tuple[str, bool]:
    """The application's status as stored now, and whether every sak the applicant sees has a decision (False
    without saker). Read afresh, as has_received is: the inbox's actions ask after changing the case."""
    row = CaseState.objects.filter(case_id=case_id).values_list("status", "page_view").first()
    if row is None:
        return SENDT, False
    status, page_view = row
    saker = (page_view or {}).get("saker") or []
    return status, bool(saker) and all(sak.get("decisions") for sak in saker)


def folded_status(case: Case) -> str:
    """The application's status as the stored read model has it (loaded with the case when it was)."""
    if Case.state.is_cached(case):
        state = getattr(case, "state", None)
        return state.status if state else SENDT
    status = CaseState.objects.filter(case_id=case.pk).values_list("status", flat=True).first()
    return status or SENDT


def current_soknads_status(status: str) -> str:
    """The application's status in words, or that the case system has not said it has arrived."""
    if status == SENDT:
        return _("Ikke markert som mottatt")
    return status_label(status)


# --- The events in plain words ----------------------------------------------------------------------------


def _local_date(value: Any) -> str:
    """An event's date or time as its day in Oslo, as core writes a day in the page's language ("1. desember
    2026", "1 December 2026"); a text that is not one is shown as it came."""
    if not isinstance(value, str):
        return ""
    try:
        if "T" in value:
            return formatters().day(parse_tidspunkt(value), OSLO)
        return formatters().day(date.fromisoformat(value))
    except ValueError:
        return value


def describe_event(event: dict[str, Any], letters: dict[str, Document]) -> EventRow:
    kind = event.get("type", "")
    details: list[str] = []
    if kind == EventType.SOKNADS_STATUS:
        title = _("Status på søknaden: %(status)s") % {"status": status_label(event.get("status", ""))}
    elif kind == EventType.TILDELT_NAV_KONTOR:
        title = _("Sendt til Nav-kontor %(kontor)s") % {"kontor": event.get("navKontor", "")}
    elif kind == EventType.DOKUMENTASJON_ETTERSPURT:
        title = _("Ba om dokumentasjon")
        for dokument in event.get("dokumenter", []):
            line = _("%(type)s, frist %(frist)s") % {
                # one of the application's requirement titles in the page's language, as innsyn shows it
                "type": title_text(dokument.get("dokumenttype")),
                "frist": _local_date(dokument.get("innsendelsesfrist")),
            }
            if dokument.get("tilleggsinformasjon"):
                line += f" ({dokument['tilleggsinformasjon']})"
            details.append(line)
    elif kind == EventType.VEDTAK_FATTET:
        title = _("Vedtak: %(utfall)s") % {
            "utfall": status_label(event.get("utfall", "")) or _("uten utfall")
        }
        details.append(_("Sak: %(sak)s") % {"sak": event.get("saksreferanse", "")})
    elif kind == EventType.SAKS_STATUS:
        title = _("Sak «%(tittel)s»: %(status)s") % {
            # The inbox's default title in the page's language (as the applicant's page shows it), a case
            # system's own as it came.
            "tittel": title_text(event.get("tittel")) or event.get("referanse", ""),
            "status": status_label(event.get("status", "")) or _("uten status"),
        }
        details.append(_("Referanse: %(referanse)s") % {"referanse": event.get("referanse", "")})
    elif kind == EventType.UTBETALING:
        title = _("Utbetaling: %(status)s") % {
            "status": status_label(event.get("status", "")) or _("uten status")
        }
        if "belop" in event:
            details.append(formatters().amount(event["belop"]))  # "4 500 kr", "NOK 4,500"
        if event.get("beskrivelse"):
            details.append(event["beskrivelse"])
        if event.get("forfallsdato"):
            details.append(_("Forfall %(dato)s") % {"dato": _local_date(event["forfallsdato"])})
        if event.get("utbetalingsdato"):
            details.append(_("Utbetalt %(dato)s") % {"dato": _local_date(event["utbetalingsdato"])})
    elif kind == EventType.FORELOPIG_SVAR:
        title = _("Foreløpig svar")
    elif kind in (EventType.VILKAR, EventType.DOKUMENTASJONKRAV):
        title, details = _requirement_row(kind, event)
    elif kind == EventType.RAMMEVEDTAK:
        title, details = _rammevedtak_row(event)
    else:
        title = _("Hendelse: %(type)s") % {"type": kind or _("ukjent")}
    stamp = event.get("hendelsestidspunkt")
    try:
        at = parse_tidspunkt(stamp) if isinstance(stamp, str) else None
    except ValueError:
        at = None
    ids = dict.fromkeys(file_id for _path, file_id in dokumentlager_references(event))
    found = [letters[i] for i in ids if i in letters]
    return EventRow(at=at, title=title, details=details, letters=found)


def _requirement_row(kind: str, event: dict[str, Any]) -> tuple[str, list[str]]:
    """A vilkår or a dokumentasjonkrav (hendelse/vilkar.json, dokumentasjonkrav.json): what it is about and its
    status as the title, its description, deadline, sak and payments below. No status is RELEVANT, as the fold
    reads it; no title is its reference (a title is required by NAV, optional in the schema)."""
    reference = event.get("vilkarreferanse" if kind == EventType.VILKAR else "dokumentasjonkravreferanse")
    words = {
        "tittel": title_text(event.get("tittel")) or str(reference or ""),
        "status": status_label(event.get("status") or KravStatus.RELEVANT),
    }
    if kind == EventType.VILKAR:
        title = _("Vilkår «%(tittel)s»: %(status)s") % words
    else:
        title = _("Krav om dokumentasjon «%(tittel)s»: %(status)s") % words
    details = [event["beskrivelse"]] if event.get("beskrivelse") else []
    if event.get("frist"):
        details.append(_("Frist %(dato)s") % {"dato": _local_date(event["frist"])})
    details += _sak_and_payments(event)
    return title, details


def _rammevedtak_row(event: dict[str, Any]) -> tuple[str, list[str]]:
    """A rammevedtak (hendelse/rammevedtak.json): what it is for as the title, its amount, period and sak below."""
    if event.get("beskrivelse"):
        title = _("Rammevedtak: %(beskrivelse)s") % {"beskrivelse": event["beskrivelse"]}
    else:
        title = _("Rammevedtak")
    details = [formatters().amount(event["belop"])] if "belop" in event else []
    start, end = _local_date(event.get("fom")), _local_date(event.get("tom"))
    if start and end:
        details.append(_("Periode %(fra)s til %(til)s") % {"fra": start, "til": end})
    elif start:
        details.append(_("Fra %(dato)s") % {"dato": start})
    elif end:
        details.append(_("Til %(dato)s") % {"dato": end})
    return title, details + _sak_and_payments(event)


def _sak_and_payments(event: dict[str, Any]) -> list[str]:
    """Which sak an event belongs to and which payments it concerns (by their references), when it says."""
    details = []
    if event.get("saksreferanse"):
        details.append(_("Sak: %(sak)s") % {"sak": event["saksreferanse"]})
    payments = [str(r) for r in event.get("utbetalingsreferanse") or () if r]
    if payments:
        details.append(_("Utbetalinger: %(referanser)s") % {"referanser": ", ".join(payments)})
    return details


def _events_of(case: Case, letters: list[Document], requested: str | None) -> EventPage:
    """One page of the case's history. On PostgreSQL only that page's events are read from the stored
    document (with the count of all): a case system may have posted tens of thousands, and reading and decoding
    the whole document was most of the page's time. Elsewhere (the quick start's SQLite) the whole document."""
    if connection.vendor != "postgresql" or "soker" not in case.get_deferred_fields():
        return event_page((case.soker or {}).get("hendelser", []), letters, requested)
    try:
        wanted = min(max(int(requested or 1), 1), 10**9)
    except ValueError:
        wanted = 1
    with connection.cursor() as cursor:
        cursor.execute(_EVENT_WINDOW_SQL, [str(case.pk), wanted, EVENTS_PER_PAGE, EVENTS_PER_PAGE])
        row = cursor.fetchone()
    total, number, shown = (row[0], row[1], row[2]) if row else (0, 1, "[]")
    events = json.loads(shown) if isinstance(shown, str) else shown
    if not all(isinstance(event, dict) for event in events):  # not as the exchange stores them: read it all
        case.refresh_from_db(fields=["soker"])
        return event_page((case.soker or {}).get("hendelser", []), letters, requested)
    end = total - (number - 1) * EVENTS_PER_PAGE
    return EventPage(
        rows=describe_events(events[::-1], letters),
        number=number,
        pages=max(1, -(-total // EVENTS_PER_PAGE)),
        newest_position=end,
    )


# How many events, the page asked for within range (%s: the case, the page, the page size twice) and that
# page's events, oldest first: event_page's arithmetic. MATERIALIZED: the document is read (detoasted) once,
# not once per use (60 ms, not 3, for 20,000 events). The exchange stores only documents whose every event is
# an object (exchange.validation), so the count is event_page's; a page holding anything else is described
# from the whole document instead (_events_of).
_EVENT_WINDOW_SQL = """
WITH events AS MATERIALIZED (
    SELECT CASE WHEN jsonb_typeof(soker -> 'hendelser') = 'array' THEN soker -> 'hendelser' ELSE '[]'::jsonb END
           AS events
    FROM exchange_case WHERE id = %s
), counted AS (
    SELECT events, jsonb_array_length(events) AS total FROM events
), paged AS (
    SELECT events, total, LEAST(GREATEST(%s, 1), GREATEST(1, (total + %s - 1) / %s)) AS number FROM counted
)
SELECT total, number,
       CASE WHEN total = 0 THEN '[]'::jsonb
            ELSE jsonb_path_query_array(events, '$[$from to $to]', jsonb_build_object(
                'from', GREATEST(0, total - number * {size}), 'to', total - (number - 1) * {size} - 1))
       END
FROM paged
""".replace("{size}", str(EVENTS_PER_PAGE))


def event_page(hendelser: list[Any], letters: list[Document], requested: str | None) -> EventPage:
    """One page of the history, newest first; only its events are described. A page number that is not a
    number or out of range gives the nearest page."""
    events = [e for e in hendelser if isinstance(e, dict)]
    pages = max(1, -(-len(events) // EVENTS_PER_PAGE))
    try:
        number = min(max(int(requested or 1), 1), pages)
    except ValueError:
        number = 1
    end = len(events) - (number - 1) * EVENTS_PER_PAGE
    shown = events[max(0, end - EVENTS_PER_PAGE) : end]
    return EventPage(
        rows=describe_events(shown[::-1], letters), number=number, pages=pages, newest_position=end
    )


def describe_events(events: list[Any], letters: list[Document]) -> list[EventRow]:
    by_id = {str(letter.id): letter for letter in letters}
    return [describe_event(e, by_id) for e in events if isinstance(e, dict)]


# --- Paper applications counted by an inbox municipality ----------------------------------------------------


def receives_in_inbox(kommunenummer: str) -> bool:
    """The municipality has no case system: its deliveries go to the manual inbox (also when it has set up no
    receiver at all, as exchange delivers then)."""
    return not Receiver.objects.filter(pk=kommunenummer).exclude(channel=Receiver.Channel.INBOX).exists()


@dataclass(frozen=True)
class PaperCountRow:
    month: date
    count: int
    recorded_by: str
    changed_at: datetime


def paper_counts(kommunenummer: str, *, months: int = 36) -> list[PaperCountRow]:
    """The municipality's entered counts, newest month first, with who entered the current count and when."""
    rows = (
        PaperCount.objects.filter(municipality_id=kommunenummer)
        .select_related("recorded_by")
        .order_by("-month")[:months]
    )
    return [
        PaperCountRow(
            month=row.month,
            count=row.count,
            recorded_by=row.recorded_by.get_full_name() or row.recorded_by.get_username(),
            changed_at=row.changed_at,
        )
        for row in rows
    ]


def paper_counts_changed_since(since: datetime | None) -> list[MonthlyCount]:
    """For insights' paper-applications figure: each (municipality, month) count entered or corrected at or
    after `since` (None: every count), as the complete count of that month — replace, never add.

    A count committed a moment after it was stamped could be missed by a job that passes its own start time
    exactly; the caller should pass the start of its previous run (with a margin), and replaying a month is
    harmless since the count replaces the month's value."""
    rows = PaperCount.objects.all() if since is None else PaperCount.objects.filter(changed_at__gte=since)
    return [
        MonthlyCount(municipality_number=kommunenummer, month=month, count=count)
        for kommunenummer, month, count in rows.order_by("municipality_id", "month").values_list(
            "municipality_id", "month", "count"
        )
    ]


# --- Data flows (digisos.core.dataflows) -------------------------------------------------------------------
# This module shows employees other people's data. Each public reader names its flow here ("none": it shows
# no one's personal data), in one block so the readers above stay as they are; a public function missing
# from this dict fails tests/followup/test_dataflow_register.py.
EMPLOYEE_FACING = True
DATAFLOWS = {
    "is_inbox_user": "none",  # the employee's own role
    "inbox_deliveries": "employee.inbox",
    "inbox_page": "employee.inbox",
    "waiting_count": "none",  # a count
    "case_for": "employee.inbox",
    "inbox_case_page": "employee.inbox",
    "has_received": "none",  # a yes/no about the case's status, for the caseworker's own action
    "has_sak": "none",
    "case_progress": "none",  # the status code and a yes/no, for the caseworker's own action
    "application_content": "employee.inbox",  # the applicant's name and answers on the case page
    "folded_status": "employee.inbox",
    "current_soknads_status": "none",  # a label for a status code
    "describe_event": "employee.inbox",
    "event_page": "employee.inbox",
    "describe_events": "employee.inbox",
    # Counts of paper applications per month, and the caseworker who entered them: no citizen's data.
    "receives_in_inbox": "none",
    "paper_counts": "none",
    "paper_counts_changed_since": "none",
}
