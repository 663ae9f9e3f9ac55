"""The answers as readable sections, for the summary step and the PDF: each row says where it came from."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import forms as step_forms
from .steps import steps_of


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
        if value in (None, "", [], False):
            continue
        choices = dict(getattr(form_field, "choices", []) or [])
        if isinstance(value, list):
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        elif value is True:
            shown = _("Ja")
        else:
            shown = str(choices.get(value, value))
        rows.append(Row(label=str(form_field.label), value=shown))
    return rows


def _register_rows(step: str, registers: dict[str, Any], office: str) -> list[Row]:
    person = registers.get("person") or {}
    rows: list[Row] = []
    folkeregisteret = _("Folkeregisteret")
    if step == "personalia":
        name = " ".join(
            p for p in (person.get("given_name"), person.get("middle_name"), person.get("family_name")) if p
        )
        rows.append(Row(_("Navn"), name, folkeregisteret))
        rows.append(Row(_("Statsborgerskap"), person.get("citizenship") or _("Ukjent"), folkeregisteret))
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
            rows.append(Row(_("Telefonnummer"), registers["mobile"], _("Kontakt- og reservasjonsregisteret")))
        if registers.get("account"):
            rows.append(Row(_("Kontonummer"), registers["account"], _("Kontoregisteret")))
        rows.append(Row(_("Søknaden sendes til"), office or _("Ikke valgt ennå")))
    if step in ("arbeid", "arbeid_familie"):
        for employment in registers.get("employments", []):
            period = employment["start_date"] + " – " + (employment.get("end_date") or "")
            rows.append(
                Row(employment["employer_name"], f"{employment['percent']} %, {period}", _("Aa-registeret"))
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
                    f"{spouse['given_name']} {spouse['family_name']}, {spouse['birth_date']}",
                    folkeregisteret,
                )
            )
        for child in person.get("children") or []:
            rows.append(
                Row(
                    _("Barn"),
                    f"{child['given_name']} {child['family_name']}, {child['birth_date']}",
                    folkeregisteret,
                )
            )
    elif step == "inntekt":
        for payment in registers.get("nav_payments", []):
            rows.append(Row(payment["benefit"], f"{payment['amount_nok']} kr, {payment['date']}", _("NAV")))
        for income in (registers.get("skatt") or {}).get("incomes", []):
            rows.append(
                Row(
                    income["employer_name"],
                    f"{income['gross_nok']} kr ({income['period_start']} – {income['period_end']})",
                    _("Skatteetaten"),
                )
            )
        if (registers.get("skatt") or {}).get("status") == "failed":
            rows.append(
                Row(_("Inntekt"), _("Vi fikk ikke hentet inntekten din fra Skatteetaten."), _("Skatteetaten"))
            )
        husbanken = registers.get("husbanken") or {}
        for payment in husbanken.get("payments", []):
            rows.append(Row(_("Bostøtte"), f"{payment['amount_nok']} kr, {payment['date']}", _("Husbanken")))
        if husbanken.get("status") == "failed":
            rows.append(
                Row(_("Bostøtte"), _("Vi fikk ikke hentet opplysninger fra Husbanken."), _("Husbanken"))
            )
    return rows
