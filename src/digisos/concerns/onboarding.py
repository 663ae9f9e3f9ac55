"""The child-welfare service in the onboarding pages: the municipality's local administrator turns it on and
sets each office's channel, alert e-mails, postal address and phones. Registered in onboarding's
service_registry from ConcernsConfig.ready() (onboarding sits below concerns and does not import it), lazily: this
module loads on the first onboarding page that lists or opens the service."""

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digisos.core.forms import TextField
from digisos.municipalities.models import Municipality
from digisos.onboarding.service_registry import MunicipalService, ServiceRefused, ServiceUnit

from .models import ChildWelfareOffice

# The onboarding pages import this module (through the lazy registration) on every list of services: the
# certificate reading (exchange.keys, with cryptography and asn1crypto), onboarding's selectors, the report forms
# (the register ports) and the audit service are imported in the functions that use them, not here.

KEY = "barnevern"
# What the audit entry keeps of an office, before and after (and the certificate by its fingerprint).
AUDITED = (
    "bydelsnavn",
    "channel",
    "alert_emails",
    "postal_address",
    "phone",
    "barnevernvakt_phone",
    "active",
)
MAX_ALERT_EMAILS = 10


class OfficeSettingsForm(forms.Form):
    active = forms.BooleanField(
        label=gettext_lazy("Ta imot bekymringsmeldinger digitalt til dette kontoret"), required=False
    )
    bydelsnavn = TextField(
        label=gettext_lazy("Navn på barneverntjenesten"),
        max_length=150,
        error_messages={"required": gettext_lazy("Skriv navnet på barneverntjenesten.")},
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Hvordan tar dere imot meldingene?"),
        choices=ChildWelfareOffice.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Velg om meldingene hentes av fagsystemet eller i innboksen.")
        },
    )
    alert_emails = TextField(
        label=gettext_lazy("E-post for varsel når en melding ikke er mottatt"),
        help_text=gettext_lazy(
            "Én adresse per linje. Varselet sier bare at en melding venter, aldri hva den gjelder."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    postal_address = TextField(
        label=gettext_lazy("Postadresse"),
        help_text=gettext_lazy(
            "Hit sendes meldingen som brev hvis ingen tar imot den digitalt innen to virkedager."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": gettext_lazy("Skriv postadressen til barneverntjenesten.")},
    )
    phone = TextField(label=gettext_lazy("Telefon i kontortiden"), max_length=30, required=False)
    barnevernvakt_phone = TextField(
        label=gettext_lazy("Telefon til barnevernvakten (utenom kontortid)"), max_length=30, required=False
    )

    certificate_pem = TextField(
        label=gettext_lazy("Sertifikat for kryptering (fra leverandøren av fagsystemet)"),
        help_text=gettext_lazy(
            "Trengs når fagsystemet skal hente meldingene: de krypteres til dette sertifikatet. Lim inn hele "
            "sertifikatet i PEM-format, fra -----BEGIN CERTIFICATE----- til -----END CERTIFICATE-----. La feltet "
            "stå tomt for å beholde det som er registrert."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_certificate_pem(self) -> str:
        pem = self.cleaned_data["certificate_pem"].replace("\r\n", "\n").strip()
        if not pem:
            return ""
        from digisos.exchange.keys import UnreadableKey, certificate_fingerprint

        try:
            certificate_fingerprint(pem)
        except UnreadableKey:
            raise ValidationError(
                _(
                    "Sertifikatet kan ikke leses. Lim inn hele sertifikatet i PEM-format, fra -----BEGIN "
                    "CERTIFICATE----- til -----END CERTIFICATE-----."
                ),
                code="certificate",
            ) from None
        return pem + "\n"

    def clean_alert_emails(self) -> list[str]:
        addresses = [line.strip() for line in self.cleaned_data["alert_emails"].splitlines() if line.strip()]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _(
                        "«%(address)s» er ikke en e-postadresse. Skriv én adresse per linje, som navn@kommune.no."
                    )
                    % {"address": address},
                    code="email",
                ) from None
        if len(addresses) > MAX_ALERT_EMAILS:
            raise ValidationError(_("Skriv høyst 10 adresser."), code="too_many")
        return addresses

    def _phone(self, name: str) -> str:
        from .forms import PHONE

        value = " ".join(self.cleaned_data[name].split())
        if value and not PHONE.match(value):
            raise ValidationError(
                _("Skriv telefonnummeret med siffer, for eksempel 55 36 11 80 eller +47 55 36 11 80."),
                code="phone",
            )
        return value

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_barnevernvakt_phone(self) -> str:
        return self._phone("barnevernvakt_phone")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("active"):
            # What the reporter and the fallbacks need once reports arrive.
            if "alert_emails" in data and not data["alert_emails"]:
                self.add_error(
                    "alert_emails", _("Skriv minst én e-postadresse for varsel før du slår på tjenesten.")
                )
            if "barnevernvakt_phone" in data and not data["barnevernvakt_phone"]:
                self.add_error(
                    "barnevernvakt_phone",
                    _("Skriv telefonnummeret til barnevernvakten, det vises til den som skal melde."),
                )
        return data


def _is_local_administrator(actor: AbstractBaseUser, kommunenummer: str) -> bool:
    from digisos.onboarding.selectors import is_local_administrator as is_administrator

    return is_administrator(actor, kommunenummer)


def _record_audit(**entry: Any) -> None:
    from digisos.core.services import record_audit as record

    record(**entry)


def _default_name(kommunenummer: str) -> str:
    municipality = Municipality.objects.filter(pk=kommunenummer).first()
    return _("Barneverntjenesten i %(name)s") % {"name": municipality.name} if municipality else ""


def units(kommunenummer: str) -> list[ServiceUnit]:
    """The municipality's offices; none yet: its standard receiver ("00", KS: no districts) to fill in."""
    offices = ChildWelfareOffice.objects.filter(municipality_id=kommunenummer).order_by(
        "-standard_receiver", "bydelsnummer"
    )
    found = [
        ServiceUnit(
            key=o.bydelsnummer,
            name=o.bydelsnavn,
            active=o.active,
            summary=o.get_channel_display(),
            removable=not o.standard_receiver,
        )
        for o in offices
    ]
    return found or [ServiceUnit(key="00", name=_default_name(kommunenummer), active=False)]


def initial(kommunenummer: str, bydelsnummer: str) -> dict[str, Any] | None:
    office = ChildWelfareOffice.objects.filter(
        municipality_id=kommunenummer, bydelsnummer=bydelsnummer
    ).first()
    if office is None:
        if bydelsnummer != "00" or ChildWelfareOffice.objects.filter(municipality_id=kommunenummer).exists():
            return None
        return {"bydelsnavn": _default_name(kommunenummer), "channel": ChildWelfareOffice.Channel.INBOX}
    values = {name: getattr(office, name) for name in AUDITED}
    values["alert_emails"] = "\n".join(office.alert_emails)
    return values


def configure_office(
    *, actor: AbstractBaseUser, kommunenummer: str, bydelsnummer: str, settings: dict[str, Any]
) -> ChildWelfareOffice:
    """Saves one office's settings for the municipality's local administrator (audited with before and after).

    A municipality's first office is its standard receiver ("00"). A case-system channel needs the office's
    certificate first (the vendor registers it), or reports could not be encrypted to it."""
    from digisos.exchange.keys import certificate_fingerprint

    if not _is_local_administrator(actor, kommunenummer):
        raise ServiceRefused(_("Bare den lokale administratoren for kommunen kan endre dette."))
    with transaction.atomic():
        office = (
            ChildWelfareOffice.objects.select_for_update()
            .filter(municipality_id=kommunenummer, bydelsnummer=bydelsnummer)
            .first()
        )
        if office is None:
            if (
                bydelsnummer != "00"
                or ChildWelfareOffice.objects.filter(municipality_id=kommunenummer).exists()
            ):
                raise ServiceRefused(_("Fant ikke dette kontoret."))
            office = ChildWelfareOffice(
                municipality_id=kommunenummer, bydelsnummer="00", standard_receiver=True
            )
            before: dict[str, Any] | None = None
        else:
            before = {name: getattr(office, name) for name in AUDITED}
            before["certificate"] = certificate_fingerprint(office.certificate_pem)
        if settings.get("certificate_pem"):
            office.certificate_pem = settings["certificate_pem"]
        if settings["channel"] == ChildWelfareOffice.Channel.EXCHANGE and not office.certificate_pem:
            raise ServiceRefused(
                _(
                    "Fagsystemet er ikke koblet til ennå: leverandøren må registrere sertifikatet for kontoret "
                    "først. Velg innboksen til da."
                ),
                field="channel",
            )
        for name in AUDITED:
            setattr(office, name, settings[name])
        office.save()
        after = {name: getattr(office, name) for name in AUDITED}
        # The certificate by its fingerprint: long, and public anyway.
        after["certificate"] = certificate_fingerprint(office.certificate_pem)
        if before != after:
            _record_audit(
                actor=actor,
                action="concerns.office.configured",
                object_type="concerns.ChildWelfareOffice",
                object_id=office.pk,
                before=before,
                after=after,
            )
    return office


class AddOfficeForm(forms.Form):
    bydelsnummer = forms.RegexField(
        label=gettext_lazy("Bydelsnummer"),
        help_text=gettext_lazy("To siffer, som i KS' oppsett (Oslo: 01–17). 00 er kommunen uten bydeler."),
        regex=r"^[0-9]{2}$",
        error_messages={
            "required": gettext_lazy("Skriv bydelsnummeret med to siffer."),
            "invalid": gettext_lazy("Skriv bydelsnummeret med to siffer, for eksempel 03."),
        },
    )
    bydelsnavn = TextField(
        label=gettext_lazy("Navn på barneverntjenesten"),
        max_length=150,
        error_messages={"required": gettext_lazy("Skriv navnet på barneverntjenesten.")},
    )


def add_office(
    *, actor: AbstractBaseUser, kommunenummer: str, bydelsnummer: str, bydelsnavn: str
) -> ChildWelfareOffice:
    """A new office (a district) for the local administrator, switched off and on the inbox until its settings
    are filled in; the municipality's first office is its standard receiver."""
    if not _is_local_administrator(actor, kommunenummer):
        raise ServiceRefused(_("Bare den lokale administratoren for kommunen kan endre dette."))
    with transaction.atomic():
        # The municipality's row locked: two additions at once cannot both become the standard receiver.
        Municipality.objects.select_for_update().get(pk=kommunenummer)
        existing = ChildWelfareOffice.objects.filter(municipality_id=kommunenummer)
        if existing.filter(bydelsnummer=bydelsnummer).exists():
            raise ServiceRefused(
                _("Kommunen har allerede et kontor med bydelsnummer %(number)s.") % {"number": bydelsnummer},
                field="bydelsnummer",
            )
        office = ChildWelfareOffice.objects.create(
            municipality_id=kommunenummer,
            bydelsnummer=bydelsnummer,
            bydelsnavn=bydelsnavn,
            standard_receiver=not existing.exists(),
        )
        _record_audit(
            actor=actor,
            action="concerns.office.added",
            object_type="concerns.ChildWelfareOffice",
            object_id=office.pk,
            after={"bydelsnummer": bydelsnummer, "bydelsnavn": bydelsnavn},
        )
    return office


def remove_office(*, actor: AbstractBaseUser, kommunenummer: str, bydelsnummer: str) -> None:
    """Removes an office that has never received a report; the standard receiver stays (reports whose district
    is unknown go there). An office with reports is switched off instead: the reports and their states stay."""
    if not _is_local_administrator(actor, kommunenummer):
        raise ServiceRefused(_("Bare den lokale administratoren for kommunen kan endre dette."))
    with transaction.atomic():
        office = (
            ChildWelfareOffice.objects.select_for_update()
            .filter(municipality_id=kommunenummer, bydelsnummer=bydelsnummer)
            .first()
        )
        if office is None:
            raise ServiceRefused(_("Fant ikke dette kontoret."))
        if office.standard_receiver:
            raise ServiceRefused(
                _(
                    "%(name)s er standardmottakeren og kan ikke fjernes: meldinger der bydelen ikke er kjent, "
                    "går dit. Slå den av i stedet."
                )
                % {"name": office.bydelsnavn}
            )
        if office.reports.exists() or office.deliveries.exists():
            raise ServiceRefused(
                _("%(name)s har fått meldinger og kan ikke fjernes. Slå kontoret av i stedet.")
                % {"name": office.bydelsnavn}
            )
        before = {name: getattr(office, name) for name in AUDITED}
        _record_audit(
            actor=actor,
            action="concerns.office.removed",
            object_type="concerns.ChildWelfareOffice",
            object_id=office.pk,
            before={"bydelsnummer": bydelsnummer, **before},
        )
        office.delete()


def _add(actor: AbstractBaseUser, kommunenummer: str, data: dict[str, Any]) -> str:
    office = add_office(
        actor=actor,
        kommunenummer=kommunenummer,
        bydelsnummer=data["bydelsnummer"],
        bydelsnavn=data["bydelsnavn"],
    )
    return office.bydelsnummer


def _remove(actor: AbstractBaseUser, kommunenummer: str, bydelsnummer: str) -> None:
    remove_office(actor=actor, kommunenummer=kommunenummer, bydelsnummer=bydelsnummer)


def _save(actor: AbstractBaseUser, kommunenummer: str, bydelsnummer: str, data: dict[str, Any]) -> None:
    configure_office(actor=actor, kommunenummer=kommunenummer, bydelsnummer=bydelsnummer, settings=data)


def service() -> MunicipalService:
    """The child-welfare service as the onboarding pages offer it (ConcernsConfig.ready() registers it lazily)."""
    return MunicipalService(
        key=KEY,
        name=gettext_lazy("Bekymringsmelding til barneverntjenesten"),
        description=gettext_lazy(
            "Når tjenesten er slått på, kan innbyggere og ansatte i offentlige tjenester sende "
            "bekymringsmeldinger digitalt til barneverntjenesten. Meldingene hentes av fagsystemet eller "
            "leses i innboksen; det som ikke er mottatt innen to virkedager, sendes som brev."
        ),
        units=units,
        form_class=OfficeSettingsForm,
        initial=initial,
        save=_save,
        add_form_class=AddOfficeForm,
        add=_add,
        remove=_remove,
    )
