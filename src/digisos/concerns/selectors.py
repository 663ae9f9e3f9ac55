"""Reads: a municipality's child-welfare offices and whether it takes reports, and a reporter's reports."""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from pydantic_core import to_json

from digisos.accounts.models import User
from digisos.core import keyset
from digisos.core.identifiers import is_kommunenummer
from digisos.core.json_sql import utc_time_sql
from digisos.core.prepared import PreparedValues
from digisos.municipalities.models import Municipality

from .models import ChildWelfareOffice, ConcernDelivery, ConcernReport, ConcernState


@dataclass(frozen=True)
class Reception:
    """What the urgency page needs to know about a municipality."""

    municipality: Municipality
    activated: bool
    offices: list[ChildWelfareOffice]  # the active ones, standard receiver first
    # The municipality's contact for phone and letter, whether or not it is activated (may be None).
    contact: ChildWelfareOffice | None

    @property
    def barnevernvakt_phone(self) -> str:
        return self.contact.barnevernvakt_phone if self.contact else ""


def reception_of(kommunenummer: str) -> Reception | None:
    """The municipality's reception of reports, or None: no active municipality has that number (also for a
    number that is not four digits, as a typed ?kommune= can be)."""
    if not is_kommunenummer(kommunenummer):
        return None
    municipality = Municipality.objects.filter(pk=kommunenummer, active=True).first()
    if municipality is None:
        return None
    offices = list(
        ChildWelfareOffice.objects.filter(municipality=municipality).order_by(
            "-standard_receiver", "bydelsnummer"
        )
    )
    active = [office for office in offices if office.active]
    contact = next((o for o in offices if o.standard_receiver), offices[0] if offices else None)
    return Reception(municipality=municipality, activated=bool(active), offices=active, contact=contact)


def receiving_office(municipality_id: str, bydelsnummer: str | None = None) -> ChildWelfareOffice | None:
    """The chosen district's office if it is active, else the standard receiver (KS: unknown district)."""
    offices = ChildWelfareOffice.objects.filter(municipality_id=municipality_id, active=True)
    if bydelsnummer:
        chosen = offices.filter(bydelsnummer=bydelsnummer).first()
        if chosen is not None:
            return chosen
    return offices.filter(standard_receiver=True).first() or offices.order_by("bydelsnummer").first()


def report_of_reporter(user: User, report_id: object) -> ConcernReport | None:
    return (
        ConcernReport.objects.select_related("municipality", "office")
        .filter(reporter=user, pk=report_id)
        .first()
    )


def reports_of_reporter(user: User) -> QuerySet[ConcernReport]:
    """Mine meldinger: newest first, with the states (one query) and the municipality's name."""
    return (
        ConcernReport.objects.filter(reporter=user)
        .select_related("municipality")
        .prefetch_related(Prefetch("states", queryset=ConcernState.objects.order_by("id")))
        .order_by("-created_at")
    )


LISTED = ("id", "report_id", "report__kind", "office__municipality_id", "office__bydelsnummer")
LISTED += ("office__bydelsnavn", "available_at", "status")
LISTED_FILES = ("files__id", "files__public_id", "files__role", "files__filename", "files__size")


def _listing_query(kommunenummer: str, after: int, limit: int) -> QuerySet:
    page = (
        ConcernDelivery.objects.filter(
            office__municipality_id=kommunenummer,
            channel=ChildWelfareOffice.Channel.EXCHANGE,
            status=ConcernDelivery.Status.AVAILABLE,
            pk__gt=after,
        )
        .order_by("pk")
        .values("pk")[:limit]
    )
    return (
        ConcernDelivery.objects.filter(pk__in=page).order_by("pk", "files__id").values(*LISTED, *LISTED_FILES)
    )


# Compiled once per process and page size, as the exchange's list (exchange.selectors.new_deliveries): for
# this call, building and compiling the queryset cost more than reading the rows.
_LISTINGS: dict[int, PreparedValues] = {}


def available_listing(kommunenummer: str, *, after: int, limit: int) -> list[dict[str, Any]]:
    """The case system's list: reports to its municipality's offices with a case system, ready and not yet
    acknowledged, in id order from the cursor (the index on office, status, id keeps a page cheap). Plain
    rows, each with its "files", from one round trip (the page's deliveries joined with their files): the
    case systems' most frequent call."""
    prepared = _LISTINGS.get(limit)
    if prepared is None:
        prepared = _LISTINGS.setdefault(
            limit,
            PreparedValues(lambda number, cursor: _listing_query(number, cursor, limit), "x999", -7654321),
        )
    listed: list[dict[str, Any]] = []
    for row in prepared.rows(kommunenummer, after):
        if not listed or listed[-1]["id"] != row["id"]:
            listed.append({**{name: row[name] for name in LISTED}, "files": []})
        if row["files__id"] is not None:
            listed[-1]["files"].append({name.removeprefix("files__"): row[name] for name in LISTED_FILES})
    return listed


def bekymringsmelding(row: dict[str, Any]) -> dict[str, Any]:
    """An `available_listing` row as the Bekymringsmelding schema writes it (api.Bekymringsmelding, api.Fil, in
    their fields' order), as plain data for pydantic-core's `to_json`: ids as text, the time as `_iso`."""
    return {
        "id": str(row["report_id"]),
        "skjema": row["report__kind"],
        "kommunenummer": row["office__municipality_id"],
        "bydelsnummer": row["office__bydelsnummer"],
        "bydelsnavn": row["office__bydelsnavn"],
        "tilgjengelig": _iso(row["available_at"]),
        "status": row["status"],
        "filer": [
            {"id": str(f["public_id"]), "rolle": f["role"], "filnavn": f["filename"], "storrelse": f["size"]}
            for f in row["files"]
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    # As the schema's datetime is written (pydantic: UTC as "Z", microseconds only when there are any).
    return moment.isoformat().replace("+00:00", "Z") if moment else None


# The page's deliveries each as its Bekymringsmelding JSON (`bekymringsmelding`: the same names, columns and
# order), written by PostgreSQL as exchange.selectors._LEVERANSE_JSON_SQL writes the exchange list's: row_to_json
# and array_to_json write compact JSON with the names in their order, text escaped as pydantic-core escapes it,
# numbers as numbers, UUIDs as text, NULL as null; the time by core.json_sql.utc_time_sql as `_iso` writes it.
# The page is `_listing_query`'s, read office by office: each of the municipality's few offices' first rows from
# the index on (office, status, id), then the page's LIMIT over them, before the report is joined; each
# delivery's files by the index on delivery_id (a handful, sorted by id as `available_listing` sorts them): a
# page costs the same however many reports lie behind it. (Written as one join of offices and deliveries, the
# plan PostgreSQL makes once for any municipality, which it keeps after a connection's fifth list, walked the
# deliveries' primary key from the cursor instead, testing each delivery's office and status: at a million
# applications' worth of collected reports, 40 ms a list instead of 0.4; docs/performance.md, session 20.)
# The aggregate reads a sorted subquery, as the exchange's does (nothing at its level reorders the rows).
_BEKYMRINGSMELDINGER_SQL = f"""
SELECT page.id, row_to_json(melding)::text
FROM (
    SELECT delivery.id, delivery.report_id, delivery.available_at, delivery.status,
        office.municipality_id, office.bydelsnummer, office.bydelsnavn
    FROM concerns_childwelfareoffice office
    CROSS JOIN LATERAL (
        SELECT waiting.id, waiting.report_id, waiting.available_at, waiting.status
        FROM concerns_concerndelivery waiting
        WHERE waiting.office_id = office.id
            AND waiting.status = '{ConcernDelivery.Status.AVAILABLE.value}'
            AND waiting.channel = '{ChildWelfareOffice.Channel.EXCHANGE.value}' AND waiting.id > %(after)s
        ORDER BY waiting.id
        LIMIT %(limit)s
    ) delivery
    WHERE office.municipality_id = %(kommunenummer)s
    ORDER BY delivery.id
    LIMIT %(limit)s
) page
JOIN concerns_concernreport report ON report.id = page.report_id
CROSS JOIN LATERAL (
    SELECT page.report_id AS "id", report.kind AS "skjema", page.municipality_id AS "kommunenummer",
        page.bydelsnummer AS "bydelsnummer", page.bydelsnavn AS "bydelsnavn",
        {utc_time_sql("page.available_at")} AS "tilgjengelig", page.status AS "status",
        COALESCE((
            SELECT array_to_json(array_agg(fil)) FROM (
                SELECT file.public_id AS "id", file.role AS "rolle", file.filename AS "filnavn",
                    file.size AS "storrelse"
                FROM concerns_concerndeliveredfile file
                WHERE file.delivery_id = page.id
                ORDER BY file.id
            ) fil
        ), '[]'::json) AS "filer"
) melding
ORDER BY page.id
"""  # noqa: S608 - constant SQL (the enums' values); every value from outside is a parameter


def available_listing_json(kommunenummer: str, *, after: int, limit: int) -> list[tuple[int, str]]:
    """`available_listing` as (delivery id, the report's Bekymringsmelding JSON), in one round trip: on
    PostgreSQL the database writes the JSON (_BEKYMRINGSMELDINGER_SQL), elsewhere (the quick start's SQLite)
    `bekymringsmelding` and pydantic-core. Python only joins them (api.bekymringsmeldinger): building each
    report's dicts from the joined rows and serialising them again was most of the list's CPU in Python."""
    if connection.vendor != "postgresql":
        return [
            (row["id"], to_json(bekymringsmelding(row)).decode())
            for row in available_listing(kommunenummer, after=after, limit=limit)
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            _BEKYMRINGSMELDINGER_SQL, {"kommunenummer": kommunenummer, "after": after, "limit": limit}
        )
        return cursor.fetchall()


def delivery_for_municipality(kommunenummer: str, report_id: object) -> ConcernDelivery | None:
    """One delivery of the municipality's case-system offices once it has been made available."""
    return (
        ConcernDelivery.objects.filter(
            office__municipality_id=kommunenummer,
            channel=ChildWelfareOffice.Channel.EXCHANGE,
            report_id=report_id,
            available_at__isnull=False,  # never offered (its files could not be built): not there
            # Failed too: a mottatt after feilet is answered 409 with the reason, not 404.
            status__in=[
                ConcernDelivery.Status.AVAILABLE,
                ConcernDelivery.Status.COLLECTED,
                ConcernDelivery.Status.FAILED,
            ],
        )
        .select_related("report", "office")
        .prefetch_related("files")
        .first()
    )


# --- The child-welfare inbox ---------------------------------------------------------------------------

STAFF_ROLE = "barnevern_saksbehandler"


def is_child_welfare_staff(user: User) -> bool:
    return user.is_authenticated and user.kind == User.Kind.EMPLOYEE and STAFF_ROLE in user.role_names()


def staff_offices(user: User) -> QuerySet[ChildWelfareOffice]:
    """The offices this employee serves; none for anyone without the child-welfare role."""
    if not is_child_welfare_staff(user):
        return ChildWelfareOffice.objects.none()
    return _offices_of(user.username)


def _offices_of(username: str) -> QuerySet[ChildWelfareOffice]:
    return ChildWelfareOffice.objects.filter(staff__username=username)


INBOX_PAGE_SIZE = 50  # as the application inbox's pages (inbox.selectors.INBOX_PAGE_SIZE)


@dataclass(frozen=True)
class InboxPosition:
    """A report's place in the inbox's order: the reports not yet marked received first, then the received ones,
    each newest first; within that, when it came in and its delivery's id. The link to the next page carries the
    position of the page's last row, so that a page is read from the index where the previous one ended, as the
    application inbox's pages are (inbox.selectors.ListPosition)."""

    received: bool
    available_at: datetime
    id: int

    def token(self) -> str:
        return keyset.token(int(self.received), self.available_at, self.id)

    @classmethod
    def parse(cls, token: str | None) -> "InboxPosition | None":
        """The position in a link; None for a missing or broken one (the list then shows its first page)."""
        found = keyset.flagged(token)
        if found is None:
            return None
        received, at, pk = found
        return cls(bool(received), at, pk)


@dataclass(frozen=True)
class InboxPage:
    rows: list[dict[str, Any]]  # (id, report_id, available_at, status, printed_at, office_name, kind)
    next: InboxPosition | None  # where the next page starts (its link: "neste=")


def inbox_page(user: User, after: InboxPosition | None = None) -> InboxPage:
    """One page of the reports to the employee's offices that use the inbox while their content is kept: those
    not yet marked received first (the work still to do: each is sent as a letter if no one marks it within two
    working days), then those marked received, each newest first. The first page, or the one after `after`.
    Empty for anyone without the child-welfare role.

    Read in at most two statements: the new reports from the position on, and, when they do not fill the page,
    the received ones from their top (or from the position, on a page that starts among them). Each holds what
    the list shows, not three model instances with the report's content and the office's certificate (200 rows
    of those were a third of the page's time), from statements compiled once per process (the ORM built the
    query again on every request, a quarter of what was left).

    Found by their reports (the report's office is its delivery's: send_report sets both): the index of the
    reports whose content is kept (concerns_report_kept) holds a month's worth, where the deliveries' index on
    office held every report the office ever had, each then looked up to find its content deleted. At a million
    applications' worth of reports (make bench-scale, session 20) Oslo's inbox read 49,343 deliveries and their
    reports, 155 ms, to show none."""
    if not is_child_welfare_staff(user):
        return InboxPage([], None)
    username = user.username
    among_new = after is None or not after.received  # this page starts among the new reports
    found: list[dict[str, Any]] = []
    if among_new:
        found = (
            _NEW_PAGE.rows(username)
            if after is None
            else _NEW_PAGE_AFTER.rows(username, after.available_at, after.id)
        )
    if len(found) <= INBOX_PAGE_SIZE:
        found += (
            _RECEIVED_PAGE.rows(username)
            if among_new
            else _RECEIVED_PAGE_AFTER.rows(username, after.available_at, after.id)  # type: ignore[union-attr]
        )
    rows = found[:INBOX_PAGE_SIZE]
    last = rows[-1] if len(found) > INBOX_PAGE_SIZE else None
    if last is None:
        return InboxPage(rows, None)
    received = last["status"] == ConcernDelivery.Status.COLLECTED
    return InboxPage(rows, InboxPosition(received, last["available_at"], last["id"]))


def _kept(username: str, *, received: bool) -> QuerySet:
    offices = _offices_of(username)
    collected = Q(status=ConcernDelivery.Status.COLLECTED)
    return (
        ConcernDelivery.objects.filter(
            collected if received else ~collected,
            report__office__in=offices,
            office__in=offices,
            channel=ChildWelfareOffice.Channel.INBOX,
            available_at__isnull=False,
            report__content_deleted_at__isnull=True,
        )
        .order_by("-available_at", "-id")
        .values(
            "id",
            "report_id",
            "available_at",
            "status",
            "printed_at",
            office_name=F("office__bydelsnavn"),
            kind=F("report__kind"),
        )
    )


def _top(username: str, *, received: bool) -> QuerySet:
    return _kept(username, received=received)[: INBOX_PAGE_SIZE + 1]


def _after(username: str, available_at: datetime, pk: int, *, received: bool) -> QuerySet:
    below = Q(available_at__lt=available_at) | Q(available_at=available_at, id__lt=pk)
    return _kept(username, received=received).filter(below)[: INBOX_PAGE_SIZE + 1]


# The arguments: the employee's username (the sample no username is: it starts with a space), and the position.
_NO_ONE = " no such employee"
_AT, _PK = datetime(1901, 2, 3, tzinfo=UTC), -7654321
_PAGE_OPTIONS = {"native_timestamps": True, "literal_constants": True}
_NEW_PAGE = PreparedValues(partial(_top, received=False), _NO_ONE, **_PAGE_OPTIONS)
_NEW_PAGE_AFTER = PreparedValues(partial(_after, received=False), _NO_ONE, _AT, _PK, **_PAGE_OPTIONS)
_RECEIVED_PAGE = PreparedValues(partial(_top, received=True), _NO_ONE, **_PAGE_OPTIONS)
_RECEIVED_PAGE_AFTER = PreparedValues(partial(_after, received=True), _NO_ONE, _AT, _PK, **_PAGE_OPTIONS)


def waiting_reports(user: User) -> int:
    """How many reports to the employee's inbox offices wait to be marked received (the inbox's queue list)."""
    return ConcernDelivery.objects.filter(
        office__in=staff_offices(user),
        channel=ChildWelfareOffice.Channel.INBOX,
        status=ConcernDelivery.Status.AVAILABLE,
        report__content_deleted_at__isnull=True,
    ).count()


def inbox_delivery(user: User, report_id: object) -> ConcernDelivery | None:
    """One report of the employee's inbox offices, or None (also for anyone without the role)."""
    return (
        ConcernDelivery.objects.filter(
            office__in=staff_offices(user),
            channel=ChildWelfareOffice.Channel.INBOX,
            available_at__isnull=False,
            report__content_deleted_at__isnull=True,
            report_id=report_id,
        )
        .select_related("report", "office", "report__municipality")
        .prefetch_related("files")
        .first()
    )


# Employee-facing: tests/followup/test_dataflow_register.py checks each public reader names its data flow.
EMPLOYEE_FACING = True
DATAFLOWS = {
    "reception_of": "none",  # the municipality's configuration
    "receiving_office": "none",
    "report_of_reporter": "none",  # the reporter's own report
    "reports_of_reporter": "none",
    "available_listing": "delivery.bekymringsmelding",  # the child-welfare case system's list
    "available_listing_json": "delivery.bekymringsmelding",
    "bekymringsmelding": "delivery.bekymringsmelding",  # writes a listed row (no read of its own)
    "delivery_for_municipality": "delivery.bekymringsmelding",
    "is_child_welfare_staff": "none",  # the employee's own role
    "staff_offices": "none",
    "inbox_page": "employee.child_welfare_inbox",
    "waiting_reports": "none",  # a count, for the employee's own offices
    "inbox_delivery": "employee.child_welfare_inbox",
}
