"""Follow-up: every employee access decision (kept for the citizen and the supervisory authority) and the
municipalities' NKS agreement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessDecision(models.Model):
    """One look's answer of the access policy (followup.policy.decide), PERMIT or DENY, as written to the CEF
    audit log: one row for every kind of data the look asked about that got the same answer. Append-only: written by followup.services.check_access, never updated; deleted after the
    retention the data-flow register states for "audit.lookups"."""

    class Outcome(models.TextChoices):
        PERMIT = "PERMIT", _("Tilgang gitt")
        DENY = "DENY", _("Tilgang nektet")

    at = models.DateTimeField(db_index=True)
    # Who: the employee's ident (NAV-ident from the employee token, else the username), role and unit.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_ident = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=40, blank=True)
    actor_kommunenummer = models.CharField(max_length=4, blank=True)
    actor_enhetsnummer = models.CharField(max_length=4, blank=True)
    # Whose: the person looked up. The audit is the one place a fødselsnummer is written besides the case.
    subject_pid = models.CharField(max_length=11)
    purpose = models.CharField(max_length=40, blank=True)
    # One row per look (per answer of the look: every kind it asked had the same answer, as a rule): the kinds of
    # data and their flows, comma-separated in the order the view asked ("cases,payments,documents").
    data_kind = models.CharField(max_length=200)
    flow = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=6, choices=Outcome.choices)
    reason = models.CharField(max_length=40)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # The citizen's page lists their own records, newest first.
        indexes = [models.Index(fields=["subject_pid", "-at"], name="followup_access_subject_idx")]
        verbose_name = _("tilgangsbeslutning")
        verbose_name_plural = _("tilgangslogg")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_ident} {self.outcome} {self.reason}"


class NksAgreement(models.Model):
    """Whether the municipality has let NAV Kontaktsenter see its cases (KS Fiks KommuneInfo's
    `harNksTilgang` under the samarbeidsavtale). No row is "no agreement": the NKS view is closed."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    active = models.BooleanField(_("NKS-tilgang"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("NKS-avtale")
        verbose_name_plural = _("NKS-avtaler")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {'på' if self.active else 'av'}"


class ProtectedAccessGrant(models.Model):
    """An employee's special authorisation to see persons with address protection at one level: fortrolig
    (kode 7) or strengt fortrolig (kode 6, also utland). Without one, the access policy denies every look at a
    protected person (followup.policy); with one, the look is permitted on the same conditions as any other
    (purpose, relation to the office or municipality, skjerming) and audited as such.

    NAV does the same with one Entra ID group per level (0000-GA-Fortrolig_Adresse and
    0000-GA-Strengt_Fortrolig_Adresse; e.g. Modia personoversikt's TilgangTilBrukerMedKode6Policy, docs/privacy.md):
    one level does not imply the other. Granted and withdrawn by an operator in the admin, never edited nor
    deleted: a withdrawal stamps `withdrawn_at`, so the history of who could see whom stays for the supervisor.
    Both are written to the audit (followup.services). The policy reads the grants at every look, so a
    withdrawal takes effect at the next look, not at the next login."""

    class Level(models.TextChoices):
        FORTROLIG = "fortrolig", _("Fortrolig adresse (kode 7)")
        STRENGT_FORTROLIG = "strengt_fortrolig", _("Strengt fortrolig adresse (kode 6)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansatt"),
        limit_choices_to={"kind": "employee"},
    )
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    reason = models.CharField(
        _("begrunnelse"),
        max_length=500,
        help_text=_(
            "Hvorfor den ansatte trenger tilgangen, for eksempel hvilken enhet eller hvilket vedtak."
        ),
    )
    granted_at = models.DateTimeField(_("gitt"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            # At most one grant in force per employee and level; its index is the one the policy reads.
            models.UniqueConstraint(
                fields=["user", "level"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="followup_one_active_protected_grant",
            )
        ]
        verbose_name = _("særskilt tilgang til adressebeskyttede")
        verbose_name_plural = _("særskilte tilganger til adressebeskyttede")

    def __str__(self) -> str:
        state = "trukket" if self.withdrawn_at else "aktiv"
        return f"{self.user_id} {self.level} ({state})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
