"""Issue 14's baseline pages in Chromium, axe on each: Oslo's caseworker enters a month's paper applications
in the inbox (an error first, then the count), and the public dashboard shows Bergen after go-live against
its baseline, the benefits table readable with its definitions."""

import pytest
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility
from tests.insights.test_benefits_page import make_bergen_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_caseworker_enters_a_month_of_paper_applications(
    page: Page, idporten_settings, municipalities_loaded
):
    page.goto("/innboks/")
    expect(page.get_by_role("heading", name="Velg testansatt")).to_be_visible()
    check_accessibility(page)
    page.locator("#sub-sara-saksbehandler").check()
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Innboks", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Før inn papirsøknader per måned").click()
    expect(page.get_by_role("heading", name="Papirsøknader per måned", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Lagre antallet").click()
    expect(page.locator("#error-summary")).to_contain_text("Skriv hvor mange papirsøknader som kom i måneden")
    check_accessibility(page)
    page.locator("#id_papir-month").select_option(index=2)  # last month
    page.get_by_label("Papirsøknader mottatt i måneden").fill("7")
    page.get_by_role("button", name="Lagre antallet").click()
    expect(page.get_by_role("status")).to_contain_text("er lagret.")
    expect(page.get_by_test_id("paper-counts")).to_contain_text("7")
    check_accessibility(page)


def test_the_dashboard_shows_a_municipality_against_its_baseline(page: Page, municipalities_loaded):
    make_bergen_live()
    page.goto("/statistikk/?kommune=4601")
    benefits = page.get_by_test_id("benefits")
    expect(benefits.get_by_role("heading", name="Gevinster mot nullpunktet")).to_be_visible()
    table = page.get_by_test_id("benefits-table")
    expect(table.get_by_role("row", name="januar 2027")).to_contain_text("36,4 % (+23,9)")
    expect(table.get_by_role("columnheader", name="Papirsøknader unngått")).to_be_visible()
    expect(page.get_by_text("Nullpunktet før oppstart: 12,5 %")).to_be_visible()
    check_accessibility(page)
