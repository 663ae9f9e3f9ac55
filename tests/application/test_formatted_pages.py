"""The application's steps, summary, start page and receipt show dates, amounts, countries, phone and account
numbers formatted per language with core/formatting.py: no ISO dates, no "NOR", no "3450 kr" (issue 17)."""

import re

import pytest
from django.urls import reverse

from digisos.application.models import Application
from tests.application.test_application_flow import walk_through

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _set_language(client, language: str) -> None:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})


@pytest.mark.parametrize(
    ("language", "country", "sent"),
    [("nb", "Polen", "kl."), ("nn", "Polen", "kl."), ("en", "Poland", " at ")],
)
def test_steps_and_summary_format_per_language(client, citizen_of, reference_data, language, country, sent):
    user = citizen_of("familie-bergen")
    client.force_login(user)
    client.post(reverse("application:new"))
    application = Application.objects.get(owner=user)
    # The Folkeregister's facts of another citizenship, to see it named (the family in Bergen is Norwegian).
    application.registers = {
        **application.registers,
        "person": {**application.registers["person"], "citizenship": "POL"},
        "mobile": "+4791234567",
        "account": "12345678903",
    }
    application.save(update_fields=["registers"])
    walk_through(client, application)
    _set_language(client, language)

    personalia = _main(
        client.get(reverse("application:step", args=[application.id, "personalia"])).content.decode()
    )
    assert f"<dd>{country}</dd>" in personalia
    assert "912 34 567" in personalia and "1234 56 78903" in personalia
    family = _main(client.get(reverse("application:step", args=[application.id, "familie"])).content.decode())
    assert not ISO_DATE.search(family), ISO_DATE.search(family)
    summary = _main(
        client.get(reverse("application:step", args=[application.id, "oppsummering"])).content.decode()
    )
    assert not ISO_DATE.search(summary), ISO_DATE.search(summary)
    assert country in summary and ">POL<" not in summary
    assert "1234 56 78903" in summary
    start = _main(client.get(reverse("application:start")).content.decode())
    if language == "en":
        assert not re.search(r"\d+\. [A-Z][a-z]+ \d{4}", start), "no Norwegian date on English pages"
