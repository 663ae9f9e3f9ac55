"""The standardised interface: cases (DigisosSak), deliveries to case systems, and their credentials."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digisos.application.models import Application
from digisos.documents.models import Document, Folder
from digisos.soker.statuses import OPEN_STATUSES


class Receiver(models.Model):
    """How a municipality receives: through its case system over the API, or in the manual inbox.

    A municipality without a row uses the manual inbox; connecting a case system is adding a certificate
    and a client, no deployment.
    """

    class Channel(models.TextChoices):
        API = "api", _("Fagsystem via API")
        INBOX = "inbox", _("Manuell innboks")

    # The column keeps its name (kommunenummer). The receiver is the municipality's setting, as its
    # ServiceConfiguration is: it goes with the municipality.
    municipality = models.OneToOneField(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="kommunenummer",
        related_name="receiver",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.INBOX)
    # X.509 (PEM) the municipality's deliveries are encrypted to; its case system holds the private key.
    certificate_pem = models.TextField(blank=True)
    # Where "something new in the inbox" is mailed (a shared address, never personal data in the mail).
    inbox_email = models.EmailField(blank=True)
    inbox_notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.municipality_id} ({self.get_channel_display()})"


class ApiClient(models.Model):
    """A case system's machine credentials for one municipality (Maskinporten-style JWT grant)."""

    client_id = models.CharField(max_length=100, unique=True)
    # The column keeps its name (kommunenummer). Credentials are removed on purpose, never with a municipality.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        db_column="kommunenummer",
        related_name="api_clients",
    )
    name = models.CharField(max_length=200)
    # Verifies the client's signed assertions (RS256/ES256, PEM public key).
    public_key_pem = models.TextField()
    scopes = models.CharField(max_length=300, default="exchange:collect exchange:report")
    active = models.BooleanField(default=True)
    # Acts as this user in audit entries and as uploader of its letters.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality_id})"


class UsedAssertion(models.Model):
    """A client assertion's jti, kept until it expires so the same signed JWT cannot be replayed."""

    key = models.CharField(primary_key=True, max_length=300)  # client_id + jti
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class Case(models.Model):
    """One DigisosSak: an application (or a paper one the case system registered) and its case events."""

    # The data flow of what the case system reports on the case, for the applicant (digisos.core.dataflows).
    FLOW = "citizen.innsyn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # fiksDigisosId
    # Columns keep their names (kommunenummer, enhetsnummer) and values. A case is a record of what happened:
    # its municipality and office can never be deleted from under it. The index below leads with the
    # municipality, so the foreign key needs no index of its own.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        db_column="kommunenummer",
        db_index=False,
        related_name="cases",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    # The office handling it, from the application's routing or the case system's paper case; NULL before an
    # office is assigned. Offices are only read through it (never listed), so no index.
    office = models.ForeignKey(
        "municipalities.NavOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="enhetsnummer",
        db_index=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The current digisos-soker.json, replaced whole by each post, and what identifies it.
    soker = models.JSONField(null=True, blank=True)
    soker_sha256 = models.CharField(max_length=64, blank=True, default="")
    soker_latest_event_at = models.CharField(max_length=40, blank=True, default="")
    soker_updated_at = models.DateTimeField(null=True, blank=True)
    # Letters the case system uploads (vedtak, requests, foreløpig svar), readable by the applicant.
    letters = models.OneToOneField(
        Folder, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    # Who applied, as Folkeregisteret named the person in the application ("" for a paper case, whose
    # applicant is named by their own login): set once when the case is made from the sent application (the
    # application's register snapshot never changes after), so that the caseworker's list shows it from a
    # column instead of reading three keys out of every listed application's register snapshot.
    applicant_name = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "created_at"], name="exchange_ca_kommune_1742f5_idx"),
            # The statistics' hourly update asks which cases changed since its last run (every report and send
            # moves updated_at): without it, every case is read at each run. (The owner's own index is the
            # foreign key's.)
            models.Index(fields=["updated_at"], name="exchange_case_updated_idx"),
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_paper(self) -> bool:
        return self.application_id is None


class CaseState(models.Model):
    """The stored case read model: the case's digisos-soker.json folded, written in the transaction that
    stores a report (see exchange/case_state.py). Innsyn, the inbox, kort søknad and the deadline reminder read
    these columns instead of folding; the folded CaseView for the case page is stored in parts, each once
    (case_state.page_columns; case_state.joined_view puts it together)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="state")
    # The case's municipality (it never changes), copied here so that follow-up's work queues filter the read
    # model by municipality from its own indexes below: without it, the overdue requests' count joined every
    # overdue case of every municipality to its case to keep the municipality's own.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        db_column="kommunenummer",
        db_index=False,
        related_name="+",
    )
    # When the case was created (Case.created_at, its receipt: it never changes), copied for the same reason: the
    # § 11a queue (open, no foreløpig svar, received over a month ago) is then a range of one partial index of
    # this table, with no join to the case whose best order depended on the data, so that PostgreSQL keeps one
    # plan for the queues' statement instead of planning it at every request (followup/queues.py).
    case_created_at = models.DateTimeField()
    status = models.CharField(max_length=30)  # soknadsStatus as the fold has it (SENDT before any report)
    # The office handling it now, as the case system reported it (tildeltNavKontor), or the case's own. Text,
    # not a foreign key to NavOffice, on purpose: the office register is a dated snapshot (NORG 2020 with the
    # source's guesses for 2025), and refusing a whole report because it names an office the snapshot lacks
    # would hide every later change from the applicant. A name is shown where the register knows the office.
    office = models.CharField(max_length=8, blank=True, default="")
    last_event_at = models.DateTimeField(null=True, blank=True)
    open_tasks = models.PositiveIntegerField(default=0)  # documents the caseworker asked for
    application_tasks = models.PositiveIntegerField(
        default=0
    )  # the application's own, shown its first 30 days
    next_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    # The caseworker's task deadlines' first and last: a reminder window holds one only if it overlaps these.
    first_task_deadline = models.DateTimeField(null=True, blank=True)
    last_task_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    requirement_deadline = models.DateTimeField(null=True, blank=True)  # the latest dokumentasjonkrav frist
    decisions = models.JSONField(default=list)  # [{sak, title, outcome, at}]
    last_payment_date = models.DateField(null=True, blank=True)  # the newest UTBETALT payment
    last_payment_amount = models.FloatField(null=True, blank=True)
    next_planned_payment_date = models.DateField(null=True, blank=True)  # the earliest planned payment
    planned_payment_dates = models.JSONField(default=list)  # every planned payment's date, for kort søknad
    # When the first foreløpig svar was given (forvaltningsloven § 11a): follow-up's queue of cases past one
    # month without one reads this instead of every case's history.
    preliminary_answer_at = models.DateTimeField(null=True, blank=True)
    # The folded view in parts, each stored once (case_state.page_columns): the view without payments and
    # history, the payments, the newest history entries, the entries before them, and the counts, so that a
    # page reads only what it shows and a report sends no part of its fold twice.
    page_view = models.JSONField(default=dict)
    payments = models.JSONField(default=list)
    recent_history = models.JSONField(default=list)
    earlier_history = models.JSONField(default=list)  # the history before recent_history, oldest first
    payment_count = models.PositiveIntegerField(default=0)
    history_count = models.PositiveIntegerField(default=0)
    # The parts of the view the statistics read (case_state.statistics_view): a rebuild reads this, not the view.
    statistics_view = models.JSONField(default=dict)
    # The parts of the view follow-up's person overview reads (case_state.followup_view): requests, conditions,
    # letters' titles and the assistance paid per month, for a person's many cases at once.
    followup_view = models.JSONField(default=dict)
    source_sha256 = models.CharField(max_length=64, blank=True, default="")  # the Case.soker_sha256 folded

    class Meta:
        indexes = [
            # Follow-up's § 11a queue: the municipality's open cases without a foreløpig svar, a small part of
            # all cases once most are decided, by when each was received (the count an index-only range, the
            # page the range's first rows in order).
            models.Index(
                fields=["municipality", "case_created_at"],
                name="exchange_casestate_11a",
                condition=models.Q(preliminary_answer_at__isnull=True, status__in=OPEN_STATUSES),
            ),
            # Follow-up's queue of requests past their deadline: the municipality's cases with an open request,
            # by their next deadline (the count an index-only range, the page the range's first rows in order).
            models.Index(
                fields=["municipality", "next_deadline"],
                name="exchange_casestate_overdue",
                condition=models.Q(open_tasks__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.status}"


class CaseItem(models.Model):
    """One item of a case's lists as the caseworker's person overview lists them (exchange/case_items.py): a
    decision, an open request, a condition, a letter's title, a payment, the assistance paid in a month, or an
    attachment's name (a delivered file of role "vedlegg").

    Part of the case read model, not a cache: written with the case's CaseState in the same statement, from the
    same fold (services.reporting), rebuilt by `rebuild_case_state`. Keyed to the person (the case's owner, which
    never changes) and ordered as the overview's panels order them, so that a panel of a person's 200 cases is an
    index range read of its first rows, not 200 cases' stored lists unpacked on every look."""

    class Kind(models.TextChoices):
        DECISION = "decision"
        REQUEST = "request"
        CONDITION = "condition"
        LETTER = "letter"
        PAYMENT = "payment"
        MONTH = "month"
        # An attachment's name, written with its delivery's files (services.case_items.write_file_items), not
        # with the case's CaseState: a report or a rebuild leaves these alone.
        FILE = "file"

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # The case's owner and creation time, which never change: the person's key and the panels' tie-break
    # (newest case first), copied here so that each panel reads in order from one index.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    case_created_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField()  # its place in the case's own list
    # The panel's order, never NULL (a missing time sorts as the panel sorts a NULL: last): a decision's time,
    # a request's deadline, a payment's day, a month's first day, an attachment's delivery's creation; one
    # constant for conditions and letters.
    rank_at = models.DateTimeField()
    at = models.DateTimeField(null=True, blank=True)  # a decision's time, a request's deadline
    day = models.DateField(null=True, blank=True)  # a payment's day, a month's first day
    # A decision's sak title, a request's document type, a condition's or letter's title, a payment's description,
    # an attachment's file name.
    title = models.TextField(blank=True, default="")
    status = models.TextField(blank=True, default="")  # outcome, condition's or payment's status
    amount = models.FloatField(null=True, blank=True)  # a payment's, or the month's sum
    recipient = models.TextField(blank=True, default="")
    account = models.TextField(blank=True, default="")  # "" when someone else is paid

    class Meta:
        indexes = [
            # Every panel but the requests: the person's items of one kind, newest (decisions, payments) or the
            # newest case's (conditions, letters) first; the months a range of rank_at. `case` in it makes each
            # panel's count an index-only read.
            models.Index(
                fields=["owner", "kind", "-rank_at", "-case_created_at", "case", "position"],
                name="exchange_caseitem_panel",
            ),
            # The months' sums: a range of the person's months read from the index alone (key columns, not
            # INCLUDE, which the quick start's SQLite lacks).
            models.Index(
                fields=["owner", "rank_at", "case", "amount", "day"],
                name="exchange_caseitem_months",
                condition=models.Q(kind="month"),
            ),
            # The requests, soonest deadline first.
            models.Index(
                fields=["owner", "rank_at", "-case_created_at", "case", "position"],
                name="exchange_caseitem_requests",
                condition=models.Q(kind="request"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.position}"


def inbox_rank() -> models.Case:
    """0 for a new delivery, 1 for one the caseworker has received: the manual inbox lists new ones first.

    The inbox's index (Delivery.Meta) is built on this very expression, so that the list's first page is read
    in order from the index instead of sorting every delivery the municipality ever had."""
    return models.Case(
        models.When(status="available", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


# What the manual inbox shows: deliveries waiting to be received and those received.
INBOX_STATUSES = ("available", "collected")


class AttemptedDelivery(models.Model):
    """What every kind of delivery the exchange carries has (digisos.exchange.delivery_kinds): its attempts,
    retries and states, which services/attempts.py runs the same way for each. A kind's own model adds who
    receives it and what it holds."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Venter")
        AVAILABLE = "available", _("Klar til henting")
        COLLECTED = "collected", _("Mottatt")
        FAILED = "failed", _("Feilet")

    # The auto id orders deliveries and is the listing cursor; the uuid is what clients see.
    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def delivery_kind(self) -> str:
        """The registered kind this row is (digisos.exchange.delivery_kinds), for metrics and logs."""
        raise NotImplementedError


class Delivery(AttemptedDelivery):
    """One hand-over to the municipality: the application, or an ettersendelse, with its files."""

    class Kind(models.TextChoices):
        SOKNAD = "soknad", _("Søknad")
        ETTERSENDELSE = "ettersendelse", _("Ettersendelse")

    # The data flow each kind of delivery is (digisos.core.dataflows); a new kind without one fails
    # tests/followup/test_dataflow_register.py.
    FLOWS = {Kind.SOKNAD: "delivery.soknad", Kind.ETTERSENDELSE: "delivery.ettersendelse"}

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The column keeps its name (kommunenummer); the indexes below lead with it.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        db_column="kommunenummer",
        db_index=False,
        related_name="deliveries",
    )
    channel = models.CharField(max_length=10, choices=Receiver.Channel.choices)
    nav_ekstern_ref_id = models.CharField(max_length=60, unique=True)
    # The documents delivered (the application's folder, or the ettersendelse's) and the vedlegg.json.
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, related_name="deliveries")
    vedlegg_json = models.JSONField()
    cover = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "status", "id"], name="exchange_de_kommune_48e983_idx"),
            models.Index(fields=["status", "next_attempt_at"]),
            # The manual inbox's list in its order (selectors.inbox_deliveries): a page costs the same with
            # 10 deliveries as with 10,000.
            models.Index(
                models.F("municipality"),
                models.F("channel"),
                inbox_rank(),
                models.F("available_at").desc(),
                models.F("id").desc(),
                name="exchange_delivery_inbox_order",
                condition=models.Q(status__in=INBOX_STATUSES),
            ),
            # How many new deliveries wait in the manual inbox (counted to a cap on every page of the list):
            # read from this index alone (an Index Only Scan of a few pages), not the 1,000 heap rows the order
            # index above points to, since its rank is an expression an index-only scan cannot check.
            models.Index(
                fields=["municipality"],
                name="exchange_delivery_inbox_new",
                condition=models.Q(channel="inbox", status="available"),
            ),
            # Follow-up's work queues (followup/queues.py): the municipality's applications waiting to be
            # received since a time, and its documents sent later not yet received, each read as a range in
            # the order the queue lists them, instead of every available delivery of the municipality.
            models.Index(
                fields=["municipality", "kind", "status", "available_at"], name="exchange_delivery_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    def delivery_kind(self) -> str:
        return self.kind


class DeliveredFile(models.Model):
    """One file of a delivery, encrypted (CMS) to the receiving municipality's certificate."""

    class Role(models.TextChoices):
        SOKNAD_JSON = "soknad.json", "soknad.json"
        VEDLEGG_JSON = "vedlegg.json", "vedlegg.json"
        SOKNAD_PDF = "soknad.pdf", "soknad.pdf"
        ETTERSENDELSE_PDF = "ettersendelse.pdf", "ettersendelse.pdf"
        VEDLEGG = "vedlegg", "vedlegg"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=20, choices=Role.choices)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()  # of the encrypted file, what a download sends
    storage_name = models.CharField(max_length=200, unique=True)
    # Retention: the encrypted copy is deleted a while after the case system collected it (the row stays).
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "position"], name="file_once_per_position")
        ]

    def __str__(self) -> str:
        return self.filename


# What an operator may change on a case system's client and on a municipality's receiver (audited with
# before and after by services.change_client / change_receiver).
CLIENT_FIELDS = ("client_id", "municipality_id", "name", "public_key_pem", "scopes", "active")
RECEIVER_FIELDS = ("channel", "certificate_pem", "inbox_email")

# The scopes a case system can be given, and what each lets it do.
SCOPES = {
    "exchange:collect": "hente søknader og ettersendelser, kvittere for mottak",
    "exchange:report": "sende saksoppdateringer (digisos-soker.json) og brev, registrere papirsøknader",
}
