"""The statistics in Chromium, axe on every page: the country, then a county and a municipality chosen in the
form (with JavaScript off), in bokmål and nynorsk; every chart has its title and description for screen
readers and is followed by the table of the same figures (issue 14)."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, visit

from digisos.insights.models import Published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _nothing_kept():
    from digisos.insights import api, selectors, views

    selectors.forget()
    views._pages.clear()
    api._answers.clear()


@pytest.fixture
def statistics(municipalities_loaded) -> None:
    rows = []
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        rows += [
            ("country", "", month, "digital_standard", 40.0, ""),
            ("country", "", month, "digital_share", 55.5, ""),
            ("county", "46", month, "digital_standard", 30.0, ""),
            ("municipality", "4601", month, "digital_standard", 26.0, ""),
            ("municipality", "4602", month, "digital_standard", None, "under5"),
            ("municipality", "4601", month, "digital_share", None, "withheld"),
        ]
    Published.objects.bulk_create(
        Published(grain="month", level=lv, area=a, period=p, figure=f, value=v, suppressed=s)
        for lv, a, p, f, v, s in rows
    )


def charts_have_their_tables(page: Page) -> None:
    for section in page.locator("section[data-figure]").all():
        chart = section.locator("svg[role=img]")
        if chart.count() == 0:
            continue
        labelled = chart.get_attribute("aria-labelledby").split()
        assert section.locator(f"#{labelled[0]}").evaluate("e => e.tagName.toLowerCase()") == "title"
        assert section.locator(f"#{labelled[1]}").evaluate("e => e.tagName.toLowerCase()") == "desc"
        # The table comes right after the chart.
        assert chart.evaluate("svg => svg.nextElementSibling.tagName.toLowerCase()") == "table"


def test_a_visitor_follows_the_country_a_county_and_a_municipality(
    page_without_javascript: Page, live_server, statistics
):
    page = page_without_javascript
    visit(page, "/statistikk/")
    figure = page.locator("section[data-figure=digital_standard]")
    expect(figure.locator("table tbody tr")).to_have_count(3)
    expect(figure.locator("svg[role=img] title")).to_contain_text("Norge")
    charts_have_their_tables(page)
    page.select_option("#fylke", "46")
    page.locator("form[action='/statistikk/'] button[type=submit]").click()
    check_accessibility(page)
    expect(page.locator("section[data-figure=digital_standard] table")).to_contain_text("30")
    page.select_option("#kommune", "4602")
    page.locator("form[action='/statistikk/'] button[type=submit]").click()
    check_accessibility(page)
    expect(page.locator("section[data-figure=digital_standard] table")).to_contain_text("under 5")
    charts_have_their_tables(page)


def test_the_dashboard_in_nynorsk(page: Page, live_server, statistics):
    page.context.add_cookies([{"name": "digisos_language", "value": "nn", "url": live_server.url}])
    visit(page, "/statistikk/?kommune=4601")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    charts_have_their_tables(page)
