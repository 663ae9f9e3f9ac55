"""After a validation error focus goes to the error summary (Aksel's pattern), without JavaScript too; text
areas get the same visible focus as inputs (issue 17)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from digisos.application.models import Application

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "src" / "digisos" / "static" / "digisos"


def _static(name: str) -> str:
    return (STATIC / name).read_text()


def test_the_error_summary_takes_focus_without_javascript(client, citizen_of, reference_data):
    user = citizen_of("kari-leier-oslo")
    client.force_login(user)
    client.post(reverse("application:new"))
    application = Application.objects.get(owner=user)

    response = client.post(reverse("application:step", args=[application.id, "behov"]), {"hva": ""})

    html = response.content.decode()
    summary = re.search(r"<div[^>]*aksel-error-summary[^>]*>", html)
    assert summary, "an error summary"
    assert 'tabindex="-1"' in summary.group(0)
    assert re.search(r"\sautofocus[\s>]", summary.group(0)), summary.group(0)


def test_a_script_of_our_own_focuses_the_error_summary_where_autofocus_is_not_honoured(client):
    html = client.get("/").content.decode()
    assert re.search(r'<script src="[^"]*digisos/focus\.js" defer></script>', html)
    script = _static("focus.js")
    assert "[data-autofocus]" in script and ".focus(" in script


def test_textareas_get_the_same_visible_focus_as_inputs():
    css = _static("site.css")
    rules = [rule for rule in re.findall(r"([^{}]+)\{([^}]*)\}", css) if "input:focus-visible" in rule[0]]
    assert rules, "the inputs' focus rule"
    selectors, body = rules[0]
    assert "textarea:focus-visible" in selectors, selectors
    assert "outline: 3px solid" in body
