"""The manual inbox in Chromium, axe on every page: Oslo's caseworker logs in through the employee login,
finds Kari's application, marks it received by keyboard alone, asks for a document (after first picking a
deadline in the past) and records a decision with its letter."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from tests.documents import corpus
from tests.fixtures.browser import check_accessibility, tab_to
from tests.inbox.conftest import send_application

from digisos.core.formatting import formatters
from digisos.exchange.models import Case, Delivery
from digisos.soker.constants import EventType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_caseworker(page: Page) -> None:
    page.goto("/innboks/")  # logged out: to the employee login, and back to the inbox after
    expect(page.get_by_role("heading", name="Velg testansatt")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-sara-saksbehandler").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Innboks", exact=True)).to_be_visible()
    check_accessibility(page)


def saved(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(message)
    check_accessibility(page)


def test_caseworker_receives_asks_for_a_document_and_decides(
    page, idporten_settings, document_settings, municipalities_loaded, tmp_path
):
    application = send_application("kari-leier-oslo")
    case = Case.objects.get(application=application)
    assert Delivery.objects.get(case=case).status == "available"

    log_in_as_caseworker(page)
    inbox = page.get_by_test_id("inbox")
    row = inbox.get_by_role("row", name=re.compile(application.reference))
    expect(row).to_contain_text("Ny")
    expect(row).to_contain_text("Søknad")
    row.get_by_role("link", name=application.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Søknad {application.reference}")
    check_accessibility(page)
    expect(page.get_by_role("link", name="Søknaden (PDF)")).to_be_visible()
    expect(page.get_by_role("link", name="kontrakt.pdf")).to_be_visible()

    # Mark received with the keyboard alone.
    tab_to(page, r"^\s*Marker som mottatt\s*$")
    page.keyboard.press("Enter")
    saved(page, "Søknaden er markert som mottatt.")
    expect(page.get_by_test_id("events")).to_contain_text("Status på søknaden: Mottatt")
    expect(page.get_by_test_id("received")).to_be_visible()
    expect(page.get_by_test_id("current-status")).to_have_text("Mottatt")

    # Ask for a document: a deadline in the past is refused with a plain message, then a good one is sent.
    form = page.get_by_test_id("dokumentasjon-form")
    form.get_by_label("Hvilket dokument skal søkeren sende?").fill("Kontoutskrift")
    form.get_by_label("Mer informasjon til søkeren").fill("For de siste tre månedene")
    form.get_by_label("Frist").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    form.get_by_role("button", name="Send forespørselen").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Velg en frist som er i dag eller senere.")
    check_accessibility(page)
    summary.get_by_role("link").click()
    expect(page.get_by_test_id("dokumentasjon-form").get_by_label("Frist")).to_be_focused()
    deadline = timezone.localdate() + timedelta(days=14)
    form = page.get_by_test_id("dokumentasjon-form")
    form.get_by_label("Frist").fill(deadline.isoformat())
    form.get_by_role("button", name="Send forespørselen").click()
    saved(page, "Søkeren er bedt om dokumentasjon")
    # The deadline as core writes a day in bokmål ("14. desember 2026").
    expect(page.get_by_test_id("events")).to_contain_text(
        f"Kontoutskrift, frist {formatters('nb').day(deadline)}"
    )

    # Record a decision with its letter.
    letter = tmp_path / "vedtak.pdf"
    letter.write_bytes(corpus.pdf(pages=1, text="Vedtak"))
    form = page.get_by_test_id("vedtak-form")
    form.get_by_label("Innvilget", exact=True).check()
    form.get_by_label("Vedtaksbrev (PDF)").set_input_files(str(letter))
    form.get_by_role("button", name="Lagre vedtaket").click()
    saved(page, "Vedtaket er lagret.")
    expect(page.get_by_test_id("events")).to_contain_text("Vedtak: Innvilget")
    expect(page.get_by_test_id("letters").get_by_role("link", name="vedtak.pdf")).to_be_visible()

    case.refresh_from_db()
    assert [e["type"] for e in case.soker["hendelser"]] == [
        EventType.SOKNADS_STATUS,
        EventType.SOKNADS_STATUS,  # under processing from the first request
        EventType.DOKUMENTASJON_ETTERSPURT,
        EventType.SAKS_STATUS,
        EventType.VEDTAK_FATTET,
        EventType.SOKNADS_STATUS,  # every sak decided: done
    ]
    expect(page.get_by_test_id("current-status")).to_contain_text("Ferdig behandlet")
    assert Delivery.objects.get(case=case).status == "collected"

    # Back in the inbox the application is listed as received.
    page.get_by_role("link", name="Tilbake til innboksen").click()
    expect(page.get_by_role("heading", name="Innboks", exact=True)).to_be_visible()
    check_accessibility(page)
    expect(
        page.get_by_test_id("inbox").get_by_role("row", name=re.compile(application.reference))
    ).to_contain_text("Ferdig behandlet")
