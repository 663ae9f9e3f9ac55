"""Municipalities, NAV offices, routing areas and KS Fiks KommuneInfo-style service flags."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class County(models.Model):
    number = models.CharField(primary_key=True, max_length=2)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Municipality(models.Model):
    kommunenummer = models.CharField(primary_key=True, max_length=4)
    name = models.CharField(max_length=100)
    official_name = models.CharField(max_length=150, blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateField()
    # A municipality missing from a newer data file is kept (applications point to it) but marked inactive.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "kommunenummer"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return f"{self.kommunenummer} {self.name}"

    # A municipality without a service configuration offers nothing digitally.
    @property
    def accepts_applications(self) -> bool:
        service = getattr(self, "service", None)
        return service is not None and service.accepts_applications

    @property
    def shows_status(self) -> bool:
        service = getattr(self, "service", None)
        return service is not None and service.shows_status


class NavOffice(models.Model):
    enhetsnummer = models.CharField(primary_key=True, max_length=4)
    name = models.CharField(max_length=150)
    # False where the source says the unit was probably closed or merged after 2020.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("NAV-kontor")
        verbose_name_plural = _("NAV-kontor")

    def __str__(self) -> str:
        return f"{self.enhetsnummer} {self.name}"


class GeographicArea(models.Model):
    """A geografisk tilknytning: a municipality (4 digits) or a district (bydel, 6 digits) and its office."""

    code = models.CharField(primary_key=True, max_length=6)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="areas")
    is_district = models.BooleanField(default=False)
    office = models.ForeignKey(NavOffice, on_delete=models.PROTECT, related_name="areas", null=True)
    # True only where the source maps this area to an office that still exists.
    verified = models.BooleanField(default=False)
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MarkaStreetRule(models.Model):
    """Oslo Marka (bydel 030117) has no office; NAV moves its addresses to a district street by street."""

    street_code = models.CharField(max_length=5, db_index=True)
    street_name = models.CharField(max_length=100)
    from_number = models.PositiveIntegerField()
    to_number = models.PositiveIntegerField()
    parity = models.CharField(max_length=4, choices=[("ODD", "ODD"), ("EVEN", "EVEN"), ("ALL", "ALL")])
    district_code = models.CharField(max_length=6)

    def __str__(self) -> str:
        return f"{self.street_name} {self.from_number}-{self.to_number} {self.parity} → {self.district_code}"


class PostalCode(models.Model):
    postnummer = models.CharField(primary_key=True, max_length=4)
    poststed = models.CharField(max_length=100)
    kommunenummer = models.CharField(max_length=4)

    def __str__(self) -> str:
        return f"{self.postnummer} {self.poststed}"


def accepts_applications_q(path: str = "") -> Q:
    """The rule of ServiceConfiguration.accepts_applications as a filter; `path` leads from the queried
    model to the configuration ("" on ServiceConfiguration, "service" on Municipality, "municipality__service"
    on a model with a municipality)."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}can_receive_applications": True, f"{prefix}receiving_temporarily_disabled": False})


def accepts_applications(*, can_receive_applications: bool, receiving_temporarily_disabled: bool) -> bool:
    """The rule of ServiceConfiguration.accepts_applications on its two flags, for a caller that read the flags
    as values (municipalities.selectors.digital_status)."""
    return can_receive_applications and not receiving_temporarily_disabled


def status_shown(*, can_update_status: bool, updates_temporarily_disabled: bool) -> bool:
    """The rule of ServiceConfiguration.shows_status on its two flags, for a caller that read the flags as
    values (the exchange's report reads them in its locking SELECT)."""
    return can_update_status and not updates_temporarily_disabled


def shows_status_q(path: str = "") -> Q:
    """The rule of ServiceConfiguration.shows_status as a filter (see accepts_applications_q for `path`)."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}can_update_status": True, f"{prefix}updates_temporarily_disabled": False})


class ServiceConfigurationQuerySet(models.QuerySet):
    def accepting_applications(self) -> "ServiceConfigurationQuerySet":
        return self.filter(accepts_applications_q())

    def showing_status(self) -> "ServiceConfigurationQuerySet":
        return self.filter(shows_status_q())


class ServiceConfiguration(models.Model):
    """What a municipality offers digitally, as KS Fiks KommuneInfo has it, plus where paper goes."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="service"
    )
    can_receive_applications = models.BooleanField(_("kan motta søknader"), default=True)
    can_update_status = models.BooleanField(_("kan oppdatere status (innsyn)"), default=True)
    receiving_temporarily_disabled = models.BooleanField(_("mottak midlertidig deaktivert"), default=False)
    updates_temporarily_disabled = models.BooleanField(
        _("oppdateringer midlertidig deaktivert"), default=False
    )
    paper_address = models.TextField(_("adresse for papirsøknad"), blank=True)
    paper_contact_phone = models.CharField(_("telefon"), max_length=30, blank=True)
    paper_contact_email = models.EmailField(_("e-post"), blank=True)
    contact_note = models.TextField(_("merknad til innbyggerne"), blank=True)
    # The rest of KS's Digisos configuration (digisos-konfigurasjon-api-v1: brukerFiksIO, fiksIOKontoId,
    # organisasjonsnummerSvarUt, kontaktpersoner, nksTilgang, behandlingsansvarlig), set during onboarding.
    channel = models.CharField(
        _("kanal"),
        max_length=10,
        blank=True,
        choices=[("fiks_io", "Fiks IO"), ("svarut", "SvarUt"), ("inbox", _("Innboksen i DigiSos"))],
    )
    fiks_io_account_id = models.CharField(_("Fiks IO-konto"), max_length=36, blank=True)
    svarut_organisation_number = models.CharField(
        _("organisasjonsnummer for SvarUt"), max_length=9, blank=True
    )
    # One address a line; KS asks for at least one of each.
    fagansvarlig_emails = models.TextField(_("e-post til fagansvarlig"), blank=True)
    teknisk_ansvarlig_emails = models.TextField(_("e-post til teknisk ansvarlig"), blank=True)
    nks_access = models.BooleanField(_("NKS kan se søknadene"), default=False)
    behandlingsansvarlig = models.CharField(
        _("behandlingsansvarlig (vertskommune)"), max_length=100, blank=True
    )
    # Test mode while the municipality is in "integration and test" (onboarding): receiving stays off for
    # citizens, but synthetic test persons may send to it so the case system can be tested end to end.
    test_mode = models.BooleanField(_("testmodus (bare testpersoner)"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceConfigurationQuerySet.as_manager()

    FLAG_FIELDS = (
        "can_receive_applications",
        "can_update_status",
        "receiving_temporarily_disabled",
        "updates_temporarily_disabled",
        "paper_address",
        "paper_contact_phone",
        "paper_contact_email",
        "contact_note",
        "channel",
        "fiks_io_account_id",
        "svarut_organisation_number",
        "fagansvarlig_emails",
        "teknisk_ansvarlig_emails",
        "nks_access",
        "behandlingsansvarlig",
        "test_mode",
    )

    class Meta:
        verbose_name = _("tjenesteoppsett")
        verbose_name_plural = _("tjenesteoppsett")

    def __str__(self) -> str:
        return str(self.municipality)

    # The one home of the two rules (KS Fiks KommuneInfo): a municipality takes applications and documents
    # digitally, and the applicant follows the case online, only while the service is on and not paused.
    # accepts_applications_q / shows_status_q are the same rules for queries; keep the two in step.
    @property
    def accepts_applications(self) -> bool:
        return accepts_applications(
            can_receive_applications=self.can_receive_applications,
            receiving_temporarily_disabled=self.receiving_temporarily_disabled,
        )

    @property
    def shows_status(self) -> bool:
        return status_shown(
            can_update_status=self.can_update_status,
            updates_temporarily_disabled=self.updates_temporarily_disabled,
        )


class DataLoad(models.Model):
    kind = models.CharField(max_length=40)
    source = models.CharField(max_length=300)
    checksum = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"

    def __str__(self) -> str:
        return f"{self.kind} {self.loaded_at:%Y-%m-%d %H:%M}"
