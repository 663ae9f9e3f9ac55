"""The inbox shows who applied and what they wrote (issue 17): the list names the applicant, the office, when
it came and what needs attention; the case page shows the application's answers in readable sections (the
application summary's), without the address when the person's address is protected. Never the fødselsnummer."""

import pytest
from django.conf import settings
from django.urls import reverse

from digisos.application.models import Application
from tests.inbox.test_inbox import case_of, case_url, kari, sara  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def _row(html: str, reference: str) -> str:
    return html.split(reference)[0].rsplit("<tr", 1)[1] + html.split(reference)[1].split("</tr>")[0]


def test_the_list_names_the_applicant_the_office_and_what_needs_attention(client, sara, kari):  # noqa: F811
    html = client.get(reverse("inbox:inbox")).content.decode()
    row = _row(html, kari.reference)
    assert "Kari Nordmann" in row
    assert kari.office_name and kari.office_name in row
    assert "Ny søknad" in row
    assert kari.owner.pid not in html

    client.post(case_url(kari, "mark-received"))
    row = _row(client.get(reverse("inbox:inbox")).content.decode(), kari.reference)
    assert "Ny søknad" not in row and "Ikke påbegynt" in row


def test_the_case_page_shows_who_applied_and_the_answers_in_sections(client, sara, kari):  # noqa: F811
    html = client.get(case_url(kari)).content.decode()
    assert "Kari Nordmann" in html.split("</h1>")[0] + html.split("</h1>")[1][:400]
    sections = html.split('data-testid="application-sections"')[1].split("</section>\n  </div>")[0]
    assert "Penger til mat og husleie" in sections and "Jeg mistet jobben" in sections
    assert "Thorvald Meyers gate" in sections
    assert kari.owner.pid not in html


def test_a_protected_address_is_never_shown(client, sara, kari):  # noqa: F811
    registers = kari.registers
    registers["person"]["address_protection"] = "fortrolig"
    Application.objects.filter(pk=kari.pk).update(registers=registers)
    html = client.get(case_url(kari)).content.decode()
    assert "Kari Nordmann" in html
    assert "Thorvald Meyers gate" not in html and "0555" not in html
    assert "Adressen vises ikke" in html


def test_the_list_writes_when_each_came_in_the_page_language(client, sara, kari):  # noqa: F811
    """The list's times follow the page's language like every other page (issue 17), not "29.11.2026 kl. 09:23"
    on an English page."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    row = _row(client.get(reverse("inbox:inbox")).content.decode(), kari.reference)
    assert " at " in row and " kl. " not in row
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    row = _row(client.get(reverse("inbox:inbox")).content.decode(), kari.reference)
    assert " kl. " in row
