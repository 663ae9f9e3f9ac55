"""The application's steps, in order: the standard nine, or kort søknad's five for a person who had help
from the same municipality recently (`Application.variant`)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import forms as step_forms
from .requirements import Requirement


@dataclass(frozen=True)
class Step:
    key: str
    slug: str
    title: Any
    form: type[step_forms.StepForm] | None


STEPS = [
    Step("personalia", "personalia", _("Personopplysninger"), step_forms.PersonaliaForm),
    Step("behov", "behov", _("Hva søker du om?"), step_forms.BehovForm),
    Step("arbeid", "arbeid-og-utdanning", _("Arbeid og utdanning"), step_forms.ArbeidForm),
    Step("familie", "familie", _("Familiesituasjon"), step_forms.FamilieForm),
    Step("bosituasjon", "bosituasjon", _("Bosituasjon"), step_forms.BosituasjonForm),
    Step("inntekt", "inntekt-og-formue", _("Inntekt og formue"), step_forms.InntektForm),
    Step("utgifter", "utgifter", _("Utgifter"), step_forms.UtgifterForm),
    Step("dokumentasjon", "dokumentasjon", _("Dokumentasjon"), None),
    Step("oppsummering", "oppsummering", _("Oppsummering"), None),
]
SHORT_STEPS = [
    STEPS[0],
    Step("behov", "behov", _("Hva søker du om?"), step_forms.KortBehovForm),
    Step("arbeid_familie", "arbeid-og-familie", _("Arbeid og familie"), step_forms.KortArbeidFamilieForm),
    Step("dokumentasjon", "dokumentasjon", _("Inntekter og dokumenter"), None),
    STEPS[-1],
]


def steps_of(short: bool) -> list[Step]:
    return SHORT_STEPS if short else STEPS


def by_slug(slug: str, *, short: bool) -> Step | None:
    return next((step for step in steps_of(short) if step.slug == slug), None)


def number_of(step: Step, *, short: bool = False) -> int:
    return steps_of(short).index(step) + 1


def neighbour(step: Step, offset: int, *, short: bool = False) -> Step | None:
    steps = steps_of(short)
    index = steps.index(step) + offset
    return steps[index] if 0 <= index < len(steps) else None


def resume_at(answers: dict[str, Any], *, short: bool, has_office: bool, paused: str = "") -> Step:
    """Where "Fortsett der du slapp" opens a draft: the first step not done (the summary when all are), or the
    step the person paused on (`paused`: pressed "Lagre og fortsett senere", or uploaded, on it) if that comes
    before.

    Going forward one step at a time, the first step not done is the one after the last saved, where the person
    was going. A step saved with "Lagre og fortsett senere" is done too (most steps have no required field), but
    the person left off on it, perhaps half through, and expects it back; so also the documentation step after
    an upload, where more documents may follow. When a later step is saved and an earlier one is not (the steps
    are links, a person may jump ahead) the earlier one comes first: it has to be filled in before the
    application can be sent. A step is done when its answers are saved (a step is saved only when it
    validates); the address step only when it also found a NAV office (it is saved without one, so that the
    typed address is kept, but nothing can be sent until it has one)."""
    shown = steps_of(short)
    first = next(
        (s for s in shown[:-1] if s.key not in answers or (s.key == "personalia" and not has_office)),
        shown[-1],
    )
    paused_step = by_slug(paused, short=short) if paused else None  # not a step of this variant: none
    if paused_step is not None and shown.index(paused_step) < shown.index(first):
        return paused_step
    return first


STEP_FORM_ID = "step-form"


class DokumentasjonForm(forms.Form):
    """Amounts and "levert tidligere" per documentation requirement; fields named by the requirement's index."""

    default_renderer = step_forms.STEP_RENDERER

    def __init__(
        self, *args: Any, requirements: list[Requirement], answers: dict[str, Any], **kwargs: Any
    ) -> None:
        self.requirements = requirements
        stored = answers.get("dokumentasjon", {})
        initial: dict[str, Any] = {}
        for index, requirement in enumerate(requirements):
            saved = stored.get(requirement.key, {})
            initial[f"r{index}_levert"] = saved.get("levert_tidligere", False)
            for name, value in saved.get("belop", {}).items():
                initial[f"r{index}_{name}"] = value
        super().__init__(*args, initial=initial, **kwargs)
        for index, requirement in enumerate(requirements):
            for name, label in AMOUNT_FIELDS.get(requirement.amount, []):
                self.fields[f"r{index}_{name}"] = _named(step_forms.amount_field(label), requirement)
            if not requirement.optional:
                self.fields[f"r{index}_levert"] = _named(
                    forms.BooleanField(
                        label=_("Jeg har levert dette dokumentet til Nav tidligere"), required=False
                    ),
                    requirement,
                )
        # The fields stand in their requirement's card, beside its upload button, and belong to the one step
        # form (HTML's form attribute): an upload sends the amounts typed so far, and they are kept.
        for field in self.fields.values():
            field.widget.attrs["form"] = STEP_FORM_ID

    def fields_of(self, index: int) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(f"r{index}_")]

    def to_answers(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for index, requirement in enumerate(self.requirements):
            amounts = {
                name: self.cleaned_data[f"r{index}_{name}"]
                for name, _label in AMOUNT_FIELDS.get(requirement.amount, [])
                if self.cleaned_data.get(f"r{index}_{name}") is not None
            }
            result[requirement.key] = {
                "belop": amounts,
                "levert_tidligere": bool(self.cleaned_data.get(f"r{index}_levert")),
            }
        return result


def _named(field: forms.Field, requirement: Requirement) -> forms.Field:
    """The field with its document's name for the error summary (`summary_label`, digisos_forms): the same
    fields repeat on every document's card, and "Beløp i kroner: …" twice at the top of the page did not say
    which document each error was about. On the card the fieldset's legend names the document already."""
    field.summary_label = format_lazy(  # type: ignore[attr-defined]
        # Translators: an amount field's label, then the document it belongs to, as the error summary shows it.
        _("{field} – {document}"),
        field=field.label,
        document=_(requirement.title),  # a title is a msgid of requirements.py (gettext_noop)
    )
    return field


AMOUNT_FIELDS = {
    "belop": [("belop", _("Beløp i kroner"))],
    "brutto_netto": [
        ("brutto", _("Brutto (før skatt), i kroner")),
        ("netto", _("Netto (utbetalt), i kroner")),
    ],
    "avdrag_renter": [
        ("avdrag", _("Avdrag per måned, i kroner")),
        ("renter", _("Renter per måned, i kroner")),
    ],
}
