"""The analyst's weekly page hides what the public months would give away: an office serving one municipality,
one week "under 5", the others shown — the month's total minus the shown weeks was that week."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count

from digisos.insights.models import Published
from digisos.municipalities.models import GeographicArea

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
WEEKS = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]  # all within March


@pytest.fixture
def lone_office(reference_data):
    """An office whose areas are all one municipality's, and that municipality's only office."""
    by_office = (
        GeographicArea.objects.exclude(office=None)
        .values("office_id")
        .annotate(municipalities=Count("municipality_id", distinct=True))
        .filter(municipalities=1)
    )
    for row in by_office:
        municipality = GeographicArea.objects.filter(office_id=row["office_id"]).first().municipality
        if (
            GeographicArea.objects.filter(municipality=municipality).values("office_id").distinct().count()
            == 1
        ):
            return row["office_id"], municipality
    pytest.skip("no lone office in the reference data")


def _publish(office: str, municipality) -> None:
    rows = [
        ("month", "country", "", MARCH, 33.0, ""),
        ("month", "county", municipality.county_id, MARCH, 33.0, ""),
        ("month", "municipality", municipality.kommunenummer, MARCH, 33.0, ""),
    ]
    for week, value in zip(WEEKS, (10.0, 10.0, None, 10.0), strict=True):
        # Each week's own table (country = the one office): the week of 3 is "under 5", and so is the country.
        mark = "under5" if value is None else ""
        rows += [("week", "country", "", week, value, mark), ("week", "office", office, week, value, mark)]
    Published.objects.bulk_create(
        Published(grain=g, level=lv, area=a, period=p, figure="digital_standard", value=v, suppressed=s)
        for g, lv, a, p, v, s in rows
    )


def _analyst(client) -> None:
    from tests.factories import UserFactory

    user = UserFactory(persona="familie-bergen")
    user.groups.add(Group.objects.get_or_create(name="analyst")[0])
    client.force_login(user)


def test_a_week_the_month_would_give_away_is_protected_by_another(client, lone_office):
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_weeks()  # the hourly update's last step
    _analyst(client)
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    table = page[page.index('data-figure="digital_standard"') :]
    table = table[: table.index("</table>")]
    # Before: 10, 10, under 5, 10 — and 33 − 30 = 3. Now one more week is hidden beside it.
    assert table.count(">10</td>") == 2, table
    assert "skjult" in table and "under 5" in table
    assert 'data-testid="analyst-rule"' in page  # the page says so
    # The country's weeks (here the same office) likewise.
    country = client.get("/statistikk/?periode=uke").content.decode()
    country = country[country.index('data-figure="digital_standard"') :]
    assert country[: country.index("</table>")].count(">10</td>") == 2


def _page_queries(client, office: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digisos.insights import selectors, views

    client.get("/statistikk/")  # the session's first save is not the page's
    selectors.forget()
    views._pages.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/statistikk/?kontor={office}&periode=uke").status_code == 200
    return len(queries)


def test_the_analysts_weekly_page_reads_stored_marks_and_protects_nothing_itself(
    client, lone_office, monkeypatch
):
    """The joint protection is worked out by the hourly update (services.protect_weeks), not per request: the
    page reads the stored marks, with as many queries however many weeks and offices there are."""
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_weeks()
    _analyst(client)

    def at_request_time(*args, **kwargs):
        raise AssertionError("analyst.protect ran while serving a page")

    monkeypatch.setattr(analyst, "protect", at_request_time)
    small = _page_queries(client, office)
    page = client.get(f"/statistikk/?kontor={office}&periode=uke").content.decode()
    table = page[page.index('data-figure="digital_standard"') :]
    assert table[: table.index("</table>")].count(">10</td>") == 2
    # Many more weeks and another office: the same number of queries.
    Published.objects.bulk_create(
        Published(
            grain="week",
            level=level,
            area=area,
            period=date(2025, 1, 6) + (WEEKS[1] - WEEKS[0]) * n,
            figure="digital_standard",
            value=7.0,
        )
        for n in range(40)
        for level, area in (("office", office), ("office", "9999"), ("country", ""))
    )
    assert _page_queries(client, office) == small


def test_marks_no_longer_needed_are_taken_away_and_only_changed_rows_are_written(client, lone_office):
    """The update stores the marks of the figures as they are now: when the small week grows, the week hidden
    beside it is shown again (its row keeps its id: only the mark is written)."""
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    assert services.protect_weeks() == {
        "digital_standard": 2,
        "digital_share": 2,
    }  # an office week and its country's
    marked = set(Published.objects.exclude(analyst_suppressed="").values_list("pk", flat=True))
    assert len(marked) == 2
    assert services.protect_weeks() == {"digital_standard": 2, "digital_share": 2}
    assert set(Published.objects.exclude(analyst_suppressed="").values_list("pk", flat=True)) == marked
    Published.objects.filter(grain="week", period=WEEKS[2]).update(value=13.0, suppressed="")
    Published.objects.filter(grain="month").update(value=43.0)
    assert services.protect_weeks() == {}
    assert not Published.objects.exclude(analyst_suppressed="").exists()
    assert Published.objects.filter(pk__in=marked).count() == 2
