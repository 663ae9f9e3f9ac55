"""A text field holding only invisible characters is empty: required fields say so, and nothing is stored."""

import pytest

from digisos.application.forms import BehovForm
from digisos.core.forms import TextField, strip_invisible

INVISIBLE = ["\u200b", "\ufeff", " \u200b\u200c\u200d\u2060 ", "\u200e\n\u200f"]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_a_required_answer_of_invisible_characters_is_missing(typed):
    form = BehovForm({"hva": typed, "hvorfor": ""}, answers={}, registers={})
    assert not form.is_valid()
    assert form.errors["hva"] == ["Skriv kort hva du søker om, for eksempel mat eller husleie."]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_optional_answer_of_invisible_characters_is_stored_as_empty(typed):
    assert TextField(required=False).clean(typed) == ""


def test_invisible_characters_inside_a_text_stay():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three people joined
    assert strip_invisible(f"\u200b Mat til {family}\ufeff ") == f"Mat til {family}"
    assert TextField().clean(f"\u200bMat til {family}") == f"Mat til {family}"
    assert TextField(strip=False).clean("\u200b") == "\u200b"  # a field that keeps what was typed


def test_a_text_over_its_limit_is_refused_when_sent_not_cut_by_the_browser():
    """No maxlength on the input (the browser would cut a pasted text there without a word); the form says the
    text is too long, and the person shortens it."""
    form = BehovForm({"hva": "x" * 501, "hvorfor": ""}, answers={}, registers={})
    assert "maxlength" not in str(form["hva"])
    assert not form.is_valid()
    assert form.errors["hva"] == ["Skriv høyst 500 tegn om hva du søker om."]
