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
