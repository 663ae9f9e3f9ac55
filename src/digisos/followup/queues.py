"""Work queues for municipalities that use the manual inbox: what waits too long, as lists with counts.

Each queue is read in a fixed number of queries whatever the number of cases (a count and one page).
Employee-facing: every public reader names its flow (tests/followup/test_dataflow_register.py).
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Func, IntegerField, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.core.dataflows import NO_PERSONAL_DATA, uses_flow
from digisos.exchange.models import OPEN_STATUSES, Case, Delivery
from digisos.exchange.selectors import WORKING_DAYS_TO_COLLECT, collect_deadline
from digisos.municipalities.models import Municipality
from digisos.registers.protection import hidden_from_caseworkers

EMPLOYEE_FACING = True
PAGE = 50
# Two working days never span more than this many calendar days (Easter: Thursday to the next Wednesday).
LONGEST_TWO_WORKING_DAYS = timedelta(days=10)


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    title: str
    since: datetime  # when the item started waiting
    pid: str | None = field(default=None, repr=False)  # asked of the address-protection register, not shown


@dataclass(frozen=True)
class Queue:
    key: str
    title: object
    count: int
    rows: list[QueueRow]
    html: str = ""  # the rows as the page shows them (views.work_queues_page)


@uses_flow("employee.inbox")
def work_queues(
    kommunenummer: str, *, newest_first: bool = False, now: datetime | None = None
) -> list[Queue]:
    """The municipality's queues: applications not marked received after two working days, requests past their
    deadline, documents sent later that no one has received yet, and cases past one month without a foreløpig
    svar (forvaltningsloven § 11a)."""
    now = now or timezone.now()
    order = "-" if newest_first else ""
    not_received = _not_received(kommunenummer, now)
    overdue = Case.objects.filter(
        municipality_id=kommunenummer, state__next_deadline__lt=now, state__open_tasks__gt=0
    )
    unread = Delivery.objects.filter(
        municipality_id=kommunenummer, kind=Delivery.Kind.ETTERSENDELSE, status=Delivery.Status.AVAILABLE
    )
    unanswered = _without_preliminary_answer(kommunenummer, now)
    paper, numbered = str(_("Papirsøknad")), str(_("Søknad %(reference)s"))

    def title(reference: str | None) -> str:
        return numbered % {"reference": reference} if reference is not None else paper

    counts = _counts(
        kommunenummer,
        not_received=not_received,
        overdue_requests=overdue,
        unread_documents=unread,
        no_preliminary_answer=unanswered,
    )
    queues = [
        Queue(
            "not_received",
            _("Søknader som ikke er markert mottatt etter to virkedager"),
            counts["not_received"],
            _delivery_rows(not_received.order_by(f"{order}available_at"), title),
        ),
        Queue(
            "overdue_requests",
            _("Dokumentkrav med passert frist"),
            counts["overdue_requests"],
            _case_rows(overdue.order_by(f"{order}state__next_deadline"), "state__next_deadline", title),
        ),
        Queue(
            "unread_documents",
            _("Dokumenter sendt etter søknaden som ikke er sett"),
            counts["unread_documents"],
            _delivery_rows(unread.order_by(f"{order}available_at"), title),
        ),
        Queue(
            "no_preliminary_answer",
            _("Saker som har gått over en måned uten foreløpig svar"),
            counts["no_preliminary_answer"],
            _case_rows(unanswered.order_by(f"{order}created_at"), "created_at", title),
        ),
    ]
    # No row of a person a caseworker's views must not show (strengt fortrolig adresse, or no answer from the
    # register): the rule the inbox applies (registers/protection.py), asked once for the page's persons.
    hidden = hidden_from_caseworkers(row.pid for queue in queues for row in queue.rows)
    if hidden:
        for queue in queues:
            queue.rows[:] = [row for row in queue.rows if row.pid not in hidden]
    return queues


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
    after one calendar month with no foreløpig svar in its history (CaseState.preliminary_answer_at, the
    index exchange_casestate_no_prelim) is in the queue."""
    return Case.objects.filter(
        municipality_id=kommunenummer,
        created_at__lte=one_month_before(now),
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
    """A filter on `available_at`: exactly the deliveries whose collect_deadline has come by `now`.

    collect_deadline keeps the time of day and adds whole days, the same number for every moment of one day. So
    within a day the late ones are those up to a time, and the calendar needs asking once per day of the band
    between two calendar days and the longest two working days can be — not once per waiting delivery, which
    cost a page with 10,000 cases most of its time. Across days it is not a prefix (a Saturday evening's
    deadline is Tuesday evening, a Sunday morning's Tuesday morning), hence a range per day."""
    local_now = timezone.localtime(now)
    late = Q(available_at__lt=local_now - LONGEST_TWO_WORKING_DAYS)
    for back in range(LONGEST_TWO_WORKING_DAYS.days, WORKING_DAYS_TO_COLLECT - 1, -1):
        day = local_now - timedelta(days=back)
        start = day.replace(hour=0, minute=0, second=0, microsecond=0)
        end_of_day = day.replace(hour=23, minute=59, second=59, microsecond=999999)
        if collect_deadline(end_of_day) <= now:  # the whole day is late
            late |= Q(available_at__gte=start, available_at__lte=end_of_day)
        elif collect_deadline(day) <= now:  # late up to now's time of day
            late |= Q(available_at__gte=start, available_at__lte=day)
    return late


# Each queue's page of rows as plain columns (values(): no model instances for a hundred rows).
def _delivery_rows(deliveries: QuerySet[Delivery], title) -> list[QueueRow]:
    return [
        QueueRow(str(case_id), title(reference), since, pid)
        for case_id, since, reference, pid in deliveries.values_list(
            "case_id", "available_at", "case__application__reference", "case__owner__pid"
        )[:PAGE]
    ]


def _case_rows(cases: QuerySet[Case], since: str, title) -> list[QueueRow]:
    return [
        QueueRow(str(case_id), title(reference), moment, pid)
        for case_id, moment, reference, pid in cases.values_list(
            "id", since, "application__reference", "owner__pid"
        )[:PAGE]
    ]
