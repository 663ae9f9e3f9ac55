"""One form per step. Questions are not mandatory (NAV's principle) except where the application cannot be
understood without them; every error message names the field and says what to do."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digisos.core.forms import TextField
from digisos.core.identifiers import InvalidIdentifier, is_number_code, validate_account_number
from digisos.municipalities.models import PostalCode

from .widgets import STEP_RENDERER

YES_NO = [("ja", _("Ja")), ("nei", _("Nei"))]


def yes_no(label: Any, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, required=False, widget=forms.RadioSelect, help_text=help_text
    )


def as_bool(value: str | None) -> bool | None:
    return {"ja": True, "nei": False}.get(value or "")


def from_bool(value: Any) -> str:
    return {True: "ja", False: "nei"}.get(value, "")


def checkboxes(label: Any, choices: list[tuple[str, Any]], help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class StepForm(forms.Form):
    """Converts between the form's fields and the answers stored on the draft."""

    default_renderer = STEP_RENDERER  # Django's form templates in their Jinja2 versions (widgets.py)

    def __init__(self, *args: Any, answers: dict[str, Any], registers: dict[str, Any], **kwargs: Any) -> None:
        self.registers = registers
        super().__init__(*args, initial=self.initial_from(answers), **kwargs)

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        return dict(answers)

    def to_answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PersonaliaForm(StepForm):
    adresse_valg = forms.ChoiceField(
        label=_("Hvilken adresse skal vi bruke?"),
        choices=[
            ("folkeregistrert", _("Adressen min i Folkeregisteret")),
            ("soknad", _("Jeg bor på en annen adresse")),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Adressen bestemmer hvilket Nav-kontor som får søknaden din."),
    )
    gatenavn = TextField(
        label=_("Gateadresse"), max_length=100, required=False, help_text=_("For eksempel Storgata 5B.")
    )
    postnummer = TextField(label=_("Postnummer"), max_length=4, required=False)
    nav_kontor = forms.ChoiceField(label=_("Nav-kontor"), required=False, choices=[])
    telefon = TextField(
        label=_("Telefonnummer"),
        max_length=20,
        required=False,
        help_text=_(
            "Fyll inn bare hvis du vil bruke et annet nummer enn det vi har fra Kontakt- og reservasjonsregisteret."
        ),
    )
    kontonummer = TextField(
        label=_("Kontonummer"),
        max_length=20,
        required=False,
        help_text=_("Fyll inn bare hvis pengene skal til en annen konto. Brukes bare for denne søknaden."),
    )
    har_ikke_konto = forms.BooleanField(label=_("Jeg har ikke en bankkonto jeg kan bruke"), required=False)

    def __init__(self, *args: Any, offices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nav_kontor"].choices = [("", _("Velg Nav-kontor"))] + (offices or [])
        if not (self.registers.get("person") or {}).get("bostedsadresse"):
            self.fields["adresse_valg"].choices = [("soknad", _("Jeg bor på en annen adresse"))]

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        other = answers.get("annen_adresse") or {}
        street = f"{other.get('street_name', '')} {other.get('house_number', '')}{other.get('house_letter') or ''}".strip()
        return {
            "adresse_valg": answers.get("adresse_valg", "folkeregistrert"),
            "gatenavn": street,
            "postnummer": other.get("postnummer", ""),
            "nav_kontor": answers.get("nav_kontor", ""),
            "telefon": (answers.get("telefon") or "").removeprefix("+47"),
            "kontonummer": answers.get("kontonummer") or "",
            "har_ikke_konto": answers.get("har_ikke_konto", False),
        }

    def clean_telefon(self) -> str:
        value = "".join(ch for ch in self.cleaned_data["telefon"] if not ch.isspace())
        if not value:
            return ""
        digits = value.removeprefix("+47").removeprefix("0047")
        if not (digits.isascii() and digits.isdigit() and len(digits) == 8):
            raise forms.ValidationError(
                _("Skriv et norsk telefonnummer med 8 siffer, for eksempel 912 34 567.")
            )
        return "+47" + digits

    def clean_kontonummer(self) -> str:
        value = self.cleaned_data["kontonummer"]
        if not value.strip():
            return ""
        try:
            return validate_account_number(value)
        except InvalidIdentifier as error:
            raise forms.ValidationError(
                _("Kontonummeret er ikke gyldig. Skriv de 11 sifrene, for eksempel 1234 56 78903.")
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        valg = data.get("adresse_valg") or (
            "folkeregistrert" if (self.registers.get("person") or {}).get("bostedsadresse") else "soknad"
        )
        data["adresse_valg"] = valg
        if valg == "soknad":
            street = (data.get("gatenavn") or "").strip()
            if not street:
                self.add_error("gatenavn", _("Skriv gateadressen der du bor, for eksempel Storgata 5B."))
            postnummer = (data.get("postnummer") or "").strip()
            place = (
                PostalCode.objects.filter(pk=postnummer).first() if is_number_code(postnummer, 4) else None
            )
            if place is None:
                self.add_error(
                    "postnummer", _("Skriv et gyldig postnummer med fire siffer, for eksempel 0555.")
                )
            elif street:
                name, number, letter = _split_street(street)
                data["annen_adresse"] = {
                    "street_name": name,
                    "house_number": number,
                    "house_letter": letter,
                    "street_code": None,
                    "postnummer": place.postnummer,
                    "poststed": place.poststed,
                    "kommunenummer": place.kommunenummer,
                    "bydelsnummer": None,
                }
        if data.get("har_ikke_konto") and data.get("kontonummer"):
            self.add_error(
                "kontonummer",
                _("Du har krysset av for at du ikke har bankkonto. Fjern krysset eller kontonummeret."),
            )
        return data

    def to_answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "adresse_valg": data["adresse_valg"],
            "annen_adresse": data.get("annen_adresse") if data["adresse_valg"] == "soknad" else None,
            "nav_kontor": data.get("nav_kontor", ""),
            "telefon": data.get("telefon") or None,
            "kontonummer": data.get("kontonummer") or None,
            "har_ikke_konto": bool(data.get("har_ikke_konto")),
        }


def _split_street(street: str) -> tuple[str, str, str | None]:
    parts = street.rsplit(" ", 1)
    if len(parts) == 2 and parts[1][:1].isdigit():
        number = "".join(ch for ch in parts[1] if ch.isdigit())
        letter = parts[1][len(number) :].upper() or None
        return parts[0], number, letter
    return street, "", None


class BehovForm(StepForm):
    nodhjelp = checkboxes(
        _("Trenger du hjelp i dag?"),
        [
            ("mat", _("Jeg har ikke penger til mat i dag")),
            ("bolig", _("Jeg har ikke et sted å bo i natt")),
            ("strom", _("Strømmen er stengt, eller stenges i dag eller i morgen")),
        ],
        help_text=_("Kryss av hvis noe av dette gjelder deg, så prioriterer Nav-kontoret søknaden din."),
    )
    hva = TextField(
        label=_("Hva søker du om?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel: Jeg søker om penger til mat, husleie og strøm."),
        error_messages={
            "required": _("Skriv kort hva du søker om, for eksempel mat eller husleie."),
            "max_length": _("Skriv høyst 500 tegn om hva du søker om."),
        },
    )
    hvorfor = TextField(
        label=_("Fortell oss mer om situasjonen din"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Skriv høyst 600 tegn om situasjonen din.")},
    )


class KortBehovForm(BehovForm):
    """Kort søknad: what is applied for, and whether anything changed since the last application."""

    endret = forms.TypedChoiceField(
        label=_("Har noe endret seg i situasjonen din siden sist du søkte?"),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar ja eller nei på om noe har endret seg siden sist.")},
    )
    hva_endret = TextField(
        label=_("Hva har endret seg?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Skriv høyst 500 tegn om hva som har endret seg.")},
    )

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        initial = dict(answers)
        if isinstance(initial.get("endret"), bool):
            initial["endret"] = "ja" if initial["endret"] else "nei"
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("endret") is True and not data.get("hva_endret"):
            self.add_error("hva_endret", _("Skriv kort hva som har endret seg."))
        return data


class KortArbeidFamilieForm(StepForm):
    """Kort søknad: the registers' work and family facts, read-only, with room for a correction."""

    kommentar = TextField(
        label=_("Hvis opplysningene om arbeid eller familie ikke stemmer, skriv en kort forklaring"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Skriv høyst 500 tegn.")},
    )


class ArbeidForm(StepForm):
    kommentar = TextField(
        label=_("Hvis opplysningene om arbeid ikke stemmer, skriv en kort forklaring"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Skriv høyst 500 tegn.")},
    )
    er_student = yes_no(_("Er du skoleelev eller student?"))
    studentgrad = forms.ChoiceField(
        label=_("Studerer du på heltid eller deltid?"),
        choices=[("heltid", _("Heltid")), ("deltid", _("Deltid"))],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Svar bare hvis du er skoleelev eller student."),
    )

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        return {**answers, "er_student": from_bool(answers.get("er_student"))}

    def to_answers(self) -> dict[str, Any]:
        student = as_bool(self.cleaned_data.get("er_student"))
        return {
            "kommentar": self.cleaned_data.get("kommentar", ""),
            "er_student": student,
            "studentgrad": self.cleaned_data.get("studentgrad") if student else None,
        }


SIVILSTATUS = [
    ("gift", _("Gift eller registrert partner")),
    ("ugift", _("Ugift")),
    ("samboer", _("Samboer")),
    ("enke", _("Enke eller enkemann")),
    ("skilt", _("Skilt")),
    ("separert", _("Separert")),
]
BARNEBIDRAG = [
    ("betaler", _("Jeg betaler barnebidrag")),
    ("mottar", _("Jeg mottar barnebidrag")),
    ("begge", _("Jeg både betaler og mottar barnebidrag")),
    ("ingen", _("Nei")),
]


class FamilieForm(StepForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.registers.get("person") or {}
        if not (person.get("spouse") and person.get("civil_status") in ("gift", "registrert_partner")):
            self.fields["sivilstatus"] = forms.ChoiceField(
                label=_("Hva er sivilstatusen din?"),
                choices=SIVILSTATUS,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["ektefelle_fornavn"] = TextField(
                label=_("Ektefellens fornavn"),
                max_length=100,
                required=False,
                help_text=_("Svar bare hvis du er gift."),
            )
            self.fields["ektefelle_etternavn"] = TextField(
                label=_("Ektefellens etternavn"), max_length=100, required=False
            )
            self.fields["ektefelle_fodselsdato"] = forms.DateField(
                label=_("Ektefellens fødselsdato"),
                required=False,
                input_formats=["%d.%m.%Y", "%Y-%m-%d"],
                help_text=_("dd.mm.åååå"),
                error_messages={"invalid": _("Skriv fødselsdatoen som dd.mm.åååå, for eksempel 01.02.1990.")},
            )
            self.fields["bor_sammen"] = yes_no(_("Bor du sammen med ektefellen din?"))
        for index, child in enumerate(person.get("children") or []):
            name = child["given_name"]
            if child.get("lives_with_applicant", True):
                self.fields[f"barn_{index}_delt_bosted"] = yes_no(
                    _("Har %(name)s delt bosted?") % {"name": name},
                    _("Delt bosted betyr at barnet bor like mye hos begge foreldrene, etter avtale."),
                )
            else:
                self.fields[f"barn_{index}_samvarsgrad"] = forms.IntegerField(
                    label=_("Hvor mye samvær har du med %(name)s, i prosent?") % {"name": name},
                    min_value=0,
                    max_value=100,
                    required=False,
                    error_messages={
                        "invalid": _("Skriv samværet som et tall fra 0 til 100."),
                        "min_value": _("Skriv samværet som et tall fra 0 til 100."),
                        "max_value": _("Skriv samværet som et tall fra 0 til 100."),
                    },
                )
        if person.get("children"):
            self.fields["barnebidrag"] = forms.ChoiceField(
                label=_("Betaler eller mottar du barnebidrag?"),
                choices=BARNEBIDRAG,
                widget=forms.RadioSelect,
                required=False,
            )

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        initial = {key: value for key, value in answers.items() if key != "barn"}
        initial["bor_sammen"] = from_bool(answers.get("bor_sammen"))
        for index, child in (answers.get("barn") or {}).items():
            initial[f"barn_{index}_delt_bosted"] = from_bool(child.get("delt_bosted"))
            initial[f"barn_{index}_samvarsgrad"] = child.get("samvarsgrad")
        return initial

    def to_answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers: dict[str, Any] = {"barn": {}}
        for key in ("sivilstatus", "ektefelle_fornavn", "ektefelle_etternavn", "barnebidrag"):
            if data.get(key):
                answers[key] = data[key]
        if data.get("ektefelle_fodselsdato"):
            answers["ektefelle_fodselsdato"] = data["ektefelle_fodselsdato"].isoformat()
        if "bor_sammen" in data:
            answers["bor_sammen"] = as_bool(data.get("bor_sammen"))
        for key, value in data.items():
            if key.startswith("barn_"):
                _, index, field = key.split("_", 2)
                child = answers["barn"].setdefault(index, {})
                child[field] = as_bool(value) if field == "delt_bosted" else value
        return answers


class BosituasjonForm(StepForm):
    botype = forms.ChoiceField(
        label=_("Hvordan bor du?"),
        choices=[
            ("eier", _("Jeg eier boligen")),
            ("leier", _("Jeg leier privat")),
            ("kommunal", _("Jeg leier kommunal bolig")),
            ("ingen", _("Jeg har ikke noe sted å bo")),
            ("foreldre", _("Jeg bor hos foreldrene mine")),
            ("familie", _("Jeg bor hos annen familie")),
            ("venner", _("Jeg bor hos venner")),
            ("institusjon", _("Jeg bor på institusjon (sykehus, psykiatri, rus)")),
            ("fengsel", _("Jeg er i fengsel")),
            ("krisesenter", _("Jeg bor på krisesenter")),
            ("annet", _("Annen bosituasjon")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    antall_personer = forms.IntegerField(
        label=_("Hvor mange personer bor du sammen med?"),
        help_text=_("Ikke tell med deg selv."),
        min_value=0,
        max_value=50,
        required=False,
        error_messages={
            "invalid": _("Skriv antallet som et tall, for eksempel 2."),
            "min_value": _("Skriv 0 hvis du bor alene."),
            "max_value": _("Skriv et tall mellom 0 og 50."),
        },
    )


INCOME_CHOICES = [
    ("utbytte", _("Utbytte fra aksjer eller fond")),
    ("salg", _("Salg av eiendom eller eiendeler")),
    ("forsikring", _("Forsikringsutbetaling")),
    ("annet", _("Annet")),
]
BANK_CHOICES = [
    ("brukskonto", _("Brukskonto")),
    ("sparekonto", _("Sparekonto")),
    ("bsu", _("BSU")),
    ("livsforsikring", _("Livsforsikring med sparedel")),
    ("verdipapirer", _("Aksjer, obligasjoner og fond")),
    ("annet", _("Annet")),
]
VALUE_CHOICES = [
    ("bolig", _("Bolig")),
    ("campingvogn", _("Campingvogn og/eller båt")),
    ("kjoretoy", _("Kjøretøy")),
    ("fritidseiendom", _("Fritidseiendom")),
    ("annet", _("Annet")),
]


class InntektForm(StepForm):
    skatt_samtykke = yes_no(
        _("Vil du at vi henter inntekten din fra Skatteetaten?"),
        _("Vi henter skattbar inntekt for siste måned. Svarer du nei, må du legge ved lønnsslipp."),
    )
    bostotte = yes_no(_("Har du søkt om eller fått bostøtte fra Husbanken de siste to månedene?"))
    bostotte_samtykke = yes_no(
        _("Vil du at vi henter opplysninger om bostøtte fra Husbanken?"),
        _("Svar bare hvis du har søkt om eller fått bostøtte. Svarer du nei, må du legge ved vedtaket."),
    )
    studielan = yes_no(
        _("Får du lån eller stipend fra Lånekassen?"), _("Svar bare hvis du er skoleelev eller student.")
    )
    utbetalinger = checkboxes(
        _("Har du de siste tre månedene fått penger som ikke er lønn eller ytelser fra Nav?"), INCOME_CHOICES
    )
    utbetalinger_annet = TextField(label=_("Beskriv andre utbetalinger"), max_length=500, required=False)
    bank = checkboxes(_("Hvilke bankkontoer og spareordninger har du?"), BANK_CHOICES)
    bank_annet = TextField(label=_("Beskriv annen sparing"), max_length=500, required=False)
    verdier = checkboxes(_("Eier du noe med økonomisk verdi?"), VALUE_CHOICES)
    verdier_annet = TextField(label=_("Beskriv andre eiendeler"), max_length=500, required=False)

    BOOLEANS = ("skatt_samtykke", "bostotte", "bostotte_samtykke", "studielan")

    def initial_from(self, answers: dict[str, Any]) -> dict[str, Any]:
        return {**answers, **{key: from_bool(answers.get(key)) for key in self.BOOLEANS}}

    def to_answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {**data, **{key: as_bool(data.get(key)) for key in self.BOOLEANS}}
        if not answers["bostotte"]:
            answers["bostotte_samtykke"] = None
        return answers


HOUSING_CHOICES = [
    ("husleie", _("Husleie")),
    ("strom", _("Strøm")),
    ("kommunaleavgifter", _("Kommunale avgifter")),
    ("oppvarming", _("Ved, gass eller fjernvarme")),
    ("boliglan", _("Avdrag og renter på boliglån")),
    ("annet", _("Andre utgifter til bolig")),
]
CHILD_CHOICES = [
    ("fritidsaktiviteter", _("Fritidsaktiviteter")),
    ("barnehage", _("Barnehage")),
    ("sfo", _("SFO eller AKS")),
    ("tannregulering", _("Tannregulering")),
    ("annet", _("Annet")),
]


class UtgifterForm(StepForm):
    boutgifter = checkboxes(_("Hva betaler du for der du bor?"), HOUSING_CHOICES)
    boutgifter_annet = TextField(label=_("Beskriv andre boutgifter"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if (self.registers.get("person") or {}).get("children"):
            self.fields["barneutgifter"] = checkboxes(_("Har du utgifter til barn?"), CHILD_CHOICES)
            self.fields["barneutgifter_annet"] = TextField(
                label=_("Beskriv andre utgifter til barn"), max_length=500, required=False
            )


AMOUNT_ERRORS = {
    "invalid": _("Skriv beløpet i hele kroner, bare tall, for eksempel 9500."),
    "min_value": _("Beløpet kan ikke være negativt."),
    "max_value": _("Beløpet er for stort. Sjekk at du har skrevet det riktig."),
}


def amount_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100_000_000, required=False, error_messages=AMOUNT_ERRORS
    )
