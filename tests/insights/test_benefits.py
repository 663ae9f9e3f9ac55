"""Benefits against the baseline on a small hand-built set with known answers: paper applications avoided
(never more than the digital ones, never below 0), hours saved, trips avoided, the digital share and the
decision time against the baseline; nothing computed from a hidden value or a small baseline."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from digisos.insights.benefits import compare, first_full_month


@dataclass(frozen=True)
class Baseline:
    applications_per_month: int = 120
    digital_share_percent: Decimal = Decimal("12.5")
    minutes_per_paper_application: Decimal = Decimal(15)
    office_visits_per_month: int | None = 80
    phone_calls_per_month: int | None = 150
    days_to_decision: Decimal | None = Decimal(21)
    went_live_on: date | None = date(2026, 12, 22)

    @property
    def paper_applications_per_month(self) -> Decimal:
        return Decimal(self.applications_per_month) * (100 - self.digital_share_percent) / 100


DEC, JAN, FEB, MAR = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)
OBSERVED = {
    "digital_standard": {DEC: 12, JAN: 30, FEB: 50, MAR: 5},
    "digital_short": {DEC: 0, JAN: 10, FEB: 10, MAR: 0},
    "paper": {DEC: 100, JAN: 70, FEB: 10, MAR: None},  # March: hidden ("under 5")
    "digital_share": {DEC: 10.7, JAN: 36.4, FEB: 85.7, MAR: None},
    "decision_median": {DEC: None, JAN: 240, FEB: None, MAR: None},
}


def test_first_full_month_after_go_live():
    assert first_full_month(date(2026, 12, 1)) == date(2026, 12, 1)
    assert first_full_month(date(2026, 12, 22)) == date(2027, 1, 1)
    assert first_full_month(date(2026, 11, 3)) == date(2026, 12, 1)


def test_each_month_after_go_live_against_the_baseline():
    benefits = compare(Baseline(), OBSERVED)
    assert benefits is not None
    assert benefits.first_month == JAN  # December began on paper
    assert benefits.baseline.paper_per_month == Decimal("105.0")  # 120 × (100 − 12,5) %
    january, february, march = benefits.months
    # January: 105 − 70 = 35 paper applications avoided (fewer than the 40 digital ones).
    assert january.paper_avoided == 35
    assert january.hours_saved == Decimal("8.8")  # 35 × 15 min = 525 min
    assert january.trips_avoided == 70
    assert january.digital_share_change == Decimal("23.9")  # 36,4 − 12,5 percentage points
    assert january.decision_days == Decimal("10.0")  # 240 hours
    assert january.decision_days_change == Decimal("-11.0")  # faster than the baseline's 21 days
    # February: 105 − 10 = 95 fewer on paper, but only 60 applied digitally: 60 avoided.
    assert february.paper_avoided == 60
    assert february.hours_saved == Decimal("15.0")
    assert february.decision_days is None and february.decision_days_change is None
    # March: the paper count is hidden, so nothing is computed from it.
    assert (march.paper, march.paper_avoided, march.hours_saved, march.trips_avoided) == (
        None,
        None,
        None,
        None,
    )
    assert (benefits.paper_avoided, benefits.hours_saved, benefits.trips_avoided) == (
        95,
        Decimal("23.8"),
        190,
    )
    assert benefits.months_withheld == 1


def test_more_paper_than_the_baseline_avoids_none():
    observed = {**OBSERVED, "paper": {JAN: 120}, "digital_standard": {JAN: 3}, "digital_short": {JAN: 0}}
    (january, *_rest) = compare(Baseline(), observed).months
    assert january.paper_avoided == 0 and january.hours_saved == Decimal("0.0")


def test_a_small_baseline_is_not_published_and_nothing_is_computed_from_it():
    small = Baseline(applications_per_month=4, digital_share_percent=Decimal(0), office_visits_per_month=3)
    benefits = compare(small, OBSERVED)
    assert benefits.baseline.paper_per_month is None
    assert benefits.baseline.office_visits_per_month is None
    assert benefits.baseline.small == {"applications", "paper", "office_visits"}
    assert benefits.baseline.applications_per_month is None
    # A share of fewer than five applications is withheld, and so is every change computed from it.
    assert benefits.baseline.digital_share is None
    assert all(m.paper_avoided is None and m.digital_share_change is None for m in benefits.months)
    assert benefits.months[0].digital_share == Decimal("36.4")  # the month's own share is published


def test_no_comparison_before_go_live_or_without_a_baseline():
    assert compare(Baseline(went_live_on=None), OBSERVED) is None
    assert compare(None, OBSERVED) is None


def test_one_kind_of_digital_application_hidden_gives_an_at_least_figure():
    observed = {
        "digital_standard": {JAN: 30, FEB: 90},
        "digital_short": {JAN: None, FEB: None},  # "under 5"
        "paper": {JAN: 70, FEB: 10},
    }
    january, february = compare(Baseline(), observed).months
    # January: 105 − 70 = 35 ≤ 30 + short? Capped by the 30 known: at least 30 (the hidden short could add).
    assert (january.paper_avoided, january.lower_bound) == (30, True)
    # February: 95 fewer on paper, 90 standard known: at least 90.
    assert (february.paper_avoided, february.lower_bound) == (90, True)
    observed["paper"] = {JAN: 80, FEB: 100}
    january, february = compare(Baseline(), observed).months
    # 105 − 80 = 25 fewer on paper is below the 30 known digital: exact, whatever the hidden count.
    assert (january.paper_avoided, january.lower_bound) == (25, False)
    benefits = compare(Baseline(), {**observed, "paper": {JAN: 70, FEB: 100}})
    assert benefits.months_lower_bound == 1 and benefits.totals_are_lower_bounds
    assert (
        compare(
            Baseline(), {"digital_standard": {JAN: None}, "digital_short": {JAN: None}, "paper": {JAN: 1}}
        )
        .months[0]
        .paper_avoided
        is None
    )


def test_paper_under_5_gives_an_at_least_figure_that_does_not_depend_on_the_hidden_count():
    observed = {
        "digital_standard": {JAN: 50, FEB: 200},
        "digital_short": {JAN: 10, FEB: 10},
        "paper": {JAN: None, FEB: None},
    }
    under5 = {"paper": {JAN, FEB}}
    january, february = compare(Baseline(), observed, under5).months
    # January: at most 4 on paper, so at least 105 − 4 = 101 fewer; capped by the 60 digital: exactly 60.
    assert (january.paper_avoided, january.lower_bound, january.paper_under5) == (60, False, True)
    # February: 210 digital; at least 101 avoided, perhaps up to 105: "at least 101".
    assert (february.paper_avoided, february.lower_bound) == (101, True)
    # The same whatever the hidden count was: the answer is computed without it.
    # A secondary suppression bounds nothing: withheld.
    assert compare(Baseline(), observed).months[0].paper_avoided is None
