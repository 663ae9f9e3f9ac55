"""The answers as readable sections, for the summary step and the PDF: each row says where it came from."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from digisos.core import formatting

from . import forms as step_forms
from .requirements import Requirement
from .steps import AMOUNT_FIELDS, steps_of


@dataclass
class Row:
    label: str
    value: str
    source: str = ""  # a register's name, or "" for the person's own answer


@dataclass
class Section:
    title: str
    slug: str
    rows: list[Row] = field(default_factory=list)


def sections(
    answers: dict[str, Any], registers: dict[str, Any], *, office: str, short: bool = False
) -> list[Section]:
    result = []
    for step in steps_of(short):
        if step.form is None:
            continue
        section = Section(title=str(step.title), slug=step.slug)
        section.rows += _register_rows(step.key, registers, office)
        if step.key in answers:
            section.rows += _answer_rows(step.form, answers[step.key], registers)
        result.append(section)
    return result


def _answer_rows(
    form_class: type[step_forms.StepForm], answers: dict[str, Any], registers: dict[str, Any]
) -> list[Row]:
    form = form_class(answers=answers, registers=registers)
    rows = []
    for name, form_field in form.fields.items():
        value = form.initial.get(name)
        # 0 is an answer ("0 personer", "0 kr"): only nothing, an empty text or list, or an unticked box is
        # left out (`0 in (False,)` is true in Python, so compare by identity and type).
        if value is None or value is False or (isinstance(value, str | list) and not value):
            continue
        rows.append(Row(label=str(form_field.label), value=_shown(name, form_field, value)))
    return rows


def _shown(name: str, form_field: forms.Field, value: Any) -> str:
    """An answer as the page shows it: choices by their label, dates, amounts, phone and account numbers
    formatted in the page's language (core/formatting.py)."""
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if value is True:
        return _("Ja")
    if choices:
        return str(choices.get(value, value))
    if name == "telefon":
        return formatting.phone(str(value))
    if name == "kontonummer":
        return formatting.account(str(value))
    if isinstance(form_field, forms.DateField):
        return formatting.day(value)
    if (
        isinstance(form_field, forms.IntegerField)
        and form_field.error_messages is not None
        and (form_field.error_messages.get("invalid") == step_forms.AMOUNT_ERRORS.get("invalid"))
    ):
        return formatting.amount(value)
    if isinstance(value, int | float):
        return formatting.number(value)
    return str(value)


def amounts_shown(answers: dict[str, Any], requirement: Requirement) -> str:
    """The amounts typed for a requirement on the documentation step, as the summary and the PDF show them:
    "3 450 kr", or "brutto 32 000 kr, netto 24 500 kr" where there are two; "" where none was typed."""
    typed = answers.get("dokumentasjon", {}).get(requirement.key, {}).get("belop", {})
    names = {"brutto": _("brutto"), "netto": _("netto"), "avdrag": _("avdrag"), "renter": _("renter")}
    shown = [
        formatting.amount(typed[name])
        if name == "belop"
        else f"{names[name]} {formatting.amount(typed[name])}"
        for name, _label in AMOUNT_FIELDS.get(requirement.amount, [])
        if typed.get(name) is not None
    ]
    return ", ".join(shown)


def registered_name(registers: dict[str, Any] | None) -> str:
    """The applicant's name as Folkeregisteret gave it in the application's register snapshot ("" if none)."""
    person = (registers or {}).get("person") or {}
    return " ".join(str(person[k]) for k in ("given_name", "middle_name", "family_name") if person.get(k))


def _register_rows(step: str, registers: dict[str, Any], office: str) -> list[Row]:
    person = registers.get("person") or {}
    rows: list[Row] = []
    folkeregisteret = _("Folkeregisteret")
    if step == "personalia":
        rows.append(Row(_("Navn"), registered_name(registers), folkeregisteret))
        rows.append(
            Row(
                _("Statsborgerskap"),
                formatting.country(person.get("citizenship")) or _("Ukjent"),
                folkeregisteret,
            )
        )
        address = person.get("bostedsadresse")
        if address:
            rows.append(
                Row(
                    _("Folkeregistrert adresse"),
                    f"{address['street_name']} {address['house_number']}{address.get('house_letter') or ''}, {address['postnummer']} {address['poststed']}",
                    folkeregisteret,
                )
            )
        if registers.get("mobile"):
            rows.append(
                Row(
                    _("Telefonnummer"),
                    formatting.phone(registers["mobile"]),
                    _("Kontakt- og reservasjonsregisteret"),
                )
            )
        if registers.get("account"):
            rows.append(Row(_("Kontonummer"), formatting.account(registers["account"]), _("Kontoregisteret")))
        rows.append(Row(_("Søknaden sendes til"), office or _("Ikke valgt ennå")))
    if step in ("arbeid", "arbeid_familie"):
        for employment in registers.get("employments", []):
            period = (
                f"{formatting.day(employment['start_date'])} – {formatting.day(employment.get('end_date'))}"
            )
            rows.append(
                Row(
                    employment["employer_name"],
                    f"{formatting.number(employment['percent'])} %, {period}".strip(" –"),
                    _("Aa-registeret"),
                )
            )
        if "aaregister" in registers.get("failed", []):
            rows.append(
                Row(_("Arbeidsforhold"), _("Vi fikk ikke hentet arbeidsforholdene dine."), _("Aa-registeret"))
            )
    if step in ("familie", "arbeid_familie"):
        spouse = person.get("spouse")
        if spouse:
            rows.append(
                Row(
                    _("Ektefelle"),
                    f"{spouse['given_name']} {spouse['family_name']}, {formatting.day(spouse['birth_date'])}",
                    folkeregisteret,
                )
            )
        for child in person.get("children") or []:
            rows.append(
                Row(
                    _("Barn"),
                    f"{child['given_name']} {child['family_name']}, {formatting.day(child['birth_date'])}",
                    folkeregisteret,
                )
            )
    elif step == "inntekt":
        for payment in registers.get("nav_payments", []):
            rows.append(
                Row(
                    payment["benefit"],
                    f"{formatting.amount(payment['amount_nok'])}, {formatting.day(payment['date'])}",
                    _("NAV"),
                )
            )
        for income in (registers.get("skatt") or {}).get("incomes", []):
            rows.append(
                Row(
                    income["employer_name"],
                    f"{formatting.amount(income['gross_nok'])} ({formatting.day(income['period_start'])} – "
                    f"{formatting.day(income['period_end'])})",
                    _("Skatteetaten"),
                )
            )
        if (registers.get("skatt") or {}).get("status") == "failed":
            rows.append(
                Row(_("Inntekt"), _("Vi fikk ikke hentet inntekten din fra Skatteetaten."), _("Skatteetaten"))
            )
        husbanken = registers.get("husbanken") or {}
        for payment in husbanken.get("payments", []):
            rows.append(
                Row(
                    _("Bostøtte"),
                    f"{formatting.amount(payment['amount_nok'])}, {formatting.day(payment['date'])}",
                    _("Husbanken"),
                )
            )
        if husbanken.get("status") == "failed":
            rows.append(
                Row(_("Bostøtte"), _("Vi fikk ikke hentet opplysninger fra Husbanken."), _("Husbanken"))
            )
    return rows
