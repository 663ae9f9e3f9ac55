"""Work queues for municipalities that use the manual inbox: what waits too long, as lists with counts.

Each queue is read in a fixed number of queries whatever the number of cases (a count and one page).
Employee-facing: every public reader names its flow (tests/followup/test_dataflow_register.py).
"""

import uuid
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Func, IntegerField, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.core import keyset
from digisos.core.dataflows import NO_PERSONAL_DATA, uses_flow
from digisos.exchange.models import Case, CaseState, Delivery
from digisos.exchange.selectors import WORKING_DAYS_TO_COLLECT, collect_deadline
from digisos.municipalities.models import Municipality
from digisos.registers.protection import hidden_from_caseworkers
from digisos.soker.statuses import OPEN_STATUSES

EMPLOYEE_FACING = True
# The overview of every queue shows each queue's first PREVIEW rows and links to the queue's own page, which
# lists all of it, PAGE rows a page (`queue_page`).
PREVIEW = 10
PAGE = 50
# Two working days never span more than this many calendar days (Easter: Thursday to the next Wednesday).
LONGEST_TWO_WORKING_DAYS = timedelta(days=10)


@dataclass(frozen=True)
class QueueRow:
    case_id: uuid.UUID
    title: str
    since: datetime  # when the item started waiting
    pid: str | None = field(default=None, repr=False)  # asked of the address-protection register, not shown


@dataclass(frozen=True)
class Queue:
    key: str
    title: object
    count: int
    rows: list[QueueRow]

    @property
    def slug(self) -> str:
        """The queue's name in its page's address (/oppfolging/arbeidskoer/<slug>/)."""
        return SLUGS[self.key]


@dataclass(frozen=True)
class QueuePosition:
    """Where a queue's page starts: after the row that waits since `since` with the key `row` (a delivery's id
    in the queues of deliveries, a case's id in those of cases), in the page's order. Carried in the "Neste
    side" link as `<microseconds>.<id>`."""

    since: datetime
    row: int | uuid.UUID

    def token(self) -> str:
        row = self.row.hex if isinstance(self.row, uuid.UUID) else str(self.row)
        return f"{keyset.token(self.since)}.{row}"

    @classmethod
    def parse(cls, key: str, text: str | None) -> "QueuePosition | None":
        """The position a link carries for queue `key`; None for a missing or broken one (the queue's first page
        is shown)."""
        since, _dot, row_text = (text or "").partition(".")
        found = keyset.numbers(since, 1)
        at = keyset.moment(found[0]) if found else None
        row = _case_id(row_text) if key in _CASE_QUEUES else keyset.numbers(row_text, 1)
        if at is None or row is None:
            return None
        return cls(at, row if isinstance(row, uuid.UUID) else row[0])


def _case_id(text: str) -> uuid.UUID | None:
    """A case's id as a position writes it (32 lower-case hex digits); None for anything else."""
    if len(text) != 32 or any(c not in "0123456789abcdef" for c in text):
        return None
    return uuid.UUID(hex=text)


@dataclass(frozen=True)
class QueuePage:
    queue: Queue
    next: QueuePosition | None  # where the next page starts, if there is one


@uses_flow("employee.inbox")
def work_queues(
    kommunenummer: str,
    *,
    newest_first: bool = False,
    now: datetime | None = None,
    user_id: int | None = None,
) -> list[Queue]:
    """The municipality's queues: applications not marked received after two working days, requests past their
    deadline, documents sent later that no one has received yet, and cases past one month without a foreløpig
    svar (forvaltningsloven § 11a)."""
    now = now or timezone.now()
    title = _titler()
    read = _queues_in_database if connection.vendor == "postgresql" else _queues_in_python
    counts, rows = read(kommunenummer, now, newest_first=newest_first)
    queues = [
        Queue(
            key,
            heading,
            counts[key],
            [QueueRow(case_id, title(reference), since, pid) for case_id, since, reference, pid in rows[key]],
        )
        for key, heading in QUEUES
    ]
    # No row of a person the caseworker `user_id` may not see (strengt fortrolig adresse unless specially
    # authorised, or no answer from the register): the rule the inbox applies (registers/protection.py), with
    # the grant the policy reads, asked once for the page's persons.
    hidden = hidden_from_caseworkers((row.pid for queue in queues for row in queue.rows), user_id=user_id)
    if hidden:
        for queue in queues:
            queue.rows[:] = [row for row in queue.rows if row.pid not in hidden]
    return queues


# How many more reads a queue's page makes, past rows the register hides, to fill itself (as the inbox's list).
MAX_TOP_UPS = 4


@uses_flow("employee.inbox")
def queue_page(
    kommunenummer: str,
    key: str,
    *,
    newest_first: bool = False,
    after: QueuePosition | None = None,
    now: datetime | None = None,
    user_id: int | None = None,
) -> QueuePage:
    """One queue, all of it: its count and PAGE rows from `after` on (oldest or newest first), and where the next
    page starts. Rows of a person the caseworker `user_id` may not see are left out, as in `work_queues`; while
    they leave the page short and the queue has more, up to MAX_TOP_UPS more reads fill it."""
    now = now or timezone.now()
    read = _queue_page_in_database if connection.vendor == "postgresql" else _queue_page_in_python
    title = _titler()
    shown: list[QueueRow] = []
    count, position = 0, after
    for _read in range(1 + MAX_TOP_UPS):
        wanted = PAGE - len(shown)
        count, rows = read(
            kommunenummer, key, now, newest_first=newest_first, after=position, limit=wanted + 1
        )
        more = len(rows) > wanted
        rows = rows[:wanted]
        hidden = hidden_from_caseworkers((pid for *_row, pid, _key in rows), user_id=user_id)
        shown += [
            QueueRow(case_id, title(reference), since, pid)
            for case_id, since, reference, pid, _key in rows
            if pid not in hidden
        ]
        if rows:
            position = QueuePosition(rows[-1][1], rows[-1][4])
        if not more or len(shown) >= PAGE:
            break
    return QueuePage(Queue(key, TITLES[key], count, shown), position if more else None)


def _titler() -> Callable[[str | None], str]:
    """A row's title: the application's reference, or "Papirsøknad" for a case with no digital application."""
    paper, numbered = str(_("Papirsøknad")), str(_("Søknad %(reference)s"))

    def title(reference: str | None) -> str:
        return numbered % {"reference": reference} if reference is not None else paper

    return title


# The queues in the order the page shows them.
QUEUES = (
    ("not_received", _("Søknader som ikke er markert mottatt etter to virkedager")),
    ("overdue_requests", _("Dokumentkrav med passert frist")),
    ("unread_documents", _("Dokumenter sendt etter søknaden som ikke er sett")),
    ("no_preliminary_answer", _("Saker som har gått over en måned uten foreløpig svar")),
)
TITLES = dict(QUEUES)
# Each queue's page address, in Norwegian as the site's other addresses.
SLUGS = {
    "not_received": "ikke-mottatt",
    "overdue_requests": "passert-frist",
    "unread_documents": "nye-dokumenter",
    "no_preliminary_answer": "uten-forelopig-svar",
}
KEYS = {slug: key for key, slug in SLUGS.items()}
# The queues of cases (their read model's rows), keyed by the case's id; the others are queues of deliveries,
# keyed by the delivery's id (a case can have several documents waiting).
_CASE_QUEUES = frozenset(("overdue_requests", "no_preliminary_answer"))
# A queue's rows: (case id, since when it waits, the application's reference or None, the owner's pid).
_Rows = dict[str, list[tuple]]


def _python_sources(kommunenummer: str, now: datetime) -> dict[str, tuple[QuerySet, str, tuple[str, ...]]]:
    """The quick start's (SQLite) queues through the ORM: each queue's queryset, what it waits since (its order),
    and its rows' columns (case id, since, the application's reference, the owner's pid, the row's own key)."""
    not_received = _not_received(kommunenummer, now)
    overdue = Case.objects.filter(
        municipality_id=kommunenummer, state__next_deadline__lt=now, state__open_tasks__gt=0
    )
    unread = Delivery.objects.filter(
        municipality_id=kommunenummer, kind=Delivery.Kind.ETTERSENDELSE, status=Delivery.Status.AVAILABLE
    )
    unanswered = _without_preliminary_answer(kommunenummer, now)
    delivery_columns = ("case_id", "available_at", "case__application__reference", "case__owner__pid", "id")

    def case_columns(since: str) -> tuple[str, ...]:
        return ("id", since, "application__reference", "owner__pid", "id")

    return {
        "not_received": (not_received, "available_at", delivery_columns),
        "overdue_requests": (overdue, "state__next_deadline", case_columns("state__next_deadline")),
        "unread_documents": (unread, "available_at", delivery_columns),
        "no_preliminary_answer": (
            unanswered,
            "state__case_created_at",
            case_columns("state__case_created_at"),
        ),
    }


def _queues_in_python(
    kommunenummer: str, now: datetime, *, newest_first: bool
) -> tuple[dict[str, int], _Rows]:
    """The quick start's (SQLite) reading through the ORM: the counts in one statement, a page per queue."""
    order = "-" if newest_first else ""
    sources = _python_sources(kommunenummer, now)
    counts = _counts(
        kommunenummer, **{key: queryset for key, (queryset, _since, _columns) in sources.items()}
    )
    rows = {
        key: [row[:4] for row in queryset.order_by(f"{order}{since}").values_list(*columns)[:PREVIEW]]
        for key, (queryset, since, columns) in sources.items()
    }
    return counts, rows


def _queue_page_in_python(
    kommunenummer: str,
    key: str,
    now: datetime,
    *,
    newest_first: bool,
    after: QueuePosition | None,
    limit: int,
) -> tuple[int, list[tuple]]:
    """One queue's count and `limit` rows from `after` on (the quick start's SQLite, through the ORM)."""
    queryset, since, columns = _python_sources(kommunenummer, now)[key]
    order = "-" if newest_first else ""
    page = queryset.order_by(f"{order}{since}", f"{order}pk")
    if after is not None:
        beyond = "lt" if newest_first else "gt"
        page = page.filter(
            Q(**{f"{since}__{beyond}": after.since}) | Q(**{since: after.since, f"pk__{beyond}": after.row})
        )
    return queryset.count(), list(page.values_list(*columns)[:limit])


# PostgreSQL: every queue's count and page in one statement, its text written once per process and order (the
# ORM built and compiled five querysets per request, a calendar filter of up to ten ranges among them: half the
# page's CPU). Each count is read from an index of the municipality's own rows (exchange migration 0015 gave the
# read model its case's municipality: the overdue count joined every municipality's overdue cases to their
# cases before); each page reads its first PAGE rows in order.
#
# The constants (kinds, statuses) are literals, and only the municipality, the calendar's ranges and two
# instants are parameters, as the inbox list has it (core/prepared.py, literal_constants): a partial index's
# condition can only be proved from literals.
#
# psycopg prepares the statement after a few runs, and PostgreSQL then keeps one generic plan for it only if
# that plan's cost, guessed without the parameters' values, is not above the plans for the values (planning the
# statement anew cost about 1.2 ms of the database's CPU at each request, as much as running it). So each queue
# is a range of one partial index of one table, the same plan whatever the values (the § 11a queue reads the
# read model's copy of when the case was received, not the case), and each instant is compared as a range
# with a fixed lower end ('-infinity', which every stored instant is above): PostgreSQL guesses a third of the
# rows for `x <= $1` but 1 in 200 for a range with an unknown end, below what the actual values give once any
# row waits (docs/performance.md, "Follow-up's work queues").
_SQL: dict[bool, str] = {}


def _literal(value: str) -> str:
    """One of this module's own constants (a kind, a status) as an SQL string literal."""
    if not value.replace("_", "").isalnum() or not value.isascii():  # only the code's own plain words
        raise ValueError(value)
    return f"'{value}'"


def _sources() -> dict[str, tuple[str, str, str, str, str]]:
    """Each queue as the statements read it: the one table it reads, its filter, its case's id, what it waits
    since (the order), and the row's own key (the delivery, or the case)."""
    delivery, state = Delivery._meta.db_table, CaseState._meta.db_table
    available = _literal(Delivery.Status.AVAILABLE.value)
    open_statuses = ", ".join(_literal(status) for status in OPEN_STATUSES)
    # The calendar's filter (late_ranges) as one parameter of a fixed type, one multirange (one test per waiting
    # delivery, where an EXISTS over the ranges ran a function scan for each): the instants that are not late
    # yet (_not_late_yet), and the filter "not within them", which is the same as "within the late ones".
    # PostgreSQL guesses that a value lies within a multirange for one row in 200, and with that guess it read
    # and sorted every waiting application of the municipality for the page (heap rows for each) instead of
    # reading the index in order until it had its 50 rows; for "not within", it guesses most rows, which is what
    # this queue mostly holds. The complement is worked out here, not in the statement: in a generic plan it was
    # computed again for each waiting delivery.
    waiting = f"d.kommunenummer = %(kommune)s AND d.status = {available} AND d.kind = "
    late = "NOT (d.available_at <@ %(not_late)s::tstzmultirange)"
    return {
        "not_received": (
            f'"{delivery}" d',
            f"{waiting}{_literal(Delivery.Kind.SOKNAD.value)} AND {late}",
            "d.case_id",
            "d.available_at",
            "d.id",
        ),
        "overdue_requests": (
            f'"{state}" s',
            "s.kommunenummer = %(kommune)s AND s.open_tasks > 0 "
            "AND s.next_deadline > '-infinity' AND s.next_deadline < %(now)s",
            "s.case_id",
            "s.next_deadline",
            "s.case_id",
        ),
        "unread_documents": (
            f'"{delivery}" d',
            f"{waiting}{_literal(Delivery.Kind.ETTERSENDELSE.value)}",
            "d.case_id",
            "d.available_at",
            "d.id",
        ),
        "no_preliminary_answer": (
            f'"{state}" s',
            f"s.kommunenummer = %(kommune)s AND s.preliminary_answer_at IS NULL AND s.status IN ({open_statuses}) "
            "AND s.case_created_at BETWEEN '-infinity' AND %(month_ago)s",
            "s.case_id",
            "s.case_created_at",
            "s.case_id",
        ),
    }


def _joined(rows: str, columns: str, order: str) -> str:
    """`rows` (a subquery of case ids, times and counts) with each row's application reference and owner, read
    once for the rows given only."""
    case, application, user = Case._meta.db_table, Application._meta.db_table, User._meta.db_table
    return (
        f"SELECT {columns} FROM ({rows}) AS q "  # noqa: S608 - this module's constant SQL; values are parameters
        f'LEFT JOIN "{case}" c ON c.id = q.case_id '
        f'LEFT JOIN "{application}" a ON a.id = c.application_id '
        f'LEFT JOIN "{user}" u ON u.id = c.owner_id '
        f"ORDER BY {order}"
    )


def _queues_sql(newest_first: bool) -> str:
    found = _SQL.get(newest_first)
    if found is not None:
        return found
    direction = "DESC" if newest_first else "ASC"
    branches = []
    for number, (key, (tables, where, case_id, since, _row)) in enumerate(_sources().items()):
        branches.append(
            f"(SELECT {number} AS queue, '{key}'::text AS key, NULL::uuid AS case_id, NULL::timestamptz AS since, "  # noqa: S608 - this module's constant SQL; values are parameters
            f"count(*) AS counted FROM {tables} WHERE {where})"
        )
        branches.append(
            # The page: its first rows in order, from the queue's own table (its index); the case, the
            # application and the owner are read once for all four pages below, for those rows only.
            f"(SELECT {number}, '{key}'::text, {case_id}, {since}, 0::bigint FROM {tables} WHERE {where} "  # noqa: S608 - this module's constant SQL; values are parameters
            f"ORDER BY {since} {direction} LIMIT {PREVIEW})"
        )
    found = _SQL[newest_first] = _joined(
        " UNION ALL ".join(branches),
        "q.key, q.case_id, q.since, a.reference, u.pid, q.counted",
        f"q.queue, q.since {direction}",
    )
    return found


# One queue's page: (queue, newest first, from a position, rows) -> the statement.
_PAGE_SQL: dict[tuple[str, bool, bool, int], str] = {}


def _queue_page_sql(key: str, *, newest_first: bool, after: bool, limit: int) -> str:
    """One queue's count and `limit` rows in order from a position (`after`) or from its start, in one
    statement. From a position, the index is read from the position's time on (`since >= %(since)s`, a range of
    the queue's index), and the rows of that same time are ordered by their key: the thousandth page costs what
    the first does."""
    found = _PAGE_SQL.get((key, newest_first, after, limit))
    if found is not None:
        return found
    tables, where, case_id, since, row = _sources()[key]
    direction, edge, beyond = ("DESC", "<=", "<") if newest_first else ("ASC", ">=", ">")
    row_type = "uuid" if key in _CASE_QUEUES else "bigint"
    position = (
        f" AND {since} {edge} %(since)s AND ({since}, {row}) {beyond} (%(since)s, %(row)s)" if after else ""
    )
    # The rows: the first `limit` by time as the queue's index gives them, with every row of the last one's time
    # (WITH TIES), then ordered by their key too. Ordering by (time, key) straight from the index needs a sort
    # the plan must choose well: the generic plan PostgreSQL keeps for a prepared statement guesses the queue
    # holds one row, and sorted the whole queue for each page (2,385 rows for Trondheim's first page at a
    # million; docs/performance.md, session 24). Read in the index's own order there is nothing to choose.
    rows = (
        f"(SELECT NULL::uuid AS case_id, NULL::timestamptz AS since, NULL::{row_type} AS row_key, count(*) AS counted "  # noqa: S608 - this module's constant SQL; values are parameters
        f"FROM {tables} WHERE {where}) UNION ALL "
        f"(SELECT case_id, since, row_key, 0::bigint FROM (SELECT {case_id} AS case_id, {since} AS since, {row} AS "
        f"row_key FROM {tables} WHERE {where}{position} ORDER BY {since} {direction} FETCH FIRST {int(limit)} ROWS "
        f"WITH TIES) AS tied ORDER BY since {direction}, row_key {direction} LIMIT {int(limit)})"
    )
    found = _PAGE_SQL[key, newest_first, after, limit] = _joined(
        rows,
        "q.case_id, q.since, a.reference, u.pid, q.row_key, q.counted",
        f"q.since {direction}, q.row_key {direction}",
    )
    return found


def _not_late_yet(now: datetime) -> object:
    """The instants `late_ranges(now)` leaves out, as one multirange: from the cutoff on (the cutoff itself is
    not late), less each range of the band (its ends included there, so left out here)."""
    # psycopg only here: the quick start's SQLite never reads the queues through this statement.
    from psycopg.types.multirange import Multirange
    from psycopg.types.range import Range

    before, band = late_ranges(now)
    gaps = []
    covered, covered_included = before, False  # late up to here; `covered` itself late or not
    for start, end in sorted(band):
        if start > covered:
            gaps.append(Range(covered, start, "()" if covered_included else "[)"))
        if end > covered:
            covered, covered_included = end, True
        elif end == covered:
            covered_included = True
    gaps.append(Range(covered, None, "()" if covered_included else "[)"))
    return Multirange(gaps)


def _params(kommunenummer: str, now: datetime) -> dict[str, object]:
    return {
        "kommune": kommunenummer,
        "not_late": _not_late_yet(now),
        "now": now,
        "month_ago": one_month_before(now),
    }


def _queues_in_database(
    kommunenummer: str, now: datetime, *, newest_first: bool
) -> tuple[dict[str, int], _Rows]:
    params = _params(kommunenummer, now)
    counts = dict.fromkeys((key for key, _heading in QUEUES), 0)
    rows: _Rows = {key: [] for key in counts}
    with connection.cursor() as cursor:
        _native_timestamps(cursor.cursor)
        cursor.execute(_queues_sql(newest_first), params)
        for key, case_id, since, reference, pid, count in cursor.fetchall():
            if case_id is None:
                counts[key] = count
            else:
                rows[key].append((case_id, since, reference, pid))
    return counts, rows


def _queue_page_in_database(
    kommunenummer: str,
    key: str,
    now: datetime,
    *,
    newest_first: bool,
    after: QueuePosition | None,
    limit: int,
) -> tuple[int, list[tuple]]:
    """One queue's count and `limit` rows from `after` on, in one statement (`_queue_page_sql`)."""
    params = _params(kommunenummer, now)
    if after is not None:
        params |= {"since": after.since, "row": after.row}
    sql = _queue_page_sql(key, newest_first=newest_first, after=after is not None, limit=limit)
    count, rows = 0, []
    with connection.cursor() as cursor:
        _native_timestamps(cursor.cursor)
        cursor.execute(sql, params)
        for case_id, since, reference, pid, row, counted in cursor.fetchall():
            if case_id is None:
                count = counted
            else:
                rows.append((case_id, since, reference, pid, row))
    return count, rows


def _native_timestamps(cursor: object) -> None:
    """This cursor reads timestamptz with psycopg's own loader (C), not the Python one Django registers: the same
    instant, in the session's time zone (UTC, which Django sets), for the hundred `since` of a page (a fifth of
    the reading's CPU), as core/prepared.py's native_timestamps does for the delivery list."""
    import psycopg
    from psycopg.postgres import types
    from psycopg.pq import Format

    oid = types["timestamptz"].oid
    cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, Format.TEXT))  # type: ignore[attr-defined]


class _CountOf(Func):
    """How many rows a subquery gives."""

    template = "(SELECT count(*) FROM %(expressions)s AS counted)"
    output_field = IntegerField()


def _counts(kommunenummer: str, **queues: QuerySet) -> dict[str, int]:
    """Every queue's count in one statement (one round trip, not one per queue), as a row of the municipality."""
    found = (
        Municipality.objects.filter(pk=kommunenummer)
        .values(**{name: _CountOf(Subquery(queue.order_by().values("pk"))) for name, queue in queues.items()})
        .first()
    )
    return found or dict.fromkeys(queues, 0)


def _without_preliminary_answer(kommunenummer: str, now: datetime) -> QuerySet[Case]:
    """Forvaltningsloven § 11a third paragraph: in a case about an enkeltvedtak, a foreløpig svar is due when
    the application cannot be answered within one month of receipt. The case's creation is its receipt (the
    application reaches the municipality as it is sent); a case still open (sent, received or in progress)
    after one calendar month with no foreløpig svar in its history (CaseState.preliminary_answer_at) is in the
    queue. The read model's copy of the case's creation is read, as the statement on PostgreSQL reads it (the
    index exchange_casestate_11a)."""
    return Case.objects.filter(
        municipality_id=kommunenummer,
        state__case_created_at__lte=one_month_before(now),
        state__preliminary_answer_at__isnull=True,
        state__status__in=OPEN_STATUSES,
    )


@uses_flow(NO_PERSONAL_DATA)  # calendar arithmetic
def one_month_before(now: datetime) -> datetime:
    """The same time one calendar month earlier, in Norway's time; the 31st of a shorter month's end."""
    local = timezone.localtime(now)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    day = min(local.day, monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _not_received(kommunenummer: str, now: datetime) -> QuerySet[Delivery]:
    """Available for two working days or more (`late_since`)."""
    return Delivery.objects.filter(
        late_since(now),
        municipality_id=kommunenummer,
        kind=Delivery.Kind.SOKNAD,
        status=Delivery.Status.AVAILABLE,
    )


@uses_flow(NO_PERSONAL_DATA)  # a filter built from the calendar: no one's data
def late_since(now: datetime) -> Q:
    """A filter on `available_at`: exactly the deliveries whose collect_deadline has come by `now`
    (`late_ranges`)."""
    before, band = late_ranges(now)
    late = Q(available_at__lt=before)
    for start, end in band:
        late |= Q(available_at__gte=start, available_at__lte=end)
    return late


@uses_flow(NO_PERSONAL_DATA)  # calendar arithmetic
def late_ranges(now: datetime) -> tuple[datetime, list[tuple[datetime, datetime]]]:
    """The deliveries whose collect_deadline has come by `now`: those available before the first moment
    returned, and those available within one of the (start, end) ranges, both ends included.

    collect_deadline keeps the time of day and adds whole days, the same number for every moment of one day. So
    within a day the late ones are those up to a time, and the calendar needs asking once per day of the band
    between two calendar days and the longest two working days can be — not once per waiting delivery, which
    cost a page with 10,000 cases most of its time. Across days it is not a prefix (a Saturday evening's
    deadline is Tuesday evening, a Sunday morning's Tuesday morning), hence a range per day."""
    local_now = timezone.localtime(now)
    band = []
    for back in range(LONGEST_TWO_WORKING_DAYS.days, WORKING_DAYS_TO_COLLECT - 1, -1):
        day = local_now - timedelta(days=back)
        start = day.replace(hour=0, minute=0, second=0, microsecond=0)
        end_of_day = day.replace(hour=23, minute=59, second=59, microsecond=999999)
        if collect_deadline(end_of_day) <= now:  # the whole day is late
            band.append((start, end_of_day))
        elif collect_deadline(day) <= now:  # late up to now's time of day
            band.append((start, day))
    return local_now - LONGEST_TWO_WORKING_DAYS, band
