"""Forms of the onboarding pages. Each error says in plain Norwegian what to do."""

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.core.formatting import formatters
from digisos.core.forms import TextField
from digisos.core.identifiers import InvalidOrganisationNumber, validate_organisation_number

from .models import Role
from .path import INVITABLE_ROLES, batch_days
from .selectors import emails


def _email_lines(value: str, label: str) -> str:
    addresses = emails(value)
    if not addresses:
        raise ValidationError(_("Skriv minst én e-postadresse til %(who)s.") % {"who": label})
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("«%(address)s» er ikke en gyldig e-postadresse. Skriv den som navn@kommune.no.")
                % {"address": address}
            ) from None
    return "\n".join(addresses)


class ConfigurationForm(forms.Form):
    """KS's Digisos configuration (digisos-konfigurasjon-api-v1), as the local administrator fills it in."""

    channel = forms.ChoiceField(
        label=_("Hvordan skal søknadene komme fram?"),
        choices=[
            ("fiks_io", _("Fiks IO (anbefalt): fagsystemet henter søknadene")),
            ("svarut", _("SvarUt")),
            ("inbox", _("Innboksen i DigiSos, uten fagsystem")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan søknadene skal komme fram.")},
    )
    fiks_io_account_id = TextField(
        label=_("Fiks IO-konto (bare for Fiks IO)"),
        required=False,
        max_length=36,
        help_text=_("Kontoens ID fra Fiks-plattformen, for eksempel 3fa85f64-5717-4562-b3fc-2c963f66afa6."),
    )
    svarut_organisation_number = TextField(
        label=_("Organisasjonsnummer for SvarUt (bare for SvarUt)"), required=False, max_length=11
    )
    fagansvarlig_emails = TextField(
        label=_("E-post til fagansvarlig"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Én adresse per linje."),
        required=False,
    )
    teknisk_ansvarlig_emails = TextField(
        label=_("E-post til teknisk ansvarlig"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Én adresse per linje."),
        required=False,
    )
    can_update_status = forms.BooleanField(
        label=_("Fagsystemet sender status, så søkerne kan følge saken på nett"), required=False
    )
    updates_temporarily_disabled = forms.BooleanField(
        label=_("Stans statusoppdateringer midlertidig"), required=False
    )
    nks_access = forms.BooleanField(
        label=_("Nav Kontaktsenter (NKS) kan se søknadene når søkeren ringer"), required=False
    )
    behandlingsansvarlig = TextField(
        label=_("Behandlingsansvarlig (bare i vertskommunesamarbeid)"),
        required=False,
        max_length=100,
        help_text=_("Navnet på kommunen som behandler søknadene for dere."),
    )
    paper_address = TextField(
        label=_("Adresse for papirsøknad"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    paper_contact_phone = TextField(label=_("Telefon til Nav-kontoret"), required=False, max_length=30)
    paper_contact_email = forms.EmailField(
        label=_("E-post til Nav-kontoret"),
        required=False,
        error_messages={"invalid": _("Skriv e-postadressen som navn@kommune.no.")},
    )
    contact_note = TextField(
        label=_("Merknad til innbyggerne"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_fagansvarlig_emails(self) -> str:
        return _email_lines(self.cleaned_data["fagansvarlig_emails"], _("fagansvarlig"))

    def clean_teknisk_ansvarlig_emails(self) -> str:
        return _email_lines(self.cleaned_data["teknisk_ansvarlig_emails"], _("teknisk ansvarlig"))

    def clean_svarut_organisation_number(self) -> str:
        value = "".join(self.cleaned_data["svarut_organisation_number"].split())
        if not value:
            return ""
        try:
            return validate_organisation_number(value)
        except InvalidOrganisationNumber:
            raise ValidationError(_("Organisasjonsnummeret er ikke gyldig. Det skal ha 9 siffer.")) from None

    def clean_fiks_io_account_id(self) -> str:
        value = self.cleaned_data["fiks_io_account_id"].strip()
        if not value:
            return ""
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValidationError(
                _(
                    "Kontoen skal se ut som 3fa85f64-5717-4562-b3fc-2c963f66afa6. Kopier den fra Fiks-plattformen."
                )
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel = data.get("channel")
        if (
            channel == "fiks_io"
            and not data.get("fiks_io_account_id")
            and "fiks_io_account_id" not in self.errors
        ):
            self.add_error("fiks_io_account_id", _("Skriv Fiks IO-kontoen, eller velg en annen kanal."))
        if (
            channel == "svarut"
            and not data.get("svarut_organisation_number")
            and "svarut_organisation_number" not in self.errors
        ):
            self.add_error(
                "svarut_organisation_number",
                _("Skriv organisasjonsnummeret for SvarUt, eller velg en annen kanal."),
            )
        return data


class StartForm(forms.Form):
    email = forms.EmailField(
        label=_("Din e-postadresse på jobb"),
        error_messages={
            "required": _("Skriv e-postadressen din, så du får beskjed når noe venter på deg."),
            "invalid": _("Skriv e-postadressen som navn@kommune.no."),
        },
    )


class OperatorStartForm(forms.Form):
    """An operator opens the path for a municipality that has not started (no Altinn right needed)."""

    kommunenummer = forms.ChoiceField(
        label=_("Kommune"),
        error_messages={
            "required": _("Velg kommunen som skal kobles til."),
            "invalid_choice": _("Velg en kommune fra listen. Kommuner som alt er i gang, står ikke der."),
        },
    )
    organisation_number = TextField(
        label=_("Kommunens organisasjonsnummer"),
        help_text=_("Ni siffer, slik det står i Enhetsregisteret."),
        error_messages={"required": _("Skriv kommunens organisasjonsnummer (ni siffer).")},
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kommunenummer"].choices = [("", _("Velg kommune")), *municipalities]

    def clean_organisation_number(self) -> str:
        try:
            return validate_organisation_number(self.cleaned_data["organisation_number"])
        except InvalidOrganisationNumber as error:
            raise ValidationError(error.message) from None


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=[(role, Role(role).label) for role in INVITABLE_ROLES],
        error_messages={"required": _("Velg hvilken rolle du inviterer til.")},
    )
    name = TextField(
        label=_("Navn"), max_length=150, error_messages={"required": _("Skriv navnet på den du inviterer.")}
    )
    email = forms.EmailField(
        label=_("E-postadresse"),
        error_messages={
            "required": _("Skriv e-postadressen til den du inviterer."),
            "invalid": _("Skriv e-postadressen som navn@kommune.no."),
        },
    )


class GoLiveForm(forms.Form):
    go_live_date = forms.DateField(
        label=_("Ønsket dato for oppstart"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Velg en dato for oppstart."),
            "invalid": _("Skriv datoen som dd.mm.åååå, for eksempel 15.03.2027."),
        },
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = ", ".join(formatters().day(day) for day in batch_days(timezone.localdate(), 4))
        self.fields["go_live_date"].help_text = _(
            "Kommuner kobles på i ukentlige puljer på tirsdager, minst tre uker fram i tid. De neste: %(days)s."
        ) % {"days": days}


class ClosureForm(forms.Form):
    reason = TextField(
        label=_("Hvorfor stenges mottaket?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Skriv hvorfor mottaket stenges, så operatørene og kollegene dine vet det.")
        },
    )


class ConnectForm(forms.Form):
    """The case system's keys, as `manage.py exchange_connect` takes them."""

    name = TextField(
        label=_("Navn på fagsystemet"),
        max_length=200,
        error_messages={"required": _("Skriv navnet på fagsystemet.")},
    )
    certificate_pem = TextField(
        label=_("Sertifikat (PEM) som søknadene krypteres til"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Fagsystemet har den private nøkkelen. Lim inn hele teksten fra -----BEGIN CERTIFICATE-----."
        ),
        error_messages={"required": _("Lim inn sertifikatet.")},
    )
    public_key_pem = TextField(
        label=_("Offentlig nøkkel (PEM) som fagsystemets innlogging sjekkes mot"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Lim inn hele teksten fra -----BEGIN PUBLIC KEY-----."),
        error_messages={"required": _("Lim inn den offentlige nøkkelen.")},
    )


class InboxChoiceForm(forms.Form):
    inbox_email = forms.EmailField(
        label=_("E-post som får beskjed om nye søknader i innboksen"),
        error_messages={
            "required": _("Skriv e-postadressen som skal få beskjed om nye søknader."),
            "invalid": _("Skriv e-postadressen som navn@kommune.no."),
        },
    )


# The longest a registration of one paper application could take; more is a typing error (minutes, not hours).
MAX_MINUTES_PER_APPLICATION = 480
# More applications a month than Norway's largest municipality gets is a typing error.
MAX_PER_MONTH = 100_000
DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class DecimalInput(forms.CharField):
    """A number as Norwegians write it: "12,5", "12.5" or "12 %" (no JavaScript, no locale surprises)."""

    def __init__(self, *, low: Decimal, high: Decimal, message: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {}).setdefault("required", message)
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)
        self.low, self.high, self.message = low, high, message

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = "".join(str(value or "").split()).replace(",", ".").removesuffix("%")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.message) from None
        if not number.is_finite() or not self.low <= number <= self.high:
            raise ValidationError(self.message)
        return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _count_field(label: Any, help_text: Any, message: Any, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=0,
        max_value=MAX_PER_MONTH,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": _("Tallet er for stort. Skriv et gjennomsnitt per måned, ikke for hele perioden."),
        },
    )


def _date_field(label: Any, required_message: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": required_message,
            "invalid": _("Skriv datoen som dd.mm.åååå, for eksempel 31.01.2027."),
        },
    )


# A monthly average from less than a month says more about the weeks chosen than about the municipality.
MIN_PERIOD_DAYS = 28


class BaselineForm(forms.Form):
    """The nullpunktsmåling, as the municipality's people fill it in before go-live."""

    applications_per_month = _count_field(
        _("Søknader om økonomisk sosialhjelp per måned"),
        _("Alle søknadene, på papir og digitalt, i en vanlig måned i måleperioden (gjennomsnitt)."),
        _("Skriv hvor mange søknader kommunen får i en vanlig måned, som et helt tall, for eksempel 120."),
    )
    digital_share_percent = DecimalInput(
        label=_("Andel som kommer digitalt (prosent)"),
        help_text=_("Skriv 0 hvis alle søknadene kommer på papir."),
        low=Decimal(0),
        high=Decimal(100),
        message=_("Skriv andelen som et tall fra 0 til 100, for eksempel 0 eller 12,5."),
    )
    minutes_per_paper_application = DecimalInput(
        label=_("Minutter for å registrere eller skanne én papirsøknad"),
        help_text=_("Tiden de ansatte bruker på én papirsøknad før saksbehandlingen begynner."),
        low=Decimal("0.1"),
        high=Decimal(MAX_MINUTES_PER_APPLICATION),
        message=_("Skriv antall minutter, et tall fra 0,1 til 480, for eksempel 15."),
    )
    office_visits_per_month = _count_field(
        _("Besøk på Nav-kontoret om søknader per måned"),
        _("Besøk for å levere, hente eller spørre om en søknad. La feltet stå tomt hvis dere ikke har tall."),
        _("Skriv antall besøk som et helt tall, for eksempel 80, eller la feltet stå tomt."),
        required=False,
    )
    phone_calls_per_month = _count_field(
        _("Telefoner om søknader per måned"),
        _(
            "Samtaler om en søknad eller hvor langt den har kommet. La feltet stå tomt hvis dere ikke har tall."
        ),
        _("Skriv antall telefoner som et helt tall, for eksempel 150, eller la feltet stå tomt."),
        required=False,
    )
    days_to_decision = DecimalInput(
        label=_("Dager fra søknad til vedtak (median)"),
        help_text=_(
            "Halvparten av søknadene fikk vedtak raskere enn dette. La feltet stå tomt hvis dere ikke har tall."
        ),
        low=Decimal(0),
        high=Decimal(365),
        message=_("Skriv antall dager, et tall fra 0 til 365, eller la feltet stå tomt."),
        required=False,
    )
    measured_by = TextField(
        label=_("Hvem målte"),
        help_text=_("Navn og rolle, for eksempel «Sara Holm, fagansvarlig»."),
        max_length=200,
        error_messages={
            "required": _("Skriv hvem som målte, for eksempel «Sara Holm, fagansvarlig»."),
            "max_length": _("Skriv navn og rolle kortere, under 200 tegn."),
        },
    )
    method = TextField(
        label=_("Hvordan dere målte"),
        help_text=_(
            "For eksempel «søknadene talt i arkivet, tiden tatt på ti søknader, telefonene talt i to uker». "
            "Metoden vises på statistikksiden sammen med tallene, uten navnet på den som målte."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Skriv kort hvordan dere målte, så andre kan gjøre det likt senere."),
            "max_length": _("Skriv kortere, under 2000 tegn."),
        },
    )
    measured_from = _date_field(
        _("Måleperioden begynte"), _("Skriv datoen måleperioden begynte, for eksempel 01.01.2027.")
    )
    measured_to = _date_field(
        _("Måleperioden sluttet"), _("Skriv datoen måleperioden sluttet, for eksempel 31.03.2027.")
    )

    def clean_measured_to(self) -> date:
        value = self.cleaned_data["measured_to"]
        if value > timezone.localdate():
            raise ValidationError(
                _("Måleperioden kan ikke slutte fram i tid. Registrer nullpunktet når perioden er over.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("measured_from"), data.get("measured_to")
        if start and end:
            if start > end:
                self.add_error("measured_from", _("Måleperioden må begynne før den slutter."))
            elif (end - start).days + 1 < MIN_PERIOD_DAYS:
                self.add_error(
                    "measured_to",
                    _("Mål over minst fire uker, så tallene per måned blir til å stole på."),
                )
        return data
