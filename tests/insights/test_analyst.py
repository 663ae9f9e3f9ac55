"""The analyst's weekly page hides what the public months would give away: an office serving one municipality,
one week "under 5", the others shown — the month's total minus the shown weeks was that week. The protection
is its own job (services.protect_analysts) over one snapshot; the page shows only what it stored."""

import functools
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count

from digisos.insights.models import AnalystSnapshot, AnalystWeek, Published, Run
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
    published_by_an_update(FIRST_UPDATE)


FIRST_UPDATE = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def published_by_an_update(at: datetime) -> None:
    """The figures as an hourly update leaves them: its Run finished at `at` (the version of the figures)."""
    Run.objects.update_or_create(name="insights", defaults={"finished_at": at, "cases_since": at})


def office_table(client, office: str) -> str:
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    table = page[page.index('data-figure="digital_standard"') :]
    return table[: table.index("</table>")]


def _analyst(client) -> None:
    from tests.factories import UserFactory

    user = UserFactory(persona="familie-bergen")
    user.groups.add(Group.objects.get_or_create(name="analyst")[0])
    client.force_login(user)


def test_a_week_the_month_would_give_away_is_protected_by_another(client, lone_office):
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()  # the analysts' job, after the hourly update
    _analyst(client)
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    table = page[page.index('data-figure="digital_standard"') :]
    table = table[: table.index("</table>")]
    # Before: 10, 10, under 5, 10 — and 33 − 30 = 3. Now one more week is hidden beside it.
    assert table.count(">10</td>") == 2, table
    assert "skjult" in table and "under 5" in table
    assert 'data-testid="analyst-rule"' in page and "også under 5" in page  # the page says so
    assert "30. mars 2026" in page[page.index('data-testid="weeks-as-of"') :]  # and of when the weeks are
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


def test_the_analysts_weekly_page_reads_stored_weeks_and_protects_nothing_itself(
    client, lone_office, monkeypatch
):
    """The joint protection is worked out by the analysts' job, not per request: the page reads the stored
    weeks, with as many queries however many weeks and offices there are."""
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()
    _analyst(client)

    def at_request_time(*args, **kwargs):
        raise AssertionError("analyst.protect ran while serving a page")

    monkeypatch.setattr(analyst, "protect", at_request_time)
    small = _page_queries(client, office)
    assert office_table(client, office).count(">10</td>") == 2
    # Many more weeks and another office: the same number of queries.
    AnalystWeek.objects.bulk_create(
        AnalystWeek(
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


def test_weeks_no_longer_hidden_are_shown_again_and_only_changed_rows_are_written(lone_office):
    """The job stores the weeks of the figures as they are now: when the small week grows, the week hidden
    beside it is shown again; rows that did not change keep their id (only changed rows are written)."""
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    assert services.protect_analysts()["hidden"] == 2  # an office week and its country's
    hidden = set(AnalystWeek.objects.filter(suppressed="secondary").values_list("pk", flat=True))
    assert len(hidden) == 2
    kept = set(AnalystWeek.objects.values_list("pk", flat=True))
    assert services.protect_analysts(force=True)["hidden"] == 2
    assert set(AnalystWeek.objects.values_list("pk", flat=True)) == kept
    Published.objects.filter(grain="week", period=WEEKS[2]).update(value=13.0, suppressed="")
    Published.objects.filter(grain="month").update(value=43.0)
    published_by_an_update(FIRST_UPDATE + timedelta(hours=1))
    assert services.protect_analysts()["hidden"] == 0
    assert not AnalystWeek.objects.exclude(suppressed="").exists()
    unchanged = AnalystWeek.objects.filter(
        period__in=[WEEKS[0], WEEKS[1], WEEKS[3]], figure="digital_standard"
    )
    assert set(unchanged.values_list("value", flat=True)) == {10.0}
    assert len(kept & set(AnalystWeek.objects.values_list("pk", flat=True))) >= 4


def test_the_job_stores_the_published_weeks_with_the_joint_protections_marks(lone_office):
    """What the job stores equals analyst.protect over the same published rows, applied to the week rows."""
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()
    weeks = {
        (lv, a, p): analyst.Published(v, s)
        for lv, a, p, v, s in Published.objects.filter(grain="week").values_list(
            "level", "area", "period", "value", "suppressed"
        )
    }
    months = {
        (lv, a, p): analyst.Published(v, s)
        for lv, a, p, v, s in Published.objects.filter(grain="month").values_list(
            "level", "area", "period", "value", "suppressed"
        )
    }
    county_of = dict(municipality.__class__.objects.values_list("kommunenummer", "county_id"))
    pairs = set(
        GeographicArea.objects.filter(office_id=office).values_list("office_id", "municipality_id").distinct()
    )
    marks = analyst.protect(weeks, months, county_of, pairs, budget_seconds=None)
    expected = {}
    for lv, a, p, v, s in Published.objects.filter(grain="week").values_list(
        "level", "area", "period", "value", "suppressed"
    ):
        expected[(lv, a, p, "digital_standard")] = (
            (None, marks[(lv, a, p)]) if (lv, a, p) in marks else (v, s)
        )
    stored = {
        (lv, a, p, fig): (v, s)
        for lv, a, p, fig, v, s in AnalystWeek.objects.values_list(
            "level", "area", "period", "figure", "value", "suppressed"
        )
    }
    assert marks and stored == expected


def test_a_week_changed_after_the_snapshot_is_shown_with_its_new_value_only_after_the_job(
    client, lone_office
):
    """The hourly update changes a week (and its month) after the job's snapshot: until the job has run again,
    the analyst sees the week as it was protected, with the time of that snapshot; a new week not at all."""
    from digisos.insights import services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()
    _analyst(client)
    # The update: the first week grows from 10 to 12, the small one to 13 (the month to 45: nothing to hide any
    # more), and a new week appears.
    Published.objects.filter(grain="week", period=WEEKS[0]).update(value=12.0)
    Published.objects.filter(grain="week", period=WEEKS[2]).update(value=13.0, suppressed="")
    Published.objects.filter(grain="month").update(value=45.0)
    new_week = date(2026, 3, 30)
    Published.objects.bulk_create(
        Published(grain="week", level=lv, area=a, period=new_week, figure="digital_standard", value=9.0)
        for lv, a in (("office", office), ("country", ""))
    )
    published_by_an_update(FIRST_UPDATE + timedelta(hours=1))
    table = office_table(client, office)
    assert ">12</td>" not in table and ">13</td>" not in table and table.count(">10</td>") == 2, table
    assert "30. mars 2026" not in table and ">9</td>" not in table  # the new week is not there yet
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    assert (
        "30. mars 2026 kl. 10.00" in page[page.index('data-testid="weeks-as-of"') :]
    )  # the first update's time
    assert services.analysts_due()
    services.protect_analysts()
    table = office_table(client, office)
    assert ">12</td>" in table and ">13</td>" in table and "30. mars 2026" in table and ">9</td>" in table
    assert not services.analysts_due()


def test_the_hourly_update_does_not_protect_or_touch_the_analysts_weeks(
    reference_data, document_settings, monkeypatch
):
    from digisos.insights import analyst, services
    from tests.factories import CaseFactory

    CaseFactory(state="received")
    services.update()
    services.protect_analysts()
    stored = set(AnalystWeek.objects.values_list())
    snapshot = AnalystSnapshot.objects.values_list().get()
    assert stored

    def in_the_update(*args, **kwargs):
        raise AssertionError("the hourly update ran the analysts' protection")

    monkeypatch.setattr(analyst, "protect", in_the_update)
    CaseFactory(state="received", persona="kari-leier-oslo")
    result = services.update()
    assert result["weeks"] >= 1 and "analyst_s" not in result
    assert set(AnalystWeek.objects.values_list()) == stored
    assert AnalystSnapshot.objects.values_list().get() == snapshot
    assert services.analysts_due()


def test_the_job_runs_only_when_the_figures_changed(lone_office, monkeypatch):
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    assert not services.protect_analysts().get("skipped")
    monkeypatch.setattr(analyst, "protect", lambda *a, **k: pytest.fail("protected the same figures again"))
    assert services.protect_analysts() == {"skipped": True}


def test_a_job_over_its_budget_hides_never_shows(client, lone_office, monkeypatch):
    """Past its budget the job hides every week still shown in the months of what is still pinned: the analyst
    sees fewer weeks, never one that could give a count away."""
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    # Without the cheap first pass over each group, so that the whole table's rounds meet the budget.
    monkeypatch.setattr(analyst, "protect", functools.partial(analyst.protect, split=False))
    result = services.protect_analysts(budget_seconds=0)
    assert result["over_budget"] and AnalystSnapshot.objects.get().over_budget
    _analyst(client)
    table = office_table(client, office)
    # The three weeks of 10 hidden, and the small one says no range any more: all four «skjult».
    assert ">10</td>" not in table and table.count("skjult") == 4 and "under 5" not in table, table


def test_a_job_that_fails_leaves_the_previous_snapshot_whole(client, lone_office, monkeypatch):
    from digisos.insights import analyst, services

    office, municipality = lone_office
    _publish(office, municipality)
    services.protect_analysts()
    stored = set(AnalystWeek.objects.values_list())
    Published.objects.filter(grain="week", period=WEEKS[0]).update(value=12.0)
    published_by_an_update(FIRST_UPDATE + timedelta(hours=1))

    def fails(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(analyst, "protect", fails)
    with pytest.raises(RuntimeError):
        services.protect_analysts()
    assert set(AnalystWeek.objects.values_list()) == stored
    assert AnalystSnapshot.objects.get().figures_of == FIRST_UPDATE


def test_before_the_first_job_the_analyst_sees_no_weeks_and_is_told_why(client, lone_office):
    office, municipality = lone_office
    _publish(office, municipality)
    _analyst(client)
    page = client.get(f"/statistikk/?kontor={office}").content.decode()
    assert 'data-figure="digital_standard"' not in page
    assert "ikke klare ennå" in page[page.index('data-testid="weeks-as-of"') :]


def test_the_job_is_scheduled_and_its_task_protects(lone_office, settings):
    from django.utils.module_loading import import_string

    from digisos.insights import tasks

    job = settings.PERIODIC_TASKS["insights.protect_analysts"]
    assert import_string(job["task"]) is tasks.protect_analysts and job["every_minutes"] <= 60
    office, municipality = lone_office
    _publish(office, municipality)
    tasks.protect_analysts.enqueue()  # the tests' immediate backend runs it at once
    assert AnalystSnapshot.objects.get().figures_of == FIRST_UPDATE


def test_the_rebuild_command_queues_the_analysts_job(lone_office, monkeypatch):
    """`insights_rebuild` leaves the protection to its own job (queued; the tests' backend runs it at once), so
    the rebuild's time stays its own; the analysts then see the rebuilt figures' weeks."""
    from django.core.management import call_command

    from digisos.insights import tasks

    queued = []
    monkeypatch.setattr(tasks, "protect_analysts", SimpleNamespace(enqueue=lambda: queued.append(True)))
    call_command("insights_rebuild", verbosity=0)
    assert queued and not AnalystSnapshot.objects.exists()
    monkeypatch.undo()
    call_command("insights_rebuild", "--analysts-now", verbosity=0)
    assert AnalystSnapshot.objects.get().figures_of == Run.objects.get(name="insights").finished_at
