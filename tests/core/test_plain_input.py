"""The accessible form tag writes a plain <input> itself (digisos_forms._plain_input): the same HTML as Django's
form renderer, for every kind of value and attribute, without rendering the renderer's templates."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django import forms
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from digisos.core.templatetags.digisos_forms import _options, _plain_input, form_field, widget
from digisos.followup.forms import PersonLookupForm


class EveryInput(forms.Form):
    text = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"})
    )
    optional = forms.CharField(
        required=False,
        help_text="Hjelp",
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Skriv")}),
    )
    number = forms.DecimalField(required=False, localize=True)
    integer = forms.IntegerField(min_value=0, max_value=9)
    email = forms.EmailField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden_secret = forms.CharField(required=False, widget=forms.PasswordInput)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date", "data-flag": True, "data-off": False})
    )
    disabled = forms.CharField(required=False, disabled=True, initial="fast")
    own_id = forms.CharField(required=False, widget=forms.TextInput(attrs={"id": "eget", "class": "x"}))
    safe = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": mark_safe("<b>&amp;</b>")}))
    # Attributes to escape, a number and None (written as Django's attrs.html writes them: data-none="None").
    quoted = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"title": "\"<a&b>'", "data-n": 3, "data-none": None})
    )


DATA = [
    None,
    {},
    {
        "text": "a\"<b>&'c",
        "optional": "",
        "number": "1234.5",
        "integer": "12",
        "email": "x@",
        "secret": "hemmelig",
        "hidden_secret": "skjult",
        "hidden": "<h>",
        "day": "2026-13-01",
        "own_id": " mellom ",
    },
    {"text": "12345678901", "integer": "3", "number": "nope", "day": "2026-01-02", "email": "a@b.no"},
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_plain_input_is_djangos_html(data, language, settings) -> None:
    from django.utils import translation

    initial = {"integer": 4, "number": Decimal("5250.5"), "day": datetime.date(2026, 3, 1), "text": "<i>"}
    with translation.override(language):
        form = EveryInput(data, initial=initial)
        if data is not None:
            form.is_valid()
        for field in form:
            for attrs in (
                {},
                {"class": "k", "aria-describedby": "h e"},
                {"aria-invalid": "true", "class": "k"},
            ):
                ours = _plain_input(field, dict(attrs))
                assert ours is not None, field.name
                assert str(ours) == str(field.as_widget(attrs=dict(attrs))), field.name


def test_other_widgets_still_go_through_django() -> None:
    form = EveryInput({})
    form.fields["text"].widget = forms.Textarea()
    assert _plain_input(form["text"], {}) is None
    assert _plain_input(PersonLookupForm(role=None)["purpose"], {}) is None


@pytest.mark.parametrize("data", [None, {"fnr": ""}, {"fnr": "123<"}, {"fnr": "01010112345", "purpose": "x"}])
def test_the_lookup_form_renders_no_widget_template(data) -> None:
    """The person lookup's fields (both of them) are written without the form renderer's templates or Django's
    option objects."""
    form = PersonLookupForm(data, role="kommune_saksbehandler")
    if data is not None:
        form.is_valid()
    no_bound_widgets = mock.PropertyMock(side_effect=AssertionError("Django's option objects"))
    with (
        mock.patch.object(DjangoTemplates, "render", side_effect=AssertionError("a widget template")),
        mock.patch.object(BoundField, "subwidgets", no_bound_widgets),
    ):
        html = "".join(form_field(field) for field in form)
    assert 'name="fnr"' in html
    assert 'autocomplete="off"' in html
    assert str(widget(form["fnr"])).startswith('<input type="text" name="fnr"')


class EveryChoice(forms.Form):
    one = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("a", "A <a>"), ("b", gettext_lazy("B")), (3, "Tre")]
    )
    optional = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=[("", "Ingen"), ("x", "X")]
    )
    many = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, choices=[("1", "En"), ("2", "To"), ("3", "Tre")]
    )
    boolean = forms.TypedChoiceField(
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
        choices=[(True, "Ja"), (False, "Nei")],
        initial=False,
    )
    grouped = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, choices=[("G", [("g1", "G1"), ("g2", "G2")]), ("h", "H")]
    )
    own_id = forms.ChoiceField(
        required=False, widget=forms.RadioSelect(attrs={"id": "eget"}), choices=[("p", "P")]
    )


def djangos_options(field) -> list[tuple]:
    return [(o.data["value"], o.id_for_label, o.data["selected"], o.choice_label) for o in field]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"one": "b", "optional": "x", "many": ["1", "3"], "boolean": "True", "grouped": "g2", "own_id": "p"},
        {"one": "3", "many": ["9"], "optional": "zz"},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_the_options_are_djangos(data, auto_id) -> None:
    form = EveryChoice(data, auto_id=auto_id)
    if data is not None:
        form.is_valid()
    for field in form:
        assert _options(field) == djangos_options(field), field.name
    lookup = PersonLookupForm({"purpose": "x"}, role="kommune_saksbehandler")
    assert _options(lookup["purpose"]) == djangos_options(lookup["purpose"])
