"""The dashboard and the open-data API publish the same aggregates, with the suppression marked, in a constant
number of queries."""

from datetime import date

import pytest

from digisos.insights.models import Published

pytestmark = pytest.mark.django_db

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _version_looked_up_each_time(monkeypatch):
    from digisos.insights import selectors

    monkeypatch.setattr(selectors, "VERSION_SECONDS", 0.0)


@pytest.fixture
def published(reference_data):
    rows = [
        ("country", "", MARCH, "digital_standard", 12.0, ""),
        ("county", "46", MARCH, "digital_standard", 12.0, ""),
        ("municipality", "4601", MARCH, "digital_standard", None, "under5"),
        ("municipality", "4602", MARCH, "digital_standard", None, "secondary"),
        ("country", "", APRIL, "digital_standard", 20.0, ""),
        ("country", "", APRIL, "digital_share", None, "withheld"),
        ("municipality", "4601", APRIL, "digital_standard", 20.0, ""),
    ]
    Published.objects.bulk_create(
        Published(grain="month", level=lv, area=a, period=p, figure=fg, value=v, suppressed=s)
        for lv, a, p, fg, v, s in rows
    )


def test_the_dashboard_shows_each_figure_with_its_definition_chart_and_table(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get("/statistikk/").content.decode()
    assert 'data-figure="digital_standard"' in page
    assert 'role="img"' in page and '<title id="figure-0-title">' in page and "<desc" in page
    assert "<table" in page and "Slik verner vi små tall" in page
    assert "sendt gjennom DigiSos med det vanlige skjemaet" in page
    municipality = client.get("/statistikk/?kommune=4601").content.decode()
    assert "under 5" in municipality


@pytest.mark.parametrize(
    ("query", "download"),
    [("", ""), ("?kommune=4601", "?niva=kommune&amp;kode=4601"), ("?fylke=46", "?niva=fylke&amp;kode=46")],
)
def test_the_csv_and_json_links_give_the_figures_shown(client, published, query, download):
    """On a municipality's or a county's page the download links give its figures, not the country's."""
    page = client.get(f"/statistikk/{query}").content.decode()
    assert f'<a href="/api/public/v1/statistikk/csv{download}">CSV</a>' in page
    assert f'<a href="/api/public/v1/statistikk/{download}">JSON</a>' in page
    linked = client.get(f"/api/public/v1/statistikk/{download.replace('&amp;', '&')}").json()
    assert (linked["niva"], linked["kode"]) == {
        "": ("land", ""),
        "?kommune=4601": ("kommune", "4601"),
        "?fylke=46": ("fylke", "46"),
    }[query]


def test_an_unknown_area_says_what_to_do(client, published):
    response = client.get("/statistikk/?kommune=9999")
    assert response.status_code == 400
    assert "Velg fylke eller kommune" in response.content.decode()


def test_the_api_marks_suppressed_values(client, published, django_assert_max_num_queries):
    # The area, the version, the periods, the rows, and for a municipality its baseline (benefits).
    with django_assert_max_num_queries(5):
        data = client.get("/api/public/v1/statistikk/?niva=kommune&kode=4601").json()
    standard = next(t for t in data["tall"] if t["nokkel"] == "digital_standard")
    assert standard["punkter"][0] == {"periode": "2026-03-01", "value": None, "suppressed": "under 5"}
    assert standard["punkter"][1]["value"] == 20.0
    assert "under 5" in data["regel"]


def test_the_csv_is_the_same_figures(client, published):
    text = client.get("/api/public/v1/statistikk/csv?niva=kommune&kode=4602").content.decode()
    assert "kommune,4602" in text and "digital_standard,2026-03-01,,skjult" in text


def test_an_unknown_area_in_the_api_is_a_404_naming_the_field(client, published):
    response = client.get("/api/public/v1/statistikk/?niva=fylke&kode=99")
    assert response.status_code == 404
    assert response.json()["errors"][0]["path"] == "kode"
    assert client.get("/api/public/v1/statistikk/?niva=galaxy").status_code == 400


def test_analysts_get_nav_offices_and_weeks_others_do_not(client, published):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from digisos.insights import services
    from digisos.insights.models import Run
    from tests.factories import UserFactory

    Published.objects.create(
        grain="week", level="country", area="", period=date(2026, 3, 2), figure="paper", value=12.0
    )
    Published.objects.create(
        grain="week",
        level="office",
        area="0312",
        period=date(2026, 3, 2),
        figure="paper",
        value=None,
        suppressed="under5",
    )
    assert 'name="kontor"' not in client.get("/statistikk/").content.decode()
    # Without the role, an office in the address is ignored: the country's months are shown.
    assert "Uke som begynner" not in client.get("/statistikk/?kontor=0312").content.decode()
    analyst = UserFactory(persona="familie-bergen")
    analyst.groups.add(Group.objects.get_or_create(name="analyst")[0])
    client.force_login(analyst)
    # The weeks analysts see are the analysts' job's (services.protect_analysts), after an update.
    Run.objects.create(name="insights", finished_at=timezone.now())
    services.protect_analysts()
    page = client.get("/statistikk/?kontor=0312").content.decode()
    assert 'name="kontor"' in page and "Uke som begynner" in page and "under 5" in page


def test_pages_and_answers_are_kept_until_the_figures_change(
    client, published, django_assert_max_num_queries
):
    from django.utils import timezone

    from digisos.insights.models import Run

    run = Run.objects.create(name="insights", finished_at=timezone.now())
    first = client.get("/statistikk/?kommune=4601").content.decode()
    client.get("/api/public/v1/statistikk/?niva=kommune&kode=4601")
    with django_assert_max_num_queries(1):  # the version only
        assert client.get("/statistikk/?kommune=4601").content.decode().count("under 5") == first.count(
            "under 5"
        )
    with django_assert_max_num_queries(1):  # the version
        client.get("/api/public/v1/statistikk/?niva=kommune&kode=4601")
    Published.objects.filter(area="4601", suppressed="under5").update(value=3.0, suppressed="")
    run.finished_at = timezone.now()
    run.save()
    later = client.get("/statistikk/?kommune=4601").content.decode()
    assert later.count("under 5") == first.count("under 5") - 1
    standard = client.get("/api/public/v1/statistikk/?niva=kommune&kode=4601").json()["tall"][0]
    assert standard["punkter"][0]["value"] == 3.0
