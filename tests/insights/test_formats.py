"""The statistics write their months, weeks and times as core/formatting.py does, in bokmål, nynorsk and English:
"mars 2026" / "March 2026" for a month (in the tables and under the charts' axis, which wrote "03.2026"),
"2. mars 2026" / "2 March 2026" for a week (its Monday), the time of the analysts' snapshot as "30. mars 2026 kl.
10.00" / "30 March 2026 at 10:00", and the figures with core's number. The weeks and the snapshot's time were
"2.3.2026" and "30.3.2026 10:00" in every language, the numbers "36,4 %" on an English page."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.insights.test_analyst import _analyst, _publish, lone_office  # noqa: F401
from tests.insights.test_benefits_page import BERGEN, bergen_live  # noqa: F401
from tests.insights.test_pages import published  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = ("nb", "nn", "en")


MONTH = {"nb": "mars 2026", "nn": "mars 2026", "en": "March 2026"}
WEEK = {"nb": "2. mars 2026", "nn": "2. mars 2026", "en": "2 March 2026"}
AS_OF = {"nb": "30. mars 2026 kl. 10.00", "nn": "30. mars 2026 kl. 10.00", "en": "30 March 2026 at 10:00"}
FIRST = {"nb": "januar 2027", "nn": "januar 2027", "en": "January 2027"}


def _table(page: str) -> str:
    table = page[page.index('data-figure="digital_standard"') :]
    return table[: table.index("</table>")]


@pytest.fixture(autouse=True)
def _version_looked_up_each_time(monkeypatch):
    from digisos.insights import selectors

    monkeypatch.setattr(selectors, "VERSION_SECONDS", 0.0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboards_months_are_cores(client, published, language):  # noqa: F811
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/statistikk/").content.decode()
    assert f">{MONTH[language]}</" in _table(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_charts_axis_writes_its_months_and_top_value_in_the_page_language(language):
    from datetime import date

    from digisos.insights.chart import line_chart

    points = [(date(2026, 3, 1), 1.0), (date(2026, 10, 1), 1234.5)]
    with translation.override(language):
        chart = line_chart(chart_id="c", title="t", description="d", points=points)
    top = {"nb": "1\xa0234,5", "nn": "1\xa0234,5", "en": "1,234.5"}[language]
    assert f'text-anchor="end">{top}</text>' in chart  # the axis's top value, as core writes a number
    assert f'font-size="12">{MONTH[language]}</text>' in chart
    assert f'text-anchor="end">{"October 2026" if language == "en" else "oktober 2026"}</text>' in chart


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_analysts_weeks_and_their_time_are_cores(client, lone_office, language):  # noqa: F811
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()
    _analyst(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    assert f">{WEEK[language]}</" in _table(page)
    as_of = page[page.index('data-testid="weeks-as-of"') :]
    assert AS_OF[language] in as_of[: as_of.index("</p>")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_benefits_months_are_cores(client, bergen_live, language):  # noqa: F811
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/statistikk/?kommune={BERGEN}").content.decode()
    benefits = page[page.index('data-testid="benefits"') :]
    assert f'<th scope="row" class="aksel-table__header-cell">{FIRST[language]}</th>' in benefits
    introduction = benefits[: benefits.index("</p>")]
    assert FIRST[language] in introduction  # "… hver måned fra januar 2027, den første hele måneden …"


JANUARY_CELLS = {
    # share (change), paper, avoided, hours saved, trips avoided, days to decision (change)
    "nb": ["36,4 % (+23,9)", "70", "35", "8,8", "70", "10,0 (\u221211,0)"],
    "nn": ["36,4 % (+23,9)", "70", "35", "8,8", "70", "10,0 (\u221211,0)"],
    "en": ["36.4 % (+23.9)", "70", "35", "8.8", "70", "10.0 (\u221211.0)"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_benefits_numbers_are_written_in_the_page_language(client, bergen_live, language):  # noqa: F811
    """Core's number: a decimal comma and a no-break space between groups in Norwegian, a point and a comma in
    English (the page wrote "36,4 %" on an English page)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/statistikk/?kommune={BERGEN}").content.decode()
    start = page.index(f'<th scope="row" class="aksel-table__header-cell">{FIRST[language]}</th>')
    row = page[start : page.index("</tr>", start)]
    assert [cell.split(">", 1)[1].removesuffix("</td>") for cell in row.split("<td")[1:]] == JANUARY_CELLS[
        language
    ]
