"""What concerns contributes to the public statistics (digisos.core.statistics_sources; insights reads it):
reports sent per municipality and month. Counts only, from the report rows, which stay when the content is
deleted after the retention period (fallbacks.remove_expired_content)."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from digisos.core.statistics_sources import MonthlyCount, StatisticsSource

from .models import ConcernReport

KEY = "bekymringsmeldinger"


def _sent():
    return ConcernReport.objects.filter(status=ConcernReport.Status.SENT, sent_at__isnull=False)


def _month(moment: date | datetime) -> date:
    return (moment.date() if isinstance(moment, datetime) else moment).replace(day=1)


def monthly_sent(since: datetime | None) -> Iterable[MonthlyCount]:
    """The complete count of every (municipality, month, in Norwegian time) in which a report was sent since
    `since` (None: every month). A report's month never changes once sent, so only those months can have
    changed: the query reads the rows of the municipalities and months touched, not every report."""
    sent = _sent()
    if since is not None:
        touched = {
            (row["municipality_id"], _month(row["month"]))
            for row in sent.filter(sent_at__gte=since)
            .annotate(month=TruncMonth("sent_at"))
            .values("municipality_id", "month")
            .distinct()
        }
        if not touched:
            return []
        earliest = min(month for _, month in touched)
        sent = sent.filter(municipality_id__in={number for number, _ in touched}, sent_at__date__gte=earliest)
    else:
        touched = None
    counts = (
        sent.annotate(month=TruncMonth("sent_at"))
        .values("municipality_id", "month")
        .annotate(count=Count("pk"))
        .order_by("municipality_id", "month")
    )
    found = [MonthlyCount(row["municipality_id"], _month(row["month"]), row["count"]) for row in counts]
    if touched is not None:
        found = [count for count in found if (count.municipality_number, count.month) in touched]
    return found


SOURCE = StatisticsSource(
    key=KEY,
    name=_("Bekymringsmeldinger til barnevernet"),
    definition=_(
        "Antall bekymringsmeldinger sendt gjennom DigiSos til kommunens barneverntjeneste, per kommune og "
        "måned (etter når de ble sendt). Fra skjemaene og fra andre systemer gjennom API-et."
    ),
    monthly_counts=monthly_sent,
)
