"""The guide's questions. All optional except the situation; nothing here is saved."""

from functools import cache

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from digisos.core.forms import TextField

from .rates import Children
from .rules import guide_data
from .selectors import Answers

MAX_KRONER = 10_000_000
MAX_CHILDREN = 20


def _situation_choices() -> list[tuple[str, str]]:
    return [(situation.id, _(situation.label)) for situation in guide_data().situations]


def parse_kroner(text: str) -> int | None:
    """Whole kroner from «12 000», «12000 kr» or «12.000», as people write amounts; None if it is not one."""
    digits = text.lower().replace("kr", "").replace(" ", "").replace("\u00a0", "").replace(".", "")
    # isascii: str.isdigit() also takes «²» and other scripts' digits, which int() refuses.
    if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_KRONER:
        return None
    return int(digits)


class KronerField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        amount = parse_kroner(text)
        if amount is None:
            raise forms.ValidationError(
                _("Skriv beløpet i hele kroner, for eksempel 12000. Du kan også la feltet stå tomt.")
            )
        return amount


class ChildrenField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=0,
            max_value=MAX_CHILDREN,
            error_messages={
                "invalid": _(
                    "Skriv antall barn som et tall, for eksempel 2. Har du ingen, la feltet stå tomt."
                ),
                "min_value": _(
                    "Skriv antall barn som et tall, for eksempel 2. Har du ingen, la feltet stå tomt."
                ),
                "max_value": _("Skriv et tall fra 0 til 20."),
            },
            **kwargs,
        )


class GuideForm(forms.Form):
    situations = forms.MultipleChoiceField(
        label=_("Hva gjelder det?"),
        widget=forms.CheckboxSelectMultiple,
        choices=_situation_choices,
        error_messages={"required": _("Velg minst én ting som passer for deg.")},
    )
    municipality = TextField(
        label=_("Kommune"), required=False, max_length=100, help_text=_("Navn eller nummer på kommunen.")
    )
    household = forms.ChoiceField(
        label=_("Hvem bor du med?"),
        widget=forms.RadioSelect,
        required=False,
        initial="single",
        choices=[
            ("single", _("Jeg bor alene eller bare med barn")),
            ("couple", _("Jeg bor med ektefelle eller samboer")),
            ("shared", _("Jeg deler bolig med andre voksne")),
        ],
    )
    children_0_5 = ChildrenField(label=_("Barn 0 til 5 år"))
    children_6_10 = ChildrenField(label=_("Barn 6 til 10 år"))
    children_11_17 = ChildrenField(label=_("Barn 11 til 17 år"))
    income = KronerField(
        label=_("Inntekt i måneden"),
        required=False,
        help_text=_("Det du får utbetalt, i kroner. Barnetrygd skal ikke med."),
    )
    housing_cost = KronerField(
        label=_("Boutgifter i måneden"),
        required=False,
        help_text=_("Husleie eller lån, og strøm, i kroner."),
    )

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            situations=frozenset(data["situations"]),
            municipality=data["municipality"].strip(),
            household=data["household"] or "single",
            children=Children(
                aged_0_5=data["children_0_5"] or 0,
                aged_6_10=data["children_6_10"] or 0,
                aged_11_17=data["children_11_17"] or 0,
            ),
            income=data["income"],
            housing_cost=data["housing_cost"],
        )


HOUSEHOLDS = frozenset({"single", "couple", "shared"})
CHILD_FIELDS = ("children_0_5", "children_6_10", "children_11_17")


def quick_answers(data: QueryDict) -> Answers | None:
    """The answers when every field is plainly valid, read without building GuideForm (the answer page is the
    guide's hot path, and the form's field copies and cleaning were a fifth of it). Anything else gives None,
    and the view lets GuideForm decide and say what to fix; where this accepts, it agrees with the form
    (tests/guide/test_pages.py checks it)."""
    situations = data.getlist("situations")
    if not situations or not set(situations) <= _situation_ids():
        return None
    municipality = data.get("municipality", "")
    household = data.get("household", "") or "single"
    if len(municipality) > 100 or "\x00" in municipality or household not in HOUSEHOLDS:
        return None
    children = []
    for name in CHILD_FIELDS:
        text = data.get(name, "").strip()
        if text and not (text.isascii() and text.isdigit() and int(text) <= MAX_CHILDREN):
            return None
        children.append(int(text) if text else 0)
    amounts = []
    for name in ("income", "housing_cost"):
        text = data.get(name, "").strip()
        amount = parse_kroner(text) if text else None
        if text and amount is None:
            return None
        amounts.append(amount)
    return Answers(
        situations=frozenset(situations),
        municipality=municipality.strip(),
        household=household,  # type: ignore[arg-type]
        children=Children(aged_0_5=children[0], aged_6_10=children[1], aged_11_17=children[2]),
        income=amounts[0],
        housing_cost=amounts[1],
    )


@cache
def _situation_ids() -> frozenset[str]:
    return frozenset(situation.id for situation in guide_data().situations)
