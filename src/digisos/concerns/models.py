"""Child-welfare offices (KS's "bydel") and concern reports with their KS delivery state history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digisos.exchange.models import AttemptedDelivery


class ChildWelfareOffice(models.Model):
    """One child-welfare office of a municipality, as KS's configuration has a bydel.

    A municipality has one or more; "00" where it has no districts, Oslo's districts have their own. Exactly
    one active office per municipality is the standard receiver (reports whose district is unknown go there).
    A municipality with no active office has not turned the service on: the reporter is told how to report
    by phone or letter instead (KS: an empty list of bydeler means the kommune is not activated).
    """

    class Channel(models.TextChoices):
        # The child-welfare case system collects over the exchange API (KS: FIKS_IO).
        EXCHANGE = "exchange", _("Fagsystem (utvekslings-API)")
        # Staff download and mark received in DigiSos (KS: MANUELL_MOTTAK).
        INBOX = "inbox", _("Manuelt mottak (innboks)")

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="child_welfare_offices"
    )
    bydelsnummer = models.CharField(_("bydelsnummer"), max_length=2, default="00")
    bydelsnavn = models.CharField(_("navn"), max_length=150)
    standard_receiver = models.BooleanField(_("standard mottaker"), default=False)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices, default=Channel.INBOX)
    # KS: varselEposter — who is alerted (without content) when reports are not acknowledged.
    alert_emails = models.JSONField(_("varsel-e-poster"), default=list, blank=True)
    # Where the letter goes when nothing acknowledges the report (and where a reporter may send by post).
    postal_address = models.TextField(_("postadresse"), blank=True)
    phone = models.CharField(_("telefon i kontortiden"), max_length=30, blank=True)
    barnevernvakt_phone = models.CharField(_("barnevernvakt (utenom kontortid)"), max_length=30, blank=True)
    active = models.BooleanField(_("aktivert"), default=False)
    # X.509 (PEM) the office's reports are encrypted to when a case system collects them (KS: the Fiks IO
    # account's public key, one per bydel); its case system holds the private key.
    certificate_pem = models.TextField(_("sertifikat for kryptering"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality_id", "bydelsnummer"]
        verbose_name = _("barnevernstjeneste")
        verbose_name_plural = _("barnevernstjenester")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bydelsnummer"], name="concerns_office_unique_bydel"
            ),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(standard_receiver=True),
                name="concerns_one_standard_receiver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}-{self.bydelsnummer} {self.bydelsnavn}"


class ConcernReport(models.Model):
    """A bekymringsmelding, from the first draft to its delivery.

    `answers` holds what the reporter typed while the report is a draft; on sending, `content` becomes the
    bekymringsmelding.json KS's v2 schema describes. Both are emptied once the municipality has had it long
    enough (`content_deleted_at`); the row, its kind, municipality and states stay for statistics.
    """

    class Kind(models.TextChoices):
        PRIVATE = "privat", _("Privatperson")
        PUBLIC = "offentlig", _("Offentlig ansatt eller fagperson")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SENT = "sent", _("Sendt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # bekymringsmelding-id
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The citizen who reported through the forms; NULL for a report another system sent through the API.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concern_reports",
    )
    # The system that sent it through the API (a school, health or police system), else NULL.
    sender = models.ForeignKey(
        "exchange.ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        ChildWelfareOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    answers = models.JSONField(default=dict, blank=True)
    content = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    content_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["reporter", "status"]),
            models.Index(fields=["office", "status"]),
            # The reports whose content is still kept, by office: the child-welfare inbox lists only those
            # (selectors.inbox_page), a month's worth among every report the office ever had.
            models.Index(
                fields=["office"],
                name="concerns_report_kept",
                condition=models.Q(content_deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"

    @property
    def current_state(self) -> "ConcernState | None":
        states = list(self.states.all())
        return states[-1] if states else None


class ConcernState(models.Model):
    """One step of the report's delivery, named as KS names them, with its time."""

    class State(models.TextChoices):
        AKSEPTERT = "AKSEPTERT", _("Mottatt av DigiSos")
        SENDT_FAGSYSTEM = "SENDT_FAGSYSTEM", _("Sendt til barneverntjenesten")
        AVVIST_FAGSYSTEM = "AVVIST_FAGSYSTEM", _("Barneverntjenesten kunne ikke ta imot meldingen digitalt")
        SENDT_PRINT = "SENDT_PRINT", _("Sendt som brev til barneverntjenesten")
        LEVERT = "LEVERT", _("Levert til barneverntjenesten")

    report = models.ForeignKey(ConcernReport, on_delete=models.CASCADE, related_name="states")
    state = models.CharField(max_length=20, choices=State.choices)
    at = models.DateTimeField()
    # Free text for the operators (e.g. the case system's failure message); never shown to the reporter.
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "state"], name="concerns_state_once_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.at:%Y-%m-%d %H:%M}"


class ConcernDelivery(AttemptedDelivery):
    """The hand-over of one sent report to its office: files encrypted to the receiver, attempts, collection.

    One of the kinds of delivery the exchange carries (registered in apps.py; digisos.exchange.delivery_kinds):
    its attempts, retries and collection are the exchange's (AttemptedDelivery, exchange/services/attempts.py).
    Its own table all the same: another receiver (an office, not a municipality), another client and scope,
    and the exchange must not depend on this app.
    """

    KIND = "bekymringsmelding"

    # The data flow it is (digisos.core.dataflows; tests/followup/test_dataflow_register.py).
    FLOW = "delivery.bekymringsmelding"

    report = models.OneToOneField(ConcernReport, on_delete=models.CASCADE, related_name="delivery")
    office = models.ForeignKey(ChildWelfareOffice, on_delete=models.PROTECT, related_name="deliveries")
    # Copied from the office when the report is sent: a later change of channel does not move it.
    channel = models.CharField(max_length=10, choices=ChildWelfareOffice.Channel.choices)
    # The case system's failure message (KS feilet: feilmelding.json), for the operators.
    failure_message = models.TextField(blank=True, default="")
    # When it went out as a letter (not acknowledged in time, or refused).
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["office", "status", "id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.get_status_display()})"

    def delivery_kind(self) -> str:
        return self.KIND


class ConcernDeliveredFile(models.Model):
    """One encrypted file of a delivery: bekymringsmelding.json, bekymringsmelding.pdf or the ASiC-E."""

    class Role(models.TextChoices):
        JSON = "json", "bekymringsmelding.json"
        PDF = "pdf", "bekymringsmelding.pdf"
        ASICE = "asice", "ASiC-E"

    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(ConcernDelivery, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=10, choices=Role.choices)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=300)
    # Which key it is encrypted to: the office's certificate (case system) or the platform's key (inbox).
    key_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["delivery_id", "id"]

    def __str__(self) -> str:
        return self.filename


class OfficeAlert(models.Model):
    """One alert e-mail (no content) to an office about reports it has not acknowledged; at most three a day."""

    office = models.ForeignKey(ChildWelfareOffice, on_delete=models.CASCADE, related_name="alerts")
    sent_at = models.DateTimeField()
    unacknowledged = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["office", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.office} {self.sent_at:%Y-%m-%d %H:%M}"


class ChildWelfareStaff(models.Model):
    """Which offices an employee with the child-welfare role serves: only they see those offices' reports.

    Keyed by the employee's DigiSos username (employee-<sub> from the employee login), so operators can
    assign an office before the person's first login.
    """

    username = models.CharField(_("brukernavn"), max_length=150)
    office = models.ForeignKey(ChildWelfareOffice, on_delete=models.CASCADE, related_name="staff")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "office"], name="concerns_staff_once")]
        verbose_name = _("ansatt i barneverntjenesten")
        verbose_name_plural = _("ansatte i barneverntjenesten")

    def __str__(self) -> str:
        return f"{self.username} – {self.office}"
