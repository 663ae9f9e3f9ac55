"""The manual inbox's forms. Each has its own prefix, so the case page can hold them all with unique ids."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digisos.core import formatting
from digisos.core.formatting import formatters
from digisos.core.forms import TextField as BaseTextField
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


# Django's own "Sørg for at denne verdien har 200 eller færre tegn (den har nå 5000)." says what is wrong, not
# what to do; the concerns' forms have the house wording, already in every catalogue.
TOO_LONG = _("Skriv kortere, høyst %(limit_value)d tegn (du har skrevet %(show_value)d).")


class TextField(BaseTextField):
    """core.forms.TextField (its limit checked when the form is sent, not cut by the browser) with the inbox's
    message for a text over it, naming the limit and how long the text is."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        kwargs["error_messages"] = {"max_length": TOO_LONG, **kwargs.get("error_messages", {})}
        super().__init__(max_length=max_length, **kwargs)


# A saksreferanse is a key the inbox's decisions and payments share ("sak-1"); NAV's schema gives it no limit
# (a plain string) and we store it only inside digisos-soker.json, so the limit is ours. Fifty characters take
# any real key: an archive number ("2026/12345-3"), a case system's UUID (36 characters), and keep it one
# short line in the case history ("Sak: sak-1"); a longer one is a title or a note typed in the wrong field.
SAKSREFERANSE_MAX_LENGTH = 50


def _saksreferanse_field(hint: str = "") -> TextField:
    return TextField(
        label=_("Saksreferanse"),
        help_text=hint,
        max_length=SAKSREFERANSE_MAX_LENGTH,
        initial=DEFAULT_SAKSREFERANSE,
        error_messages={"required": _("Skriv saksreferansen, for eksempel sak-1.")},
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


def _years_from(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# How far ahead a deadline for documents may be. A request in a case about economic assistance (help with a
# need now) is answered in days or weeks; a year ahead leaves room for any real deadline (a statement that
# only comes at the end of a quarter) and refuses the typing errors (9999-12-31, 2062 for 2026) that the
# applicant would otherwise read as her deadline ("Frist: 31. desember 9999"), as would the inbox's list and
# follow-up. It also keeps the deadline within what NAV shows: innsyn-api lists the søknader changed in the
# last 15 months, and the request is such a change. NAV's format sets no bound (innsendelsesfrist is any
# tidspunkt), nor does its description of dokumentasjonskrav.
DEADLINE_YEARS_AHEAD = 1


def _deadline_within_bounds(value: date) -> date:
    today = timezone.localdate()
    if value < today:
        raise forms.ValidationError(_("Velg en frist som er i dag eller senere."))
    last = _years_from(today, DEADLINE_YEARS_AHEAD)
    if value > last:
        raise forms.ValidationError(
            _("Velg en frist som er senest %(last)s, ett år fra i dag.") % {"last": formatting.day(last)}
        )
    return value


# A payment's due date: within a year either side of today, whatever its status. The inbox records the payments
# of one application, months of assistance around its decision. A year back takes a payment registered late or
# corrected (NAV's payments page offers "last year" as its furthest period, and shows the payments of søknader
# changed within 15 months); a year ahead takes the planned payments of a decision for up to a year. Further
# off is a typing error: 0001-01-01 made the citizen's payments page head a month "Januar 1", 9999-12-31
# "Desember 9999". A paid payment also cannot be due after today (its due date is stored as the day it was
# paid). A planned payment in the past is not refused: NAV's format has it as an overdue payment (innsyn-api
# notes "utbetaling på overtid"), and the caseworker may register it after the day it should have been paid.
PAYMENT_YEARS_EITHER_SIDE = 1


def _due_date_error(value: date, *, paid: bool) -> str | None:
    """What is wrong with a payment's due date, or None. A paid payment's own rule (not after today) comes
    before the year ahead: "senest <a year from now>" would send the caseworker to a date refused next."""
    today = timezone.localdate()
    first = _years_from(today, -PAYMENT_YEARS_EITHER_SIDE)
    if value < first:
        return _("Velg en forfallsdato som er %(first)s eller senere, høyst ett år tilbake i tid.") % {
            "first": formatting.day(first)
        }
    if paid and value > today:
        return _("En utbetaling som er utbetalt, kan ikke ha forfallsdato fram i tid. Velg i dag eller før.")
    last = _years_from(today, PAYMENT_YEARS_EITHER_SIDE)
    if value > last:
        return _("Velg en forfallsdato som er senest %(last)s, høyst ett år fram i tid.") % {
            "last": formatting.day(last)
        }
    return None


def _choose(message: str) -> dict[str, str]:
    """A choice's error, whether nothing was chosen or something not offered (a changed or an old page):
    Django's own "Velg et gyldig valg" names the value and not what to choose."""
    return {"required": message, "invalid_choice": message}


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
        error_messages=_choose(_("Velg hvilken status søknaden har nå.")),
    )


class DocumentRequestForm(InboxForm):
    prefix = "dokumentasjon"
    letter_field = "brev"

    dokumenttype = TextField(
        label=_("Hvilket dokument skal søkeren sende?"),
        help_text=_("For eksempel «Kontoutskrift for de siste tre månedene» eller «Strømregning»."),
        max_length=200,
        error_messages={"required": _("Skriv hvilket dokument søkeren skal sende.")},
    )
    tilleggsinformasjon = TextField(
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
        return _deadline_within_bounds(self.cleaned_data["frist"])

    def clean_brev(self) -> tuple[str, bytes] | None:
        return _clean_pdf(self.cleaned_data.get("brev"))


class DecisionForm(InboxForm):
    prefix = "vedtak"
    letter_field = "vedtaksbrev"

    utfall = forms.ChoiceField(
        label=_("Utfall"),
        choices=status_choices(*Utfall),
        widget=forms.RadioSelect,
        error_messages=_choose(_("Velg utfallet av vedtaket.")),
    )
    vedtaksbrev = _pdf_field(_("Vedtaksbrev (PDF)"), required=True, hint=_("Søkeren ser vedtaket på nett."))
    saksreferanse = _saksreferanse_field(
        _("Samme referanse knytter vedtak og utbetalinger til én sak. Som regel: sak-1.")
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
    beskrivelse = TextField(
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
        error_messages=_choose(_("Velg om utbetalingen er planlagt eller utbetalt.")),
    )
    saksreferanse = _saksreferanse_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        due = cleaned.get("forfallsdato")
        if due is not None:
            error = _due_date_error(due, paid=cleaned.get("status") == UtbetalingStatus.UTBETALT)
            if error:
                self.add_error("forfallsdato", error)
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
