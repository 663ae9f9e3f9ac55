"""What happens when nobody acknowledges a report, and when its content has been with the municipality long
enough: the letter (KS: brevpost after 2 working days, or at once when the case system refused it) and the
retention rule (the content is deleted settings.CONCERNS_RETENTION_DAYS after acknowledgement; the row, its
kind, municipality, office and states stay for statistics).
"""

from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digisos.core.dataflows import NO_PERSONAL_DATA, uses_flow
from digisos.exchange.selectors import collect_deadline

from .models import (
    ChildWelfareOffice,
    ConcernDeliveredFile,
    ConcernDelivery,
    ConcernReport,
    ConcernState,
    OfficeAlert,
)
from .pdf import render_report
from .printing import print_service
from .services import record_state

log = structlog.get_logger(__name__)
State = ConcernState.State


def due_for_letter(now: datetime) -> list[ConcernDelivery]:
    """Available and not acknowledged within two working days, or refused by the case system; not printed."""
    candidates = (
        ConcernDelivery.objects.filter(printed_at__isnull=True)
        .filter(
            Q(status=ConcernDelivery.Status.FAILED, available_at__isnull=False)
            # Two working days are at least two calendar days: the database narrows, the calendar decides.
            # At most (lte): the deadline itself is due, or a report sent on a Friday morning with two
            # working days following (Monday, Tuesday) missed its letter at exactly Tuesday's deadline.
            | Q(status=ConcernDelivery.Status.AVAILABLE, available_at__lte=now - timedelta(days=2))
        )
        .select_related("office", "report")
        .order_by("pk")
    )
    return [
        d
        for d in candidates
        if d.status == ConcernDelivery.Status.FAILED or collect_deadline(d.available_at) <= now
    ]


def send_overdue_by_letter(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for delivery in due_for_letter(now):
        sent += send_by_letter(delivery_id=delivery.pk, now=now)
    return sent


@uses_flow("delivery.bekymringsmelding")  # the same report, on paper
def send_by_letter(*, delivery_id: int, now: datetime) -> bool:
    """Prints the report addressed to the office (SENDT_PRINT); the local print adapter has it at once, so
    LEVERT follows. The row lock keeps two schedulers from printing it twice."""
    with transaction.atomic():
        delivery = (
            ConcernDelivery.objects.select_for_update(skip_locked=True)
            .select_related("office", "report__municipality")
            .filter(pk=delivery_id, printed_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        report = delivery.report
        pdf = render_report(report, address=delivery.office.postal_address)
        print_service().send_letter(reference=str(report.id), address=delivery.office.postal_address, pdf=pdf)
        delivery.printed_at = now
        delivery.save(update_fields=["printed_at"])
        record_state(report, State.SENDT_PRINT, at=now)
        record_state(report, State.LEVERT, at=now, description="Levert til trykk (lokal utskrift)")
    log.info("concerns.sent_by_letter", report=str(report.id), office=delivery.office_id)
    return True


# An alert goes out when a report has waited this long unacknowledged, and at most this often per office.
ALERT_AFTER = timedelta(hours=1)
MAX_ALERTS_PER_DAY = 3


@uses_flow(NO_PERSONAL_DATA)  # a count and a link to the office's alert addresses, no content
def alert_unacknowledged(*, now: datetime | None = None) -> int:
    """E-mails each office's alert addresses that reports wait for it — how many, never what they say —
    at most three times a (Norwegian) day."""
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    waiting = (
        ConcernDelivery.objects.filter(
            status=ConcernDelivery.Status.AVAILABLE,
            printed_at__isnull=True,
            available_at__lte=now - ALERT_AFTER,
        )
        .values_list("office_id", flat=True)
        .order_by("office_id")
    )
    counts: dict[int, int] = {}
    for office_id in waiting:
        counts[office_id] = counts.get(office_id, 0) + 1
    sent = 0
    for office_id, count in counts.items():
        with transaction.atomic():
            office = ChildWelfareOffice.objects.select_for_update().get(pk=office_id)
            if not office.alert_emails:
                continue
            if office.alerts.filter(sent_at__gte=day_start).count() >= MAX_ALERTS_PER_DAY:
                continue
            OfficeAlert.objects.create(office=office, sent_at=now, unacknowledged=count)
            send_mail(
                subject="Bekymringsmeldinger venter på kvittering",
                message=(
                    f"{count} bekymringsmelding(er) til {office.bydelsnavn} er ikke kvittert for i DigiSos. "
                    "Hent dem i fagsystemet eller innboksen og kvitter for mottak. Meldinger som ikke er "
                    "kvittert for innen to virkedager, sendes som brev.\n\nDenne e-posten er sendt "
                    "automatisk og inneholder ingen personopplysninger."
                ),
                from_email=None,
                recipient_list=list(office.alert_emails),
            )
        sent += 1
    return sent


def remove_expired_content(*, now: datetime | None = None) -> int:
    """Deletes the content of reports acknowledged more than the retention period ago, and their files."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONCERNS_RETENTION_DAYS)
    storage = storages["documents"]
    removed = 0
    for report_id in ConcernReport.objects.filter(
        acknowledged_at__lt=cutoff, content_deleted_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            files = list(ConcernDeliveredFile.objects.filter(delivery__report_id=report_id))
            ConcernDeliveredFile.objects.filter(pk__in=[f.pk for f in files]).delete()
            ConcernReport.objects.filter(pk=report_id).update(
                content=None, answers={}, content_deleted_at=now
            )
            transaction.on_commit(
                lambda names=[f.storage_name for f in files]: [storage.delete(n) for n in names]
            )
        removed += 1
    return removed


# A draft is deleted this long after it was last changed (the application's drafts live 14 days too).
DRAFT_DAYS = 14


def remove_expired_drafts(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = ConcernReport.objects.filter(
        status=ConcernReport.Status.DRAFT, updated_at__lt=now - timedelta(days=DRAFT_DAYS)
    ).delete()
    return deleted
