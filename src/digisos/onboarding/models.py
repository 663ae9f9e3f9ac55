"""A municipality's path to digital søknad (påkobling): its stage, the people in each role, invitations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    # The published order of the steps (services-onboarding-statistics.md §B.2), then life after go-live.
    DECISION = "decision", _("Beslutning")
    AGREEMENTS = "agreements", _("Avtaler")
    CONFIGURATION = "configuration", _("Oppsett")
    INTEGRATION = "integration", _("Integrasjon og test")
    GO_LIVE = "go_live", _("Opplæring og dato for oppstart")
    LIVE = "live", _("I drift")
    CLOSED = "closed", _("Midlertidig stengt")
    LEFT = "left", _("Avsluttet")


class Role(models.TextChoices):
    KOMMUNEDIREKTOR = "kommunedirektor", _("Kommunedirektør")
    LOCAL_ADMINISTRATOR = "local_administrator", _("Lokal administrator")
    FAGANSVARLIG = "fagansvarlig", _("Fagansvarlig")
    TEKNISK_ANSVARLIG = "teknisk_ansvarlig", _("Teknisk ansvarlig")
    VENDOR = "vendor", _("Leverandør av fagsystemet")
    NAV_OFFICE_LEADER = "nav_office_leader", _("Leder for NAV-kontoret")
    OPERATOR = "operator", _("DigiSos-operatør")


class Onboarding(models.Model):
    """One municipality's onboarding: where it is on the path. Written only by onboarding.services."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="onboarding"
    )
    # The municipality as a legal person (Enhetsregisteret, Altinn): whose rights let a person act for it.
    organisation_number = models.CharField(_("organisasjonsnummer"), max_length=9)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DECISION)
    stage_entered_at = models.DateTimeField()
    # The date the municipality asks to go live (booked ≥ 3 weeks ahead) and whether the operator approved it.
    go_live_date = models.DateField(null=True, blank=True)
    go_live_approved_at = models.DateTimeField(null=True, blank=True)
    # The day the flags were switched on (go_live_date, or later if a tick was still missing on that day):
    # where "after go-live" begins when the statistics compare a month with the baseline.
    went_live_on = models.DateField(null=True, blank=True)
    training_date = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    # The wait (its stage_entered_at) whose owner was last reminded: one reminder per wait.
    reminded_wait = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("påkobling")
        verbose_name_plural = _("påkoblinger")
        ordering = ["municipality__name"]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.get_stage_display()}"


class ChecklistTick(models.Model):
    """A checklist item someone marked done. Items the system can see for itself are not stored."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="ticks")
    key = models.CharField(max_length=50)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["onboarding", "key"], name="onboarding_tick_once")]

    def __str__(self) -> str:
        return self.key


class RoleAssignment(models.Model):
    """A person holding a role for a municipality, given by invitation. The kommunedirektør's own role comes
    from the authorisation register (Altinn) at each action and is never stored here."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The contact address the role's mail goes to (reminders, go-live); never the pid.
    email = models.EmailField()
    name = models.CharField(max_length=150)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "role", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="onboarding_role_held_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class Invitation(models.Model):
    """A role offered by e-mail. Only the token's hash is stored; the link in the mail carries the token."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    email = models.EmailField()
    name = models.CharField(max_length=150)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class Agreement(models.Model):
    """One agreement of one municipality: the PDF made for it and, once signed, the signed PDF (PAdES).

    The signed PDF must begin with the exact bytes of the PDF made for it (a PAdES signature is appended),
    so an upload proves it is this agreement and not another document."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(max_length=40)
    unsigned_pdf = models.BinaryField()
    prepared_at = models.DateTimeField()
    signed_pdf = models.BinaryField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # The name in the signing certificate, as verified when the signed PDF was stored.
    signer_name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["onboarding", "kind"], name="onboarding_agreement_once")
        ]

    def __str__(self) -> str:
        return self.kind


class Baseline(models.Model):
    """The municipality's nullpunktsmåling: how applications were handled before digital søknad, measured
    before go-live so that benefits can be followed against it afterwards (gevinstrealisering).

    Monthly figures are averages over the measured period. The optional figures stay empty when the
    municipality has no count of them: no comparison is shown for a figure without a baseline, which is
    more honest than a guess. Written only by onboarding.services.record_baseline (audited); fixed at go-live
    except for a correction by a DigiSos operator."""

    onboarding = models.OneToOneField(Onboarding, on_delete=models.CASCADE, related_name="baseline")
    # All applications for økonomisk sosialhjelp (paper and any digital) in an average month.
    applications_per_month = models.PositiveIntegerField()
    # The share of them that arrived digitally, in per cent (0 for most municipalities before DigiSos).
    digital_share_percent = models.DecimalField(max_digits=4, decimal_places=1)
    # Staff minutes to register or scan one paper application into the case system.
    minutes_per_paper_application = models.DecimalField(max_digits=5, decimal_places=1)
    office_visits_per_month = models.PositiveIntegerField(null=True, blank=True)
    phone_calls_per_month = models.PositiveIntegerField(null=True, blank=True)
    # Median calendar days from an application arriving to its decision (for "faster decisions").
    days_to_decision = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # Who measured, how and when (the period the figures describe).
    measured_by = models.CharField(max_length=200)
    method = models.TextField(max_length=2000)
    measured_from = models.DateField()
    measured_to = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nullpunktsmåling")
        verbose_name_plural = _("nullpunktsmålinger")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digital_share_percent__gte=0, digital_share_percent__lte=100),
                name="onboarding_baseline_share_is_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_per_paper_application__gt=0),
                name="onboarding_baseline_minutes_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(measured_to__gte=models.F("measured_from")),
                name="onboarding_baseline_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.onboarding_id} {self.measured_from}–{self.measured_to}"
