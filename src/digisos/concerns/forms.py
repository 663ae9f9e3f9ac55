"""The two forms, with KS's v2 fields. Every error names the field and says what to do.

KS's schemas constrain phone numbers, e-mail and (with `^(.*)$`) single-line text; the forms check the same
rules, so whatever they accept builds a bekymringsmelding.json that validates (tested with hypothesis).
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digisos.application.widgets import STEP_RENDERER
from digisos.core.forms import TextField
from digisos.core.identifiers import InvalidIdentifier, parse_identity_number, validate_organisation_number
from digisos.registers import registry
from digisos.registers.ports import RegisterUnavailable

# KS v2: offentligMelder.telefonnummer and privatMelder.telefonnummer.
PHONE = re.compile(r"^[+]?[0-9]+([- ][0-9]+)*$")
# KS v2: offentligMelder.epost (letters incl. æøå, digits, - and _; no + in the local part).
EMAIL = re.compile(
    r"^[A-Za-zæøåÆØÅ0-9-_]+(\.[A-Za-zæøåÆØÅ0-9-_]+)*@[A-Za-zæøåÆØÅ0-9-]+(\.[A-Za-zæøåÆØÅ0-9-]+)*(\.[A-Za-z]{2,})$"
)
# `^(.*)$` in the schemas: the line breaks a JSON Schema (ECMA-262) "." does not match.
LINE_BREAKS = re.compile("[\n\r\u2028\u2029]")
YES_NO = [("ja", _("Ja")), ("nei", _("Nei"))]
MAX_CHILDREN = 10
MAX_GUARDIANS = 2


def one_line(value: str) -> None:
    if LINE_BREAKS.search(value):
        raise ValidationError(_("Skriv dette på én linje, uten linjeskift."), code="line_break")


def text(
    label: Any, *, required: bool, missing: Any = "", max_length: int = 200, help_text: Any = ""
) -> forms.CharField:
    return TextField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        validators=[one_line],
        error_messages={
            "required": missing,
            "max_length": _("Skriv kortere, høyst %(limit_value)d tegn (du har skrevet %(show_value)d)."),
        },
    )


def long_text(label: Any, *, required: bool, missing: Any = "", help_text: Any = "") -> forms.CharField:
    return TextField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": missing,
            "max_length": _("Skriv kortere, høyst %(limit_value)d tegn (du har skrevet %(show_value)d)."),
        },
    )


def yes_no(label: Any, missing: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
    )


def clean_phone(value: str) -> str:
    if value and not PHONE.match(value):
        raise ValidationError(
            _("Skriv telefonnummeret med siffer, for eksempel 912 34 567 eller +47 912 34 567."), code="phone"
        )
    return value


def clean_postnummer(value: str) -> str:
    if value and not re.fullmatch(r"[0-9]{4}", value):
        raise ValidationError(_("Skriv postnummeret med fire siffer."), code="postnummer")
    return value


class ConcernForm(forms.Form):
    default_renderer = STEP_RENDERER

    def to_draft(self) -> dict[str, Any]:
        """What was typed, valid or not, to keep in the draft."""
        return {name: self[name].value() for name in self.fields}

    def check_address(self, prefix: str = "", *, required: bool = False, missing: Any = "") -> None:
        """adresselinje1 is required in KS's adresse object: no postnummer or poststed without it."""
        data = self.cleaned_data
        line1 = data.get(f"{prefix}adresselinje1")
        others = [data.get(f"{prefix}{name}") for name in ("adresselinje2", "postnummer", "poststed")]
        if not line1 and (required or any(others)) and f"{prefix}adresselinje1" not in self.errors:
            self.add_error(
                f"{prefix}adresselinje1",
                missing or _("Skriv gateadressen, eller fjern postnummer og poststed."),
            )


def address_fields(
    prefix: str = "", *, required: bool = False, missing: Any = "", help_text: Any = ""
) -> dict[str, forms.Field]:
    return {
        f"{prefix}adresselinje1": text(_("Adresse"), required=required, missing=missing, help_text=help_text),
        f"{prefix}postnummer": text(_("Postnummer"), required=False, max_length=4),
        f"{prefix}poststed": text(_("Poststed"), required=False, max_length=100),
    }


class PrivateReporterForm(ConcernForm):
    telefonnummer = text(_("Telefonnummer (valgfritt)"), required=False, max_length=20)
    adresselinje1 = text(_("Adressen din (valgfritt)"), required=False)
    postnummer = text(_("Postnummer"), required=False, max_length=4)
    poststed = text(_("Poststed"), required=False, max_length=100)

    def clean_telefonnummer(self) -> str:
        return clean_phone(self.cleaned_data["telefonnummer"])

    def clean_postnummer(self) -> str:
        return clean_postnummer(self.cleaned_data["postnummer"])

    def clean(self) -> dict[str, Any]:
        self.check_address()
        return self.cleaned_data


class PrivateChildForm(ConcernForm):
    personnavn = text(
        _("Barnets navn"),
        required=True,
        missing=_("Skriv barnets navn. Vet du ikke hva barnet heter, beskriv barnet kort."),
    )
    adresselinje1 = text(
        _("Barnets adresse"),
        required=True,
        missing=_("Skriv hvor barnet bor. Vet du ikke adressen, skriv stedet eller «ukjent»."),
        help_text=_("Skriv det du vet, for eksempel gate eller sted."),
    )
    postnummer = text(_("Postnummer (valgfritt)"), required=False, max_length=4)
    poststed = text(_("Poststed (valgfritt)"), required=False, max_length=100)
    antatt_alder = text(_("Omtrent hvor gammelt er barnet? (valgfritt)"), required=False, max_length=50)
    relasjon = text(
        _("Hvordan kjenner du barnet? (valgfritt)"),
        required=False,
        max_length=100,
        help_text=_("For eksempel nabo, besteforelder eller trener."),
    )

    def clean_postnummer(self) -> str:
        return clean_postnummer(self.cleaned_data["postnummer"])


class PrivateMessageForm(ConcernForm):
    melding = long_text(
        _("Hva er du bekymret for?"),
        required=True,
        missing=_("Skriv hva du er bekymret for."),
        help_text=_("Fortell hva du har sett eller hørt, når det skjedde, og hvem som var der."),
    )


class PublicReporterForm(ConcernForm):
    rolle = text(
        _("Din rolle"),
        required=True,
        missing=_("Skriv rollen din, for eksempel lærer eller helsesykepleier."),
        max_length=100,
    )
    telefonnummer = text(
        _("Telefonnummer"),
        required=True,
        missing=_("Skriv telefonnummeret barnevernet kan ringe deg på."),
        max_length=20,
    )
    epost = text(_("E-post"), required=True, missing=_("Skriv e-postadressen din på jobben."), max_length=254)
    virksomhet_orgnr = text(
        _("Organisasjonsnummer (valgfritt)"),
        required=False,
        max_length=11,
        help_text=_(
            "Ni siffer. Skriver du det, henter vi navn og adresse fra Enhetsregisteret hvis du lar dem stå tomme."
        ),
    )
    virksomhet_navn = text(_("Navnet på virksomheten"), required=False, max_length=200)
    virksomhet_adresselinje1 = text(_("Virksomhetens adresse"), required=False)
    virksomhet_postnummer = text(_("Postnummer"), required=False, max_length=4)
    virksomhet_poststed = text(_("Poststed"), required=False, max_length=100)

    def clean_telefonnummer(self) -> str:
        return clean_phone(self.cleaned_data["telefonnummer"])

    def clean_epost(self) -> str:
        value = self.cleaned_data["epost"]
        if not EMAIL.match(value):
            raise ValidationError(
                _(
                    "Skriv e-postadressen slik: navn@virksomhet.no (bare bokstaver, siffer, punktum, - og _ før @)."
                ),
                code="email",
            )
        return value

    def clean_virksomhet_postnummer(self) -> str:
        return clean_postnummer(self.cleaned_data["virksomhet_postnummer"])

    def clean_virksomhet_orgnr(self) -> str:
        value = self.cleaned_data["virksomhet_orgnr"].replace(" ", "")
        if not value:
            return ""
        try:
            return validate_organisation_number(value)
        except InvalidIdentifier:
            raise ValidationError(
                _(
                    "Organisasjonsnummeret er ikke gyldig. Det skal ha ni siffer. Du kan også la feltet stå tomt."
                ),
                code="orgnr",
            ) from None

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        orgnr = data.get("virksomhet_orgnr")
        if orgnr:
            self._fill_from_enhetsregisteret(orgnr)
        if "virksomhet_orgnr" in self.errors:
            # A wrong number is the one thing to fix: name and address may come from the register once it is right.
            return data
        if not data.get("virksomhet_navn") and "virksomhet_navn" not in self.errors:
            self.add_error("virksomhet_navn", _("Skriv navnet på virksomheten du jobber i."))
        self.check_address("virksomhet_", required=True, missing=_("Skriv adressen til virksomheten."))
        return data

    def _fill_from_enhetsregisteret(self, orgnr: str) -> None:
        """Checks the number against Enhetsregisteret and fills a blank name and address from it. When the
        register does not answer, the reporter's own name and address are used: the report must not wait."""
        try:
            organisation = registry.enhetsregisteret().get_organisation(orgnr)
        except RegisterUnavailable:
            return
        data = self.cleaned_data
        if organisation is None or organisation.deleted:
            self.add_error(
                "virksomhet_orgnr",
                _(
                    "Vi fant ikke organisasjonsnummeret i Enhetsregisteret. Sjekk nummeret, eller la feltet stå tomt."
                ),
            )
            return
        if not data.get("virksomhet_navn"):
            data["virksomhet_navn"] = organisation.name
        address = organisation.business_address
        if address and not data.get("virksomhet_adresselinje1"):
            data["virksomhet_adresselinje1"] = ", ".join(address.lines)
            data["virksomhet_postnummer"] = address.postnummer
            data["virksomhet_poststed"] = address.poststed


class PublicChildForm(ConcernForm):
    identitet = text(
        _("Fødselsnummer, fødselsdato eller beskrivelse"),
        required=False,
        max_length=200,
        help_text=_("Skriv fødselsnummeret hvis du har det, ellers fødselsdato eller en kort beskrivelse."),
    )
    ufoedt = forms.BooleanField(label=_("Barnet er ikke født ennå"), required=False)
    personnavn = text(
        _("Barnets navn"),
        required=True,
        missing=_("Skriv barnets navn. Er barnet ikke født, skriv mors navn og «ufødt barn»."),
    )
    telefonnummer = text(_("Barnets telefonnummer (valgfritt)"), required=False, max_length=20)
    adresselinje1 = text(_("Barnets adresse"), required=True, missing=_("Skriv hvor barnet bor."))
    postnummer = text(_("Postnummer"), required=False, max_length=4)
    poststed = text(_("Poststed"), required=False, max_length=100)
    orientert = yes_no(
        _("Har barnet fått vite om meldingen?"), _("Svar om barnet har fått vite om meldingen.")
    )
    orientert_grunn = text(
        _("Hvorfor har barnet ikke fått vite om meldingen?"), required=False, max_length=500
    )

    def clean_identitet(self) -> str:
        value = self.cleaned_data["identitet"]
        digits = value.replace(" ", "")
        # Eleven digits is meant as a fødselsnummer: a mistyped one must not reach the municipality.
        if re.fullmatch(r"[0-9]{11}", digits):
            try:
                parse_identity_number(digits)
            except InvalidIdentifier:
                raise ValidationError(
                    _("Fødselsnummeret er ikke gyldig. Sjekk sifrene, eller skriv fødselsdatoen i stedet."),
                    code="fnr",
                ) from None
            return digits
        return value

    def clean_telefonnummer(self) -> str:
        return clean_phone(self.cleaned_data["telefonnummer"])

    def clean_postnummer(self) -> str:
        return clean_postnummer(self.cleaned_data["postnummer"])

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        if not data.get("identitet") and not data.get("ufoedt") and "identitet" not in self.errors:
            self.add_error(
                "identitet",
                _(
                    "Skriv barnets fødselsnummer, fødselsdato eller en beskrivelse, eller kryss av for at barnet ikke er født."
                ),
            )
        require_reason(self, _("Skriv hvorfor barnet ikke har fått vite om meldingen."))
        return data


class GuardianForm(ConcernForm):
    personnavn = text(
        _("Navn på forelder eller foresatt"),
        required=True,
        missing=_("Skriv navnet på forelderen eller den foresatte."),
    )
    telefonnummer = text(_("Telefonnummer (valgfritt)"), required=False, max_length=20)
    orientert = yes_no(
        _("Har forelderen eller den foresatte fått vite om meldingen?"),
        _("Svar om forelderen eller den foresatte har fått vite om meldingen."),
    )
    orientert_grunn = text(
        _("Hvorfor har forelderen ikke fått vite om meldingen?"), required=False, max_length=500
    )

    def clean(self) -> dict[str, Any]:
        require_reason(self, _("Skriv hvorfor forelderen ikke har fått vite om meldingen."))
        return self.cleaned_data


def require_reason(form: forms.Form, message: Any) -> None:
    if form.cleaned_data.get("orientert") == "nei" and not form.cleaned_data.get("orientert_grunn"):
        form.add_error("orientert_grunn", message)


class PublicMessageForm(ConcernForm):
    melding = long_text(
        _("Hva er du bekymret for?"),
        required=True,
        missing=_("Skriv hva du er bekymret for."),
        help_text=_("Beskriv konkret hva du har observert, og når."),
    )
    historie = long_text(
        _("Hva har du og virksomheten gjort, og hvor lenge har dere vært bekymret?"),
        required=True,
        missing=_("Skriv hva som har skjedd før, og hva dere har gjort."),
    )
    andre_synspunkter = long_text(_("Andre synspunkter (valgfritt)"), required=False)
    behov_for_tolk = text(
        _("Trenger barnet eller familien tolk? (valgfritt)"),
        required=False,
        max_length=200,
        help_text=_("Skriv hvilket språk."),
    )
    andre_hjelpeinstanser = long_text(_("Andre hjelpetjenester som er involvert (valgfritt)"), required=False)


def as_answers(cleaned: dict[str, Any]) -> dict[str, Any]:
    """A cleaned form's data with yes/no as booleans, as the builder wants it."""
    return {
        key: {"ja": True, "nei": False}.get(value, value) if key == "orientert" else value
        for key, value in cleaned.items()
    }
