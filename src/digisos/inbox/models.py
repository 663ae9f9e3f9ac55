"""What the manual inbox keeps of its own: the paper applications an inbox municipality counts each month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperCount(models.Model):
    """How many paper applications an inbox municipality received in a month, as its caseworkers enter it.

    A municipality with a case system reports its paper cases through the exchange API (POST /saker); one
    without has nobody else to count them, so its caseworkers do, and the statistics add the count to the
    paper applications of that month. Written only by inbox.services.record_paper_count (audited); a
    correction overwrites the month's count and moves `changed_at`, which insights' hourly job reads from."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", db_column="kommunenummer"
    )
    month = models.DateField()  # the first day of the month
    count = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("antall papirsøknader")
        verbose_name_plural = _("antall papirsøknader")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month"], name="inbox_paper_count_once_a_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="inbox_paper_count_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month:%Y-%m}: {self.count}"
