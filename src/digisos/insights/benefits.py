"""Benefits against the baseline (gevinstrealisering): each month after a municipality went live beside the
nullpunktsmåling it recorded in onboarding, with the benefits the sources name — less scanning (paper
applications avoided and the staff time they took), fewer trips to the office, faster decisions — each with its
written definition (shown beside the table on the dashboard and in docs/statistics.md).

Pure: no database. The view passes the municipality's baseline (onboarding.selectors.baseline_for) and the
published monthly values of its figures; a value that is hidden, withheld or missing is None and every benefit
computed from it is withheld too, so nothing here can reveal a suppressed count.

The figures are estimates and say so: DigiSos counts digital applications exactly, but not office visits or
phone calls, and paper applications only as far as case systems and inbox municipalities report them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

# NAV: a citizen who applies digitally "sparer seg for minst to turer" to the office, to hand in the
# application and the documents (services-onboarding-statistics.md §C.6). The lower bound, so as not to boast.
TRIPS_PER_PAPER_APPLICATION = 2
# The baseline is published beside the municipality's figures: a count below this is shown as "under 5" and
# no benefit is computed from it (the dashboard's own small-number rule, docs/statistics.md).
SMALL = 5
HOURS_PER_DAY = Decimal(24)


class Baseline(Protocol):
    applications_per_month: int
    digital_share_percent: Decimal
    minutes_per_paper_application: Decimal
    office_visits_per_month: int | None
    phone_calls_per_month: int | None
    days_to_decision: Decimal | None
    went_live_on: date | None

    @property
    def paper_applications_per_month(self) -> Decimal: ...


@dataclass(frozen=True)
class Definition:
    key: str
    name: Any
    definition: Any


DEFINITIONS = (
    Definition(
        "digital_share",
        _("Andel digitale søknader mot nullpunktet"),
        _(
            "Månedens andel digitale søknader (se tallet over) minus andelen digitale søknader i nullpunktet, i "
            "prosentpoeng."
        ),
    ),
    Definition(
        "paper",
        _("Papirsøknader mot nullpunktet"),
        _(
            "Månedens papirsøknader (se tallet over) ved siden av nullpunktets papirsøknader per måned: søknader "
            "per måned i nullpunktet ganger andelen som ikke kom digitalt."
        ),
    ),
    Definition(
        "paper_avoided",
        _("Papirsøknader unngått (anslag)"),
        _(
            "Nullpunktets papirsøknader per måned minus månedens papirsøknader, men aldri flere enn månedens "
            "digitale søknader (en papirsøknad er bare unngått når noen søkte digitalt i stedet) og aldri under "
            "0. Holdes tilbake når et av tallene er skjult; er bare én av de to typene digitale søknader skjult, "
            "vises et «minst»-tall regnet med den andre, og står papirsøknadene som «under 5», regnes det med 4. "
            "Er ikke alle papirsøknader meldt inn, blir det likevel aldri flere enn de digitale."
        ),
    ),
    Definition(
        "hours_saved",
        _("Timer spart på registrering og skanning (anslag)"),
        _(
            "Papirsøknader unngått ganger minuttene det tok å registrere eller skanne én papirsøknad i "
            "nullpunktet, delt på 60."
        ),
    ),
    Definition(
        "trips_avoided",
        _("Turer til Nav-kontoret spart (anslag)"),
        _(
            "Papirsøknader unngått ganger to: Nav regner at den som søker digitalt, sparer minst to turer til "
            "kontoret (å levere søknaden og dokumentene). DigiSos teller ikke besøk; nullpunktets besøk per "
            "måned står ved siden av som sammenligning."
        ),
    ),
    Definition(
        "decision_days",
        _("Dager fra søknad til vedtak mot nullpunktet"),
        _(
            "Medianen av tiden fra sendt til vedtak for digitale søknader sendt i måneden (se tallet over), i "
            "dager, minus medianen i nullpunktet. Negativt tall: raskere vedtak."
        ),
    ),
)


@dataclass(frozen=True)
class BenefitMonth:
    period: date
    digital_share: Decimal | None  # per cent
    digital_share_change: Decimal | None  # percentage points against the baseline
    paper: int | None
    paper_avoided: int | None
    hours_saved: Decimal | None
    trips_avoided: int | None
    decision_days: Decimal | None
    decision_days_change: Decimal | None  # negative: faster than the baseline
    # True when one kind of digital application (standard or short) is hidden and the avoided count is capped
    # by the other alone: the month's benefits are then "at least" these.
    lower_bound: bool = False
    paper_under5: bool = False  # the month's paper count is published as "under 5"


@dataclass(frozen=True)
class BaselineShown:
    """The baseline as the dashboard publishes it: counts below SMALL are None (shown "under 5"), and so is the
    share digital when it is a share of fewer than SMALL applications."""

    applications_per_month: int | None
    digital_share: Decimal | None
    paper_per_month: Decimal | None
    minutes_per_paper_application: Decimal
    office_visits_per_month: int | None
    phone_calls_per_month: int | None
    days_to_decision: Decimal | None
    small: frozenset[str]  # which counts were below SMALL


@dataclass(frozen=True)
class Benefits:
    went_live_on: date
    first_month: date
    baseline: BaselineShown
    months: list[BenefitMonth]
    # Totals over the months whose value is published; `months_withheld` months are left out, so the totals
    # are then "at least".
    paper_avoided: int
    hours_saved: Decimal
    trips_avoided: int
    months_withheld: int
    months_lower_bound: int = 0

    @property
    def totals_are_lower_bounds(self) -> bool:
        return bool(self.months_withheld or self.months_lower_bound)


def first_full_month(went_live_on: date) -> date:
    """The first month wholly after go-live: a month begun on paper would understate the change."""
    if went_live_on.day == 1:
        return went_live_on
    if went_live_on.month == 12:
        return date(went_live_on.year + 1, 1, 1)
    return date(went_live_on.year, went_live_on.month + 1, 1)


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _value(observed: Mapping[str, Mapping[date, float | None]], key: str, period: date) -> Decimal | None:
    value = observed.get(key, {}).get(period)
    return None if value is None else Decimal(str(value))


def shown_baseline(baseline: Baseline) -> BaselineShown:
    paper = _one_decimal(baseline.paper_applications_per_month)
    small = set()
    if baseline.applications_per_month < SMALL:
        small.add("applications")
    if paper < SMALL:
        small.add("paper")
    visits, calls = baseline.office_visits_per_month, baseline.phone_calls_per_month
    if visits is not None and visits < SMALL:
        small.add("office_visits")
    if calls is not None and calls < SMALL:
        small.add("phone_calls")
    return BaselineShown(
        applications_per_month=None if "applications" in small else baseline.applications_per_month,
        digital_share=None
        if "applications" in small
        else _one_decimal(Decimal(baseline.digital_share_percent)),
        paper_per_month=None if "paper" in small else paper,
        minutes_per_paper_application=Decimal(baseline.minutes_per_paper_application),
        office_visits_per_month=None if "office_visits" in small else visits,
        phone_calls_per_month=None if "phone_calls" in small else calls,
        days_to_decision=baseline.days_to_decision,
        small=frozenset(small),
    )


def compare(
    baseline: Baseline | None,
    observed: Mapping[str, Mapping[date, float | None]],
    under5: Mapping[str, set[date]] | None = None,
) -> Benefits | None:
    """The municipality's months after go-live against its baseline; None before go-live or without one.

    `observed`: published monthly values by figure key — "digital_standard", "digital_short", "paper",
    "digital_share" (per cent) and "decision_median" (hours) — None where hidden or withheld. `under5`: the
    points of each figure published as "under 5" (so at most 4, by the published rule; a secondary suppression
    can hide any number and gives no bound)."""
    if baseline is None or baseline.went_live_on is None:
        return None
    shown = shown_baseline(baseline)
    first = first_full_month(baseline.went_live_on)
    periods = sorted({p for values in observed.values() for p in values if p >= first})
    small_points = under5 or {}
    months = [
        _month(shown, observed, period, paper_small=period in small_points.get("paper", set()))
        for period in periods
    ]
    known = [m for m in months if m.paper_avoided is not None]
    return Benefits(
        went_live_on=baseline.went_live_on,
        first_month=first,
        baseline=shown,
        months=months,
        paper_avoided=sum(m.paper_avoided or 0 for m in known),
        hours_saved=_one_decimal(sum((m.hours_saved or Decimal(0) for m in known), Decimal(0))),
        trips_avoided=sum(m.trips_avoided or 0 for m in known),
        months_withheld=len(months) - len(known),
        months_lower_bound=sum(1 for m in known if m.lower_bound),
    )


def _month(
    baseline: BaselineShown,
    observed: Mapping[str, Mapping[date, float | None]],
    period: date,
    *,
    paper_small: bool = False,
) -> BenefitMonth:
    share = _value(observed, "digital_share", period)
    paper = _value(observed, "paper", period)
    standard, short = _value(observed, "digital_standard", period), _value(observed, "digital_short", period)
    # One kind hidden: the other alone is a lower bound of the digital applications. Capping by it gives a
    # lower bound of the avoided count, computed from published values only, so it reveals nothing hidden.
    known_digital = [v for v in (standard, short) if v is not None]
    digital = sum(known_digital, Decimal(0)) if known_digital else None
    partial = len(known_digital) == 1
    # Paper published as "under 5" is at most 4: assuming 4 gives a lower bound that does not depend on the
    # hidden count, so it reveals nothing of it (and is exact when the digital applications cap it anyway).
    paper_at_most = paper if paper is not None else Decimal(SMALL - 1) if paper_small else None
    avoided, lower_bound = None, False
    if baseline.paper_per_month is not None and paper_at_most is not None and digital is not None:
        fewer_on_paper = baseline.paper_per_month - paper_at_most
        avoided = _whole(max(Decimal(0), min(fewer_on_paper, digital)))
        # "At least" whenever a hidden count could raise it ("at least" stays true in the rare exact case).
        lower_bound = (
            (partial and fewer_on_paper > digital)
            or (paper is None and fewer_on_paper < digital)
            or (partial and paper is None)
        )
    hours = (
        None
        if avoided is None
        else _one_decimal(avoided * baseline.minutes_per_paper_application / Decimal(60))
    )
    decision_hours = _value(observed, "decision_median", period)
    decision_days = None if decision_hours is None else _one_decimal(decision_hours / HOURS_PER_DAY)
    return BenefitMonth(
        period=period,
        digital_share=share,
        digital_share_change=None
        if share is None or baseline.digital_share is None
        else _one_decimal(share - baseline.digital_share),
        paper=None if paper is None else _whole(paper),
        paper_under5=paper_small,
        paper_avoided=avoided,
        hours_saved=hours,
        trips_avoided=None if avoided is None else avoided * TRIPS_PER_PAPER_APPLICATION,
        decision_days=decision_days,
        decision_days_change=None
        if decision_days is None or baseline.days_to_decision is None
        else _one_decimal(decision_days - Decimal(baseline.days_to_decision)),
        lower_bound=lower_bound,
    )


# --- The same comparison as open data (insights/api.py: the JSON and the CSV) ----------------------------
# The page, the JSON and the CSV publish one comparison (`compare`), so they carry the same numbers. Marks are
# the published figures' own (publish.py): "under5", "secondary", "withheld" (as "holdt tilbake").
UNDER5, SECONDARY, WITHHELD = "under5", "secondary", "withheld"

# The baseline's published fields: (key, name, the `BaselineShown.small` key that hides it as "under 5").
BASELINE_FIELDS: tuple[tuple[str, Any, str], ...] = (
    ("applications_per_month", _("Søknader per måned"), "applications"),
    ("digital_share", _("Andel digitalt"), ""),
    ("paper_per_month", _("Papirsøknader per måned"), "paper"),
    ("minutes_per_paper_application", _("Minutter per papirsøknad"), ""),
    ("office_visits_per_month", _("Besøk på kontoret per måned"), "office_visits"),
    ("phone_calls_per_month", _("Telefoner per måned"), "phone_calls"),
    ("days_to_decision", _("Dager fra søknad til vedtak (median)"), ""),
)

# Each month's published values: (key, the definition it belongs to, the published figures it is computed
# from, the baseline field it is computed from, whether it can be an "at least" figure).
MONTH_VALUES: tuple[tuple[str, str, tuple[str, ...], str, bool], ...] = (
    ("digital_share", "digital_share", ("digital_share",), "", False),
    ("digital_share_change", "digital_share", ("digital_share",), "digital_share", False),
    ("paper", "paper", ("paper",), "", False),
    (
        "paper_avoided",
        "paper_avoided",
        ("paper", "digital_standard", "digital_short"),
        "paper_per_month",
        True,
    ),
    ("hours_saved", "hours_saved", ("paper", "digital_standard", "digital_short"), "paper_per_month", True),
    (
        "trips_avoided",
        "trips_avoided",
        ("paper", "digital_standard", "digital_short"),
        "paper_per_month",
        True,
    ),
    ("decision_days", "decision_days", ("decision_median",), "", False),
    ("decision_days_change", "decision_days", ("decision_median",), "days_to_decision", False),
)
TOTALS = ("paper_avoided", "hours_saved", "trips_avoided")


@dataclass(frozen=True)
class Shown:
    """One published value: a number, or None with why ("" when there is simply nothing to show)."""

    key: str
    value: Decimal | int | None
    mark: str = ""
    at_least: bool = False


def observed_from(all_series) -> tuple[dict[str, dict[date, float | None]], dict[str, dict[date, str]]]:
    """From the published series (selectors.series): each figure's values by period (None where not shown) and
    each point's suppression mark ("" where shown)."""
    observed = {
        s.figure.key: {p.period: (None if p.suppressed else p.value) for p in s.points} for s in all_series
    }
    marks = {s.figure.key: {p.period: p.suppressed for p in s.points} for s in all_series}
    return observed, marks


def baseline_values(shown: BaselineShown) -> list[Shown]:
    """The baseline as the page shows it: a count below 5 "under 5", the share digital of fewer than 5
    applications withheld, a figure the municipality did not measure None without a mark."""
    values = []
    for key, _name, small_key in BASELINE_FIELDS:
        value = getattr(shown, key)
        if small_key and small_key in shown.small:
            values.append(Shown(key, None, UNDER5))
        elif key == "digital_share" and value is None:
            values.append(Shown(key, None, WITHHELD))
        else:
            values.append(Shown(key, value))
    return values


def month_values(
    month: BenefitMonth, shown: BaselineShown, marks: Mapping[str, Mapping[date, str]]
) -> list[Shown]:
    """One month's values as the page shows them, each None value marked: the paper count with its own mark;
    a value computed from a hidden figure or from a baseline count under 5 "withheld"."""
    baseline = {v.key: v for v in baseline_values(shown)}
    values = []
    for key, _definition, inputs, baseline_key, can_be_lower in MONTH_VALUES:
        value = getattr(month, key)
        mark = ""
        if value is None:
            own = [marks.get(figure, {}).get(month.period, "") for figure in inputs]
            if key == "paper":
                mark = own[0]
            elif any(own) or (baseline_key and baseline[baseline_key].mark):
                mark = WITHHELD
        values.append(
            Shown(key, value, mark, at_least=can_be_lower and value is not None and month.lower_bound)
        )
    return values


def total_values(benefits: Benefits) -> list[Shown]:
    """The totals over the months whose value is published ("at least" when a month is left out or is a lower
    bound itself)."""
    return [Shown(key, getattr(benefits, key), at_least=benefits.totals_are_lower_bounds) for key in TOTALS]
