"""The dashboard for a municipality after go-live: each figure with a baseline beside it, and the benefits
month by month with their definitions (known answers); an inbox municipality's paper count reaches the paper
figure through the hourly update."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from digisos.accounts.models import User
from digisos.insights import services
from digisos.insights.models import Published
from digisos.onboarding.models import Baseline, Onboarding, Stage

pytestmark = pytest.mark.django_db

BERGEN = "4601"
DEC, JAN, FEB, MAR = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)
APR = date(2027, 4, 1)


def _published(rows: dict[str, dict[date, float | None]]) -> None:
    # The country has a row in every period the statistics have (selectors.series shows those months).
    periods = {period for points in rows.values() for period in points}
    Published.objects.bulk_create(
        Published(grain="month", level="country", area="", period=p, figure="digital_standard", value=1000.0)
        for p in periods
    )
    Published.objects.bulk_create(
        Published(
            grain="month",
            level="municipality",
            area=BERGEN,
            period=period,
            figure=figure,
            value=value,
            suppressed="under5" if value is None else "",
        )
        for figure, points in rows.items()
        for period, value in points.items()
    )


@pytest.fixture
def bergen_live(reference_data):
    return make_bergen_live()


def make_bergen_live() -> Onboarding:
    """Bergen live since 22 December 2026 with a baseline, and its published months (known answers)."""
    onboarding = Onboarding.objects.create(
        municipality_id=BERGEN,
        organisation_number="964338531",
        stage=Stage.LIVE,
        stage_entered_at=timezone.now(),
        go_live_date=date(2026, 12, 22),
        went_live_on=date(2026, 12, 22),
    )
    Baseline.objects.create(
        onboarding=onboarding,
        applications_per_month=120,
        digital_share_percent=Decimal("12.5"),
        minutes_per_paper_application=Decimal(15),
        office_visits_per_month=80,
        phone_calls_per_month=None,
        days_to_decision=Decimal(21),
        measured_by="Sara Holm, fagansvarlig",
        method="Søknadene talt i arkivet.",
        measured_from=date(2026, 9, 1),
        measured_to=date(2026, 10, 31),
        recorded_by=User.objects.create(username="sara-fag"),
        recorded_at=timezone.now(),
    )
    _published(
        {
            "digital_standard": {DEC: 12, JAN: 30, FEB: 50, MAR: 5, APR: 20},
            "digital_short": {DEC: 5, JAN: 10, FEB: 10, MAR: 5, APR: None},
            "paper": {DEC: 100, JAN: 70, FEB: 10, MAR: None, APR: 50},
            "digital_share": {DEC: 14.5, JAN: 36.4, FEB: 85.7},
            "decision_median": {JAN: 240},
        }
    )
    return onboarding


def _row(page: str, month: str) -> str:
    start = page.index(
        f'<th scope="row" class="aksel-table__header-cell">{month}</th>', page.index("benefits-table")
    )
    return page[start : page.index("</tr>", start)]


def test_the_municipality_after_go_live_is_shown_against_its_baseline(
    client, bergen_live, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        page = client.get(f"/statistikk/?kommune={BERGEN}").content.decode()
    assert 'data-testid="benefits"' in page
    assert "Gevinster mot nullpunktet" in page
    # The baseline, without the measurer's name.
    assert "Søknadene talt i arkivet." in page and "Sara Holm" not in page
    # Each figure with a baseline shows it beside its own table.
    assert "Nullpunktet før oppstart: 12,5 %" in page
    assert "Nullpunktet før oppstart: 105,0 per måned" in page
    assert "Nullpunktet før oppstart: 21,0 dager" in page
    # December began on paper: the comparison starts in January.
    assert (
        "desember 2026</th><td"
        not in page[page.index("benefits-table") : page.index("</table>", page.index("benefits-table"))]
    )
    cells = lambda month: [c.split(">", 1)[1] for c in _row(page, month).split("<td")[1:]]  # noqa: E731
    assert [c.removesuffix("</td>") for c in cells("januar 2027")] == [
        "36,4 % (+23,9)",
        "70",
        "35",
        "8,8",
        "70",
        "10,0 (\u221211,0)",
    ]
    assert [c.removesuffix("</td>") for c in cells("februar 2027")][2:5] == ["60", "15,0", "120"]
    # April: the short applications are hidden, so the avoided count is "at least" what the standard ones give.
    assert [c.removesuffix("</td>") for c in cells("april 2027")][2:5] == [
        "minst 20",
        "minst 5,0",
        "minst 40",
    ]
    # March: paper "under 5" is at most 4, so at least 101 fewer on paper; the 10 digital cap it: exactly 10,
    # whatever the hidden count.
    assert [c.removesuffix("</td>") for c in cells("mars 2027")][1:5] == ["under 5", "10", "2,5", "20"]
    assert "I alt (minst)" in page
    assert '<td class="aksel-table__data-cell">125</td><td class="aksel-table__data-cell">31,3</td>' in page
    # Each benefit with its written definition.
    assert "aldri flere enn månedens digitale søknader" in page
    assert "sparer minst to turer" in page


def test_no_comparison_before_go_live_or_for_the_country(client, bergen_live):
    assert 'data-testid="benefits"' not in client.get("/statistikk/").content.decode()
    Onboarding.objects.filter(pk=bergen_live.pk).update(stage=Stage.GO_LIVE)
    assert 'data-testid="benefits"' not in client.get(f"/statistikk/?kommune={BERGEN}").content.decode()


def test_the_inbox_paper_count_reaches_the_paper_figure(reference_data):
    from digisos.inbox.services import record_paper_count
    from tests.inbox.conftest import caseworker

    record_paper_count(actor=caseworker("0301"), month=date(2026, 10, 1), count=9)
    services.update()
    paper = Published.objects.get(
        grain="month", level="municipality", area="0301", period=date(2026, 10, 1), figure="paper"
    )
    assert (paper.value, paper.suppressed) == (9.0, "")
    # A correction reaches it on the next hourly update.
    record_paper_count(actor=caseworker("0301"), month=date(2026, 10, 1), count=12)
    services.update()
    assert (
        Published.objects.get(
            grain="month", level="municipality", area="0301", period=date(2026, 10, 1), figure="paper"
        ).value
        == 12.0
    )
