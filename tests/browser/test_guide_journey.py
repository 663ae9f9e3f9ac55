"""The guide in Chromium, axe on every page: three situations in bokmål, nynorsk and English — one without
JavaScript, one by keyboard alone — and afterwards the database and the logs hold nothing of what the person
entered (issue 16).

The selectors are the form's names and the answer's data attributes, not its words: the nynorsk and English
catalogues are filled at merge, and the journeys must hold before and after."""

import logging

import pytest
from django.db import connection
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, visit

from digisos.guide import places

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_places():
    """The guide keeps the municipality index per process; the live database is loaded per test."""
    places.forget()
    yield
    places.forget()


ENTERED = ("43210", "8765", "Drammen")


def row_counts() -> dict[str, int]:
    """Every table's row count: a journey that stores nothing leaves them all as they were."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def in_language(page: Page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "digisos_language", "value": language, "url": live_server.url}])


def services_listed(page: Page) -> list[str]:
    return page.locator("[data-service]").evaluate_all("items => items.map(item => item.dataset.service)")


def submit(page: Page) -> None:
    page.locator("form[action='/veiviser/svar/'] button[type=submit]").click()
    expect(page.locator("[data-testid=services]")).to_be_visible()
    check_accessibility(page)


def test_no_food_today_in_a_paper_only_municipality_without_javascript(
    page_without_javascript, live_server, municipalities_loaded, caplog
):
    """Bokmål, scripts off: from the front page to the guide, no money for food, Drammen (paper only), a couple
    with a child and an income; then nothing of it in the database or the logs."""
    page = page_without_javascript
    caplog.set_level(logging.DEBUG)
    before = row_counts()
    visit(page, "/")
    page.locator("[data-testid=front-guide] a").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    check_accessibility(page)
    page.locator("input[name=situations][value=no_food]").check()
    page.locator("input[name=municipality]").fill("Drammen")
    page.locator("input[name=household][value=couple]").check()
    page.locator("input[name=children_6_10]").fill("1")
    page.locator("input[name=income]").fill("43 210")
    page.locator("input[name=housing_cost]").fill("8765")
    submit(page)
    assert services_listed(page)[0] == "emergency_help"
    assistance = page.locator("[data-service=social_assistance]")
    # A child in the household makes it likely, although 43 210 is more than 13 100 + 3 950 + 8 765.
    expect(assistance).to_have_attribute("data-fit", "likely")
    expect(assistance.locator("[data-testid=income-compared]")).to_be_visible()
    expect(assistance).to_contain_text("Nav Drammen, Postboks 7000, 3002 Drammen")
    expect(assistance.locator("[data-testid=rates-total]")).to_have_text("17\xa0050\xa0kr")
    assert page.url.removeprefix(live_server.url) == "/veiviser/svar/"  # nothing entered is in the address
    assert row_counts() == before
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert not [entered for entered in ENTERED if entered in logged]


def test_worried_about_a_child_in_nynorsk_by_keyboard_alone(page, live_server, municipalities_loaded):
    in_language(page, live_server, "nn")
    visit(page, "/veiviser/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    focus(page, "input[name=situations][value=worried_child]")
    page.keyboard.press("Space")
    focus(page, "form[action='/veiviser/svar/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=services]")).to_be_visible()
    check_accessibility(page)
    assert services_listed(page) == ["concern_report"]
    focus(page, "[data-service=concern_report] a[href='/bekymringsmelding/']")


def test_lost_job_in_oslo_in_english(page, live_server, municipalities_loaded):
    in_language(page, live_server, "en")
    visit(page, "/veiviser/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("input[name=situations][value=lost_income]").check()
    page.locator("input[name=situations][value=rent_power]").check()
    page.locator("input[name=municipality]").fill("Oslo")
    page.locator("input[name=income]").fill("5000")
    page.locator("input[name=housing_cost]").fill("9000")
    submit(page)
    listed = services_listed(page)
    assert listed[0] == "social_assistance" and {
        "unemployment_benefit",
        "housing_allowance",
        "debt_advice",
    } <= set(listed)
    assistance = page.locator("[data-service=social_assistance]")
    expect(assistance).to_have_attribute("data-fit", "likely")
    expect(assistance.locator("a[href='/auth/login/']")).to_be_visible()
    expect(assistance.locator("[data-testid=rates-total]")).to_have_text("NOK 7,850")


def focus(page: Page, selector: str, *, max_presses: int = 80) -> None:
    """Tab until the element the selector names has the keyboard focus."""
    target = page.locator(selector)
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"keyboard focus never reached {selector}")
