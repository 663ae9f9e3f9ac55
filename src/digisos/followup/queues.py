"""Work queues for municipalities that use the manual inbox: what waits too long, as lists with counts.

Each queue is read in a fixed number of queries whatever the number of cases (a count and one page).
Employee-facing: every public reader names its flow (tests/followup/test_dataflow_register.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.core.dataflows import uses_flow
from digisos.exchange.models import Case, Delivery
from digisos.exchange.selectors import WORKING_DAYS_TO_COLLECT, collect_deadline

EMPLOYEE_FACING = True
PAGE = 50
# Two working days never span more than this many calendar days (Easter: Thursday to the next Wednesday).
LONGEST_TWO_WORKING_DAYS = timedelta(days=10)


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    title: str
    since: datetime  # when the item started waiting


@dataclass(frozen=True)
class Queue:
    key: str
    title: object
    count: int
    rows: list[QueueRow]


@uses_flow("employee.inbox")
def work_queues(
    kommunenummer: str, *, newest_first: bool = False, now: datetime | None = None
) -> list[Queue]:
    """The municipality's queues: applications not marked received after two working days, requests past their
    deadline, and documents sent later that no one has received yet."""
    now = now or timezone.now()
    order = "-" if newest_first else ""
    not_received = _not_received(kommunenummer, now)
    overdue = Case.objects.filter(
        municipality_id=kommunenummer, state__next_deadline__lt=now, state__open_tasks__gt=0
    )
    unread = Delivery.objects.filter(
        municipality_id=kommunenummer, kind=Delivery.Kind.ETTERSENDELSE, status=Delivery.Status.AVAILABLE
    )
    return [
        Queue(
            "not_received",
            _("Søknader som ikke er markert mottatt etter to virkedager"),
            not_received.count(),
            _delivery_rows(not_received.order_by(f"{order}available_at")),
        ),
        Queue(
            "overdue_requests",
            _("Dokumentkrav med passert frist"),
            overdue.count(),
            [
                QueueRow(str(case.id), _case_title(case), case.state.next_deadline)
                for case in overdue.select_related("application", "state")
                .only("id", "application__reference", "state__next_deadline")
                .order_by(f"{order}state__next_deadline")[:PAGE]
            ],
        ),
        Queue(
            "unread_documents",
            _("Dokumenter sendt etter søknaden som ikke er sett"),
            unread.count(),
            _delivery_rows(unread.order_by(f"{order}available_at")),
        ),
    ]


def _not_received(kommunenummer: str, now: datetime) -> QuerySet[Delivery]:
    """Available for two working days or more. The database answers for the certain ones (older than the longest
    two working days can be); the calendar decides the few in the band between."""
    waiting = Delivery.objects.filter(
        municipality_id=kommunenummer, kind=Delivery.Kind.SOKNAD, status=Delivery.Status.AVAILABLE
    )
    band = waiting.filter(
        available_at__gte=now - LONGEST_TWO_WORKING_DAYS,
        available_at__lte=now - timedelta(days=WORKING_DAYS_TO_COLLECT),
    ).values_list("pk", "available_at")
    overdue_in_band = [pk for pk, available_at in band if collect_deadline(available_at) <= now]
    return waiting.filter(Q(available_at__lt=now - LONGEST_TWO_WORKING_DAYS) | Q(pk__in=overdue_in_band))


def _delivery_rows(deliveries: QuerySet[Delivery]) -> list[QueueRow]:
    return [
        QueueRow(str(d.case_id), _case_title(d.case), d.available_at)
        for d in deliveries.select_related("case__application").only(
            "case_id", "available_at", "case__application__reference"
        )[:PAGE]
    ]


def _case_title(case: Case) -> str:
    application = case.application
    if application is None:
        return str(_("Papirsøknad"))
    return str(_("Søknad %(reference)s") % {"reference": application.reference})
