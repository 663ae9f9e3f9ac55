"""The benefits against the baseline in the open data: the JSON and the CSV carry the numbers the dashboard's
benefits section shows (Bergen's known answers, tests/insights/test_benefits_page.py), with every value the
page does not show null and marked the same way as the other figures."""

import csv
import io

import pytest

from digisos.insights.models import Published

from .test_benefits_page import BERGEN, FEB, make_bergen_live

pytestmark = pytest.mark.django_db

API = f"/api/public/v1/statistikk/?niva=kommune&kode={BERGEN}"
CSV = f"/api/public/v1/statistikk/csv?niva=kommune&kode={BERGEN}"


@pytest.fixture
def bergen_live(reference_data):
    onboarding = make_bergen_live()
    # February's paper count hidden to protect another ("skjult"), and its decision time withheld: every
    # benefit computed from them is withheld in the open data as on the page.
    Published.objects.filter(area=BERGEN, period=FEB, figure="paper").update(
        value=None, suppressed="secondary"
    )
    Published.objects.create(
        grain="month",
        level="municipality",
        area=BERGEN,
        period=FEB,
        figure="decision_median",
        value=None,
        suppressed="withheld",
    )
    return onboarding


def _month(data: dict, period: str) -> dict[str, dict]:
    month = next(m for m in data["nytte"]["maneder"] if m["periode"] == period)
    return {v["nokkel"]: v for v in month["verdier"]}


def _csv(client) -> dict[tuple[str, str], dict]:
    rows = csv.DictReader(io.StringIO(client.get(CSV).content.decode()))
    return {(r["tall"], r["periode"]): r for r in rows}


def test_the_json_carries_the_baseline_and_each_month_as_the_page_shows_them(client, bergen_live):
    data = client.get(API).json()
    nytte = data["nytte"]
    assert (nytte["oppstart"], nytte["forste_maned"]) == ("2026-12-22", "2027-01-01")
    # Who measured (the municipality, never the measurer's name), how and when.
    assert nytte["nullpunkt"]["malt_av"] == "Bergen"
    assert nytte["nullpunkt"]["metode"] == "Søknadene talt i arkivet."
    assert (nytte["nullpunkt"]["malt_fra"], nytte["nullpunkt"]["malt_til"]) == ("2026-09-01", "2026-10-31")
    assert "Sara Holm" not in str(data)
    baseline = {v["nokkel"]: (v["value"], v["suppressed"]) for v in nytte["nullpunkt"]["verdier"]}
    assert baseline["applications_per_month"] == (120, None)
    assert baseline["digital_share"] == (12.5, None)
    assert baseline["paper_per_month"] == (105.0, None)
    assert baseline["phone_calls_per_month"] == (None, None)  # not measured
    # January, as on the page: "36,4 % (+23,9)", 70, 35, 8,8, 70, "10,0 (−11,0)".
    january = {k: (v["value"], v["suppressed"], v["minst"]) for k, v in _month(data, "2027-01-01").items()}
    assert january == {
        "digital_share": (36.4, None, False),
        "digital_share_change": (23.9, None, False),
        "paper": (70, None, False),
        "paper_avoided": (35, None, False),
        "hours_saved": (8.8, None, False),
        "trips_avoided": (70, None, False),
        "decision_days": (10.0, None, False),
        "decision_days_change": (-11.0, None, False),
    }
    # March: paper "under 5"; the 10 digital ones cap the avoided count whatever the hidden count.
    march = _month(data, "2027-03-01")
    assert (march["paper"]["value"], march["paper"]["suppressed"]) == (None, "under 5")
    assert (march["paper_avoided"]["value"], march["paper_avoided"]["minst"]) == (10, False)
    # April: the short applications are hidden, so "at least" 20.
    april = _month(data, "2027-04-01")
    assert (april["paper_avoided"]["value"], april["paper_avoided"]["minst"]) == (20, True)
    assert (april["hours_saved"]["value"], april["trips_avoided"]["value"]) == (5.0, 40)
    # The benefits' names and definitions.
    definitions = {d["nokkel"]: d for d in nytte["definisjoner"]}
    assert "sparer minst to turer" in definitions["trips_avoided"]["definisjon"]
    assert definitions["paper_avoided"]["navn"] == "Papirsøknader unngått (anslag)"


def test_suppressed_values_are_null_and_marked_in_the_json_and_the_csv(client, bergen_live):
    data = client.get(API).json()
    february = _month(data, "2027-02-01")
    assert (february["paper"]["value"], february["paper"]["suppressed"]) == (None, "skjult")
    for key in ("paper_avoided", "hours_saved", "trips_avoided", "decision_days", "decision_days_change"):
        assert (february[key]["value"], february[key]["suppressed"]) == (None, "holdt tilbake"), key
    rows = _csv(client)
    assert (
        rows[("gevinst:paper", "2027-02-01")]["verdi"],
        rows[("gevinst:paper", "2027-02-01")]["skjult"],
    ) == (
        "",
        "skjult",
    )
    for key in ("paper_avoided", "hours_saved", "trips_avoided", "decision_days"):
        row = rows[(f"gevinst:{key}", "2027-02-01")]
        assert (row["verdi"], row["skjult"]) == ("", "holdt tilbake"), key
    assert rows[("gevinst:paper", "2027-03-01")]["skjult"] == "under 5"
    # The page shows the same cells as not shown.
    page = client.get(f"/statistikk/?kommune={BERGEN}").content.decode()
    table = page[page.index("benefits-table") : page.index("</table>", page.index("benefits-table"))]
    february_row = table[table.index("februar 2027") : table.index("</tr>", table.index("februar 2027"))]
    assert february_row.count(">–</td>") == 5  # paper, avoided, hours, trips, days; the share is shown


def test_the_csv_carries_the_same_numbers_as_the_json(client, bergen_live):
    data = client.get(API).json()
    rows = _csv(client)
    assert rows[("nullpunkt:malt_av", "")]["verdi"] == "Bergen"
    assert rows[("nullpunkt:metode", "")]["verdi"] == "Søknadene talt i arkivet."
    assert rows[("nullpunkt:malt_fra", "")]["verdi"] == "2026-09-01"
    assert rows[("nullpunkt:paper_per_month", "")]["verdi"] == "105"
    for month in data["nytte"]["maneder"]:
        for value in month["verdier"]:
            row = rows[(f"gevinst:{value['nokkel']}", month["periode"])]
            expected = "" if value["value"] is None else f"{value['value']:g}"
            assert (row["verdi"], row["skjult"] or None) == (expected, value["suppressed"]), row
            assert row["merknad"] == ("minst" if value["minst"] else "")
    totals = {v["nokkel"]: v for v in data["nytte"]["sum"]}
    assert totals["paper_avoided"]["value"] == 125 - 60  # February withheld: left out of the sum
    assert totals["paper_avoided"]["minst"] is True
    row = rows[("gevinst_sum:paper_avoided", "")]
    assert (row["verdi"], row["merknad"]) == ("65", "minst")


def test_no_benefits_for_the_country_or_before_go_live(client, bergen_live):
    from digisos.onboarding.models import Onboarding, Stage

    assert client.get("/api/public/v1/statistikk/").json()["nytte"] is None
    assert "nullpunkt:" not in client.get("/api/public/v1/statistikk/csv").content.decode()
    Onboarding.objects.filter(pk=bergen_live.pk).update(stage=Stage.GO_LIVE)
    assert client.get(API).json()["nytte"] is None
    assert "gevinst:" not in client.get(CSV).content.decode()
