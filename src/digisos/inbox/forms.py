"""The manual inbox's forms. Each has its own prefix, so the case page can hold them all with unique ids."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.core.formatting import formatters
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus, Utfall
from digisos.soker.labels import choices as status_choices

from .services import DEFAULT_SAKSREFERANSE

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date_field(label: str, required_message: str, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={
            "required": required_message,
            "invalid": _("Skriv datoen som dd.mm.åååå, for eksempel 24.12.2026."),
        },
    )


def _pdf_field(label: str, *, required: bool, hint: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Velg brevet som PDF-fil."),
            "empty": _("Filen er tom. Velg brevet som PDF-fil."),
            "invalid": _("Velg brevet som PDF-fil."),
        },
    )


def _clean_pdf(upload: UploadedFile | None) -> tuple[str, bytes] | None:
    if upload is None:
        return None
    if upload.size and upload.size > settings.DOCUMENTS["MAX_FILE_BYTES"]:
        limit = settings.DOCUMENTS["MAX_FILE_BYTES"] // (1024 * 1024)
        raise forms.ValidationError(
            _("Filen er for stor. Velg en PDF-fil på høyst %(limit)s MB.") % {"limit": limit}
        )
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        raise forms.ValidationError(_("Filen er ikke en PDF. Lagre brevet som PDF og velg den filen."))
    return (upload.name or "brev.pdf", data)


def _not_before_today(value: date) -> date:
    if value < timezone.localdate():
        raise forms.ValidationError(_("Velg en frist som er i dag eller senere."))
    return value


class InboxForm(forms.Form):
    """Errors from the exchange (refusals) are added as non-field errors and shown in the error summary."""

    prefix = "skjema"
    letter_field = ""


class ReceiveForm(InboxForm):
    prefix = "mottatt"


class StatusForm(InboxForm):
    prefix = "status"

    status = forms.ChoiceField(
        label=_("Ny status på søknaden"),
        help_text=_(
            "Statusen flyttes av seg selv: under behandling når du ber om dokumentasjon, lagrer et vedtak eller en "
            "utbetaling, og ferdig behandlet når alle sakene har vedtak. Her kan du sette den selv."
        ),
        choices=status_choices(
            SoknadsStatus.UNDER_BEHANDLING, SoknadsStatus.FERDIGBEHANDLET, SoknadsStatus.BEHANDLES_IKKE
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvilken status søknaden har nå.")},
    )


class DocumentRequestForm(InboxForm):
    prefix = "dokumentasjon"
    letter_field = "brev"

    dokumenttype = forms.CharField(
        label=_("Hvilket dokument skal søkeren sende?"),
        help_text=_("For eksempel «Kontoutskrift for de siste tre månedene» eller «Strømregning»."),
        max_length=200,
        error_messages={"required": _("Skriv hvilket dokument søkeren skal sende.")},
    )
    tilleggsinformasjon = forms.CharField(
        label=_("Mer informasjon til søkeren"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    frist = _date_field(
        _("Frist"),
        _("Velg en frist for når søkeren skal sende dokumentet."),
        _("Søkeren har fristen ut dagen (til kl. 23.59)."),
    )
    brev = _pdf_field(
        _("Brev til søkeren (PDF)"), required=False, hint=_("Valgfritt. Søkeren ser brevet på nett.")
    )

    def clean_frist(self) -> date:
        return _not_before_today(self.cleaned_data["frist"])

    def clean_brev(self) -> tuple[str, bytes] | None:
        return _clean_pdf(self.cleaned_data.get("brev"))


class DecisionForm(InboxForm):
    prefix = "vedtak"
    letter_field = "vedtaksbrev"

    utfall = forms.ChoiceField(
        label=_("Utfall"),
        choices=status_choices(*Utfall),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg utfallet av vedtaket.")},
    )
    vedtaksbrev = _pdf_field(_("Vedtaksbrev (PDF)"), required=True, hint=_("Søkeren ser vedtaket på nett."))
    saksreferanse = forms.CharField(
        label=_("Saksreferanse"),
        help_text=_("Samme referanse knytter vedtak og utbetalinger til én sak. Som regel: sak-1."),
        max_length=100,
        initial=DEFAULT_SAKSREFERANSE,
        error_messages={"required": _("Skriv saksreferansen, for eksempel sak-1.")},
    )

    def clean_vedtaksbrev(self) -> tuple[str, bytes] | None:
        return _clean_pdf(self.cleaned_data.get("vedtaksbrev"))


class PaymentForm(InboxForm):
    prefix = "utbetaling"

    belop = forms.IntegerField(
        label=_("Beløp i kroner"),
        min_value=1,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Skriv beløpet i hele kroner."),
            "invalid": _("Skriv beløpet i hele kroner, uten øre, for eksempel 4500."),
            "min_value": _("Beløpet må være minst 1 krone."),
            "max_value": _("Beløpet er for stort. Sjekk at det er skrevet riktig."),
        },
    )
    beskrivelse = forms.CharField(
        label=_("Hva gjelder utbetalingen?"),
        help_text=_("For eksempel «Livsopphold» eller «Husleie»."),
        max_length=200,
        error_messages={"required": _("Skriv hva utbetalingen gjelder.")},
    )
    forfallsdato = _date_field(_("Forfallsdato"), _("Velg datoen pengene skal betales ut."))
    status = forms.ChoiceField(
        label=_("Status for utbetalingen"),
        choices=status_choices(UtbetalingStatus.PLANLAGT_UTBETALING, UtbetalingStatus.UTBETALT),
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om utbetalingen er planlagt eller utbetalt.")},
    )
    saksreferanse = forms.CharField(
        label=_("Saksreferanse"),
        max_length=100,
        initial=DEFAULT_SAKSREFERANSE,
        error_messages={"required": _("Skriv saksreferansen, for eksempel sak-1.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        due = cleaned.get("forfallsdato")
        if cleaned.get("status") == UtbetalingStatus.UTBETALT and due and due > timezone.localdate():
            self.add_error(
                "forfallsdato",
                _(
                    "En utbetaling som er utbetalt, kan ikke ha forfallsdato fram i tid. Velg i dag eller før."
                ),
            )
        return cleaned


# How far back a month can be entered or corrected from the list: three years covers a year's corrections
# after the annual KOSTRA report and keeps the list short enough to read.
PAPER_COUNT_MONTHS = 36


def month_choices(today: date, count: int = PAPER_COUNT_MONTHS) -> list[tuple[str, str]]:
    """This month and the ones before it, newest first, as ("2026-11", "november 2026") in the page's language
    (core's month_and_year: "November 2026" in English): a future month cannot be chosen at all."""
    month_and_year = formatters().month_and_year
    year, month, choices = today.year, today.month, []
    for _step in range(count):
        choices.append((f"{year:04d}-{month:02d}", month_and_year(date(year, month, 1))))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


class PaperCountForm(forms.Form):
    """How many paper applications the municipality received in one month (an inbox municipality only)."""

    prefix = "papir"

    month = forms.ChoiceField(
        label=_("Måned"),
        error_messages={
            "required": _("Velg måneden tallet gjelder."),
            "invalid_choice": _(
                "Velg en måned fra listen. En måned som ikke har begynt, kan ikke føres inn."
            ),
        },
    )
    count = forms.IntegerField(
        label=_("Papirsøknader mottatt i måneden"),
        help_text=_(
            "Alle søknader om økonomisk sosialhjelp som kom på papir. Skriv 0 hvis det ikke kom noen."
        ),
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _(
                "Skriv hvor mange papirsøknader som kom i måneden. Skriv 0 hvis det ikke kom noen."
            ),
            "invalid": _("Skriv antallet som et helt tall, for eksempel 12."),
            "min_value": _("Skriv antallet som et helt tall, for eksempel 12."),
            "max_value": _("Tallet er for stort. Skriv antallet for én måned."),
        },
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", _("Velg måned")), *month_choices(today or timezone.localdate())]

    def clean_month(self) -> date:
        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)
