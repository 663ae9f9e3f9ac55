"""The aggregate tables the statistics are published from (computed ahead by services.update, never per
request): each case's facts, the additive cells per (municipality, month) and (NAV office, ISO week), the
counts registered sources gave, and the published figures with their suppression marks."""

from django.db import models


class CaseFact(models.Model):
    """What one case contributes (facts.CaseFacts): the hourly update takes a changed case's stored facts out
    of its cells and adds its new ones.

    No database constraint and no cascade on purpose: when a case is deleted (retention) its facts stay until
    the next update, which finds them without a case and takes them out of their cells."""

    case = models.OneToOneField(
        "exchange.Case", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    municipality = models.CharField(max_length=4)
    office = models.CharField(max_length=8, blank=True, default="")
    month = models.DateField()
    week = models.DateField()
    channel = models.CharField(max_length=10)
    received_hours = models.IntegerField(null=True)
    preliminary_hours = models.IntegerField(null=True)
    decision_hours = models.IntegerField(null=True)
    decided_without_request = models.BooleanField(default=False)
    requested = models.BooleanField(default=False)
    answered_on_time = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["month", "municipality"]), models.Index(fields=["week", "office"])]

    def __str__(self) -> str:
        return f"{self.case_id}"


class EttersendelseFact(models.Model):
    """Where one ettersendelse is counted: its municipality's month and its case's office's week (the office the
    case's read model names; None when the case has none yet, and then no week counts it). Kept, as a case's
    facts are, so that the update can take an ettersendelse out of the cells it was counted in when its case
    changes office or is deleted; plain columns, no foreign keys, for the same reason."""

    delivery_id = models.BigIntegerField(primary_key=True)
    case_id = models.UUIDField(db_index=True)
    municipality = models.CharField(max_length=4)
    month = models.DateField()
    office = models.CharField(max_length=8, null=True)  # noqa: DJ001 (None: no read model, not the office "")
    week = models.DateField()

    def __str__(self) -> str:
        return f"{self.delivery_id}"


class DeletedCase(models.Model):
    """A case deleted since the last update (services.case_deleted): its facts are still to be taken out of the
    cells. A plain column: the case is gone."""

    case_id = models.UUIDField(primary_key=True)

    def __str__(self) -> str:
        return f"{self.case_id}"


class Cell(models.Model):
    """The additive contents (facts.Cell) of one municipality's month, or one office's week."""

    class Grain(models.TextChoices):
        MONTH = "month"
        WEEK = "week"

    grain = models.CharField(max_length=5, choices=Grain.choices)
    area = models.CharField(max_length=8)  # kommunenummer (month) or enhetsnummer (week)
    period = models.DateField()  # the first of the month, or the Monday of the week
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grain", "period", "area"], name="insights_cell_once")]

    def __str__(self) -> str:
        return f"{self.grain} {self.area} {self.period}"


class SourceCount(models.Model):
    """A registered statistics source's count for one municipality's month (core.statistics_sources)."""

    key = models.CharField(max_length=60)
    municipality = models.CharField(max_length=4)
    month = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "key", "municipality"], name="insights_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.municipality} {self.month}"


class Published(models.Model):
    """One figure as the page, the CSV and the API publish it: a value, or why it is not shown."""

    class Suppressed(models.TextChoices):
        NO = "", "-"
        UNDER_5 = "under5", "under 5"
        SECONDARY = "secondary", "skjult"
        WITHHELD = "withheld", "holdt tilbake"

    grain = models.CharField(max_length=5)
    level = models.CharField(max_length=12)  # country | county | municipality | office
    area = models.CharField(max_length=8)  # "" for the country
    period = models.DateField()
    figure = models.CharField(max_length=80)
    value = models.FloatField(null=True)
    suppressed = models.CharField(max_length=10, blank=True, default="", choices=Suppressed.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "level", "area", "figure", "period"], name="insights_published_once"
            )
        ]
        indexes = [models.Index(fields=["grain", "period"])]

    def __str__(self) -> str:
        return f"{self.figure} {self.level} {self.area} {self.period}"


class AnalystWeek(models.Model):
    """One week figure as analysts see it (NAV office or country): the published week protected together with
    the public months of one snapshot (services.protect_analysts, its own job, insights/analyst.py). Written
    only by that job, all rows of a snapshot in one transaction; the hourly update never touches it, so the
    analyst's page never shows a week that was not protected with the months published at the same moment."""

    level = models.CharField(max_length=12)  # country | office
    area = models.CharField(max_length=8)  # "" for the country
    period = models.DateField()  # the Monday of the week
    figure = models.CharField(max_length=80)
    value = models.FloatField(null=True)
    suppressed = models.CharField(max_length=10, blank=True, default="", choices=Published.Suppressed.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "area", "figure", "period"], name="insights_analystweek_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.level} {self.area} {self.period}"


class AnalystSnapshot(models.Model):
    """The snapshot the analysts' weeks (AnalystWeek) were protected from: which update's figures
    (`figures_of`, that update's Run.finished_at), when the job read them and how long it took."""

    name = models.CharField(max_length=20, primary_key=True)
    figures_of = models.DateTimeField()  # Run.finished_at of the update whose published rows were protected
    taken_at = models.DateTimeField()  # when the job read them
    seconds = models.FloatField(default=0)
    # The budget ran out and the rest was hidden wholesale (fail-closed): fewer weeks shown, none unprotected.
    over_budget = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    """Where the last update stopped: the watermarks the next one starts from."""

    name = models.CharField(max_length=20, primary_key=True)
    cases_since = models.DateTimeField(null=True)  # Case.updated_at seen up to (minus an overlap)
    delivery_id = models.BigIntegerField(default=0)  # the newest Delivery seen
    finished_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
