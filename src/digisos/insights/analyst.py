"""The analysts' weeks protected together with the public months (pure, no models).

Analysts see each NAV office's and the country's weeks; everyone sees the municipalities', counties' and the
country's months. Each table is suppressed on its own (publish.py, one period at a time), but the two count the
same cases: an office's weeks and its municipalities' months are sums of the same pieces (the cases of one
office and municipality in the part of a week that falls in a month). So a month total minus the shown weeks
of the same office could give a hidden week away, or the shown weeks a hidden month.

`protect()` models what an analyst knows of one count figure: every published cell, week and month, and
every piece as an unknown of 0 or more; the pieces of an (office, municipality) pair that never had a case
are left out, and so are pieces in a month the statistics do not have, which makes the analyst know more
than they do (and the protection stronger). It then hides more week cells ("skjult", never a public cell,
which everyone has already seen) until no hidden count above 0 — week or month — is pinned to one value by
bounding over all the sums together (suppression.feasible_intervals). tests/insights/test_suppression.py
checks on random small tables, by listing every possible set of pieces, that nothing hidden can be worked out.
"""

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .publish import COUNTRY, COUNTY, MUNICIPALITY, OFFICE
from .suppression import SECONDARY, UNDER_5, Interval, feasible_intervals

# Counts that both tables carry, counted the same way (by the case's office and municipality, in the week and
# the month of the same moment). The paper figure's month also holds the inbox municipality's own count: an
# unknown of its own in the month. Counts of registered sources are monthly only.
LINKED = ("digital_standard", "digital_short", "paper", "ettersendelser")
INBOX_FIGURE = "paper"
# Withheld with a count that is newly hidden (publish._derived withholds the share with its counts).
DERIVED = {"digital_share": ("digital_standard", "digital_short", "paper")}
PIECE = "piece"  # an unpublished sum: 0 or more
# A week «under 5» that the months and the marks alone would pin (every week of its months already hidden: a
# month of 8 over two weeks «under 5» makes both 4), shown to analysts as «skjult» instead: the same mark as a
# week hidden to protect another, so it says no range — 0 or more (_mask).
MASKED = "masked"
MAX_EXTRA = 10_000  # a safety stop only
# How long the whole table's rounds may take per figure before the rest is protected wholesale (below), when
# the caller gives none: at every office over a year one unlucky table needed hundreds of rounds of 1.5 s each.
# The analysts' job gives its own (settings.INSIGHTS_ANALYST_BUDGET_SECONDS shared by the figures).
BUDGET_SECONDS = 60.0
# Candidates tried per ring around a pinned cell, smallest first: each trial bounds the whole again (1.5 s at
# every office over a year), and a ring can hold hundreds of weeks. Past these, the smallest is hidden and the
# next round checks again, so the protection is as strong; only the choice may be less economical.
MAX_TRIALS = 8

Node = tuple  # ("week", level, area, period) | ("month", level, area, period) | (PIECE, ...)


@dataclass(frozen=True)
class Published:
    """One published count: its value, or None with its mark (under5 | secondary)."""

    value: float | None
    suppressed: str = ""


def month_of_day(day: date) -> date:
    return day.replace(day=1)


def months_of_week(week: date) -> list[date]:
    """The months a week (its Monday) has days in: one, or two for a week across a month's end."""
    return sorted({month_of_day(week), month_of_day(week + timedelta(days=6))})


def protect(
    weeks: Mapping[tuple[str, str, date], Published],
    months: Mapping[tuple[str, str, date], Published],
    county_of: Mapping[str, str],
    pairs: Iterable[tuple[str, str]],
    *,
    inbox: bool = False,
    months_of: Callable[[date], list[date]] = months_of_week,
    split: bool = True,
    budget_seconds: float | None = BUDGET_SECONDS,
) -> dict[tuple[str, str, date], str]:
    """The week cells to hide beyond their own week's suppression: {(level, area, week): SECONDARY}.

    `split`: first each group of offices and municipalities that share no case (a connected component of the
    office–municipality pairs) is protected on its own, without the country's and the counties' totals, which
    is cheap and finds most of the weeks to hide; then the whole, with every total, is checked once and more
    weeks are hidden from there while anything is still pinned. The groups alone are not enough: the country's
    weeks and the counties' and the country's months add groups up, so what one group leaves shown can pin a
    count in another. The final check is the same as without `split`, so the protection is as strong; the
    weeks hidden may differ (a group's own choice is kept when it suffices).

    `budget_seconds`: when the whole table's rounds take longer, every week still shown in the months of what
    is still pinned is hidden at once. Hiding more only widens what the published cells allow, so this fails
    closed: the analyst sees fewer weeks that hour, never a count that could be worked out."""
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    pairs = sorted(set(pairs))
    week_periods = sorted({period for (_level, _area, period) in weeks})
    month_periods = sorted({period for (_level, _area, period) in months})
    already: dict[tuple[str, str, date], str] = {}
    if split:
        for offices, municipalities in _groups(pairs):
            group_pairs = [(o, k) for o, k in pairs if o in offices]
            already |= _protect(
                {key: p for key, p in weeks.items() if key[0] == OFFICE and key[1] in offices},
                {key: p for key, p in months.items() if key[0] == MUNICIPALITY and key[1] in municipalities},
                {k: county_of[k] for k in municipalities},
                group_pairs,
                inbox=inbox,
                months_of=months_of,
                periods=(week_periods, month_periods),
                totals=False,
            )
    return _protect(
        weeks,
        months,
        county_of,
        pairs,
        inbox=inbox,
        months_of=months_of,
        periods=(week_periods, month_periods),
        already=already,
        deadline=deadline,
    )


def _groups(pairs: list[tuple[str, str]]) -> list[tuple[set[str], set[str]]]:
    """The offices and municipalities that share cases, each group apart (connected components)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for office, municipality in pairs:
        a, b = root((OFFICE, office)), root((MUNICIPALITY, municipality))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for office, municipality in pairs:
        offices, municipalities = groups[root((OFFICE, office))]
        offices.add(office)
        municipalities.add(municipality)
    return [groups[key] for key in sorted(groups)]


def _protect(
    weeks: Mapping[tuple[str, str, date], Published],
    months: Mapping[tuple[str, str, date], Published],
    county_of: Mapping[str, str],
    pairs: Iterable[tuple[str, str]],
    *,
    inbox: bool,
    months_of: Callable[[date], list[date]],
    periods: tuple[list[date], list[date]],
    totals: bool = True,
    already: Mapping[tuple[str, str, date], str] | None = None,
    deadline: float | None = None,
) -> dict[tuple[str, str, date], str]:
    """The week cells to hide beyond their own week's suppression: {(level, area, week): SECONDARY}.

        `weeks`: the analysts' published cells of one figure by (country|office, area, week), every office with a
        case and every week the statistics have (a missing cell is 0, published "under 5"). `months`: the public
        cells of the same figure by (country|county|municipality, area, month), likewise. `county_of`: every
        municipality's county. `pairs`: the (office, municipality) pairs that have cases. `inbox`: the months hold
        a count the weeks do not (the inbox municipalities' paper). `months_of`: the months a week has days in (a
    test gives a small calendar of its own). `totals`: with the country's and the counties' cells and sums
    (False: one group alone). `already`: week cells hidden before (a group's own protection)."""
    pairs = sorted(set(pairs))
    week_periods, month_periods = periods
    # The calendar worked out once per week: parts() asked it of every week for every area and month (5 million
    # calls, half the job's time at a million cases).
    months_of = functools.cache(months_of)
    weeks_in: dict[date, list[date]] = defaultdict(list)
    for week in week_periods:
        for month in months_of(week):
            weeks_in[month].append(week)
    offices = sorted({office for office, _k in pairs})
    municipalities = sorted(county_of)
    known_months = set(month_periods)

    value: dict[Node, float] = {}
    hidden: dict[Node, str] = {}
    analyst: set[Node] = set()

    def cell(kind: str, level: str, area: str, period: date, table: Mapping) -> Node:
        node = (kind, level, area, period)
        shown = table.get((level, area, period))
        if shown is None:  # no row: 0, published "under 5"
            value[node], hidden[node] = 0, UNDER_5
        elif shown.suppressed:
            value[node], hidden[node] = 1, shown.suppressed  # above 0; the exact value is not needed
        else:
            value[node] = shown.value or 0
        return node

    sums: list[tuple[Node, list[Node]]] = []
    unknown: dict[Node, list[Node]] = defaultdict(list)  # each unpublished sum and what adds up to it

    def piece(*key) -> Node:
        node = (PIECE, *key)
        hidden[node], value[node] = PIECE, 0
        return node

    # The pieces, and their sums at each level of either table (an office's, a municipality's, a county's and
    # the country's part of a week in a month): interval bounding works one sum at a time, so the sums that
    # join the two tables must be there to bound with.
    for week in week_periods:
        for month in months_of(week):
            if month not in known_months:
                continue  # no statistics that month: no cases, as far as the analyst can tell
            for office, municipality in pairs:
                one = piece(office, municipality, week, month)
                unknown[piece(OFFICE, office, week, month)].append(one)
                unknown[piece(MUNICIPALITY, municipality, week, month)].append(one)
            if not totals:
                continue
            for municipality in {k for _o, k in pairs}:
                county = county_of[municipality]
                unknown[piece(COUNTY, county, week, month)].append(
                    piece(MUNICIPALITY, municipality, week, month)
                )
            for county in {county_of[k] for _o, k in pairs}:
                unknown[piece(COUNTRY, "", week, month)].append(piece(COUNTY, county, week, month))
    sums.extend(unknown.items())

    def parts(level: str, area: str, *, week: date | None = None, month: date | None = None) -> list[Node]:
        """The pieces of one area in a week (over its months) or in a month (over its weeks)."""
        if week is not None:
            candidates = [(PIECE, level, area, week, m) for m in months_of(week)]
        else:
            candidates = [(PIECE, level, area, w, month) for w in weeks_in.get(month, ())]
        return [node for node in candidates if node in hidden]

    for week in week_periods:
        office_nodes = []
        for office in offices:
            node = cell("week", OFFICE, office, week, weeks)
            analyst.add(node)
            office_nodes.append(node)
            sums.append((node, parts(OFFICE, office, week=week)))
        if totals:
            country = cell("week", COUNTRY, "", week, weeks)
            analyst.add(country)
            sums.append((country, office_nodes))
            sums.append((country, parts(COUNTRY, "", week=week)))
    for month in month_periods:
        if not totals:
            for municipality in municipalities:
                node = cell("month", MUNICIPALITY, municipality, month, months)
                kids = parts(MUNICIPALITY, municipality, month=month)
                if inbox:
                    kids.append(piece("inbox", MUNICIPALITY, municipality, month))
                sums.append((node, kids))
            continue
        country = cell("month", COUNTRY, "", month, months)
        by_county: dict[str, list[Node]] = defaultdict(list)
        inbox_of_county: dict[str, list[Node]] = defaultdict(list)
        for municipality in municipalities:
            node = cell("month", MUNICIPALITY, municipality, month, months)
            county = county_of[municipality]
            by_county[county].append(node)
            kids = parts(MUNICIPALITY, municipality, month=month)
            if inbox:
                own = piece("inbox", MUNICIPALITY, municipality, month)
                inbox_of_county[county].append(own)
                kids.append(own)
            sums.append((node, kids))
        county_nodes, inbox_nodes = [], []
        for county, kids in sorted(by_county.items()):
            node = cell("month", COUNTY, county, month, months)
            county_nodes.append(node)
            sums.append((node, kids))
            own = []
            if inbox:
                own = [piece("inbox", COUNTY, county, month)]
                sums.append((own[0], inbox_of_county[county]))
                inbox_nodes.extend(own)
            sums.append((node, parts(COUNTY, county, month=month) + own))
        sums.append((country, county_nodes))
        own = []
        if inbox:
            own = [piece("inbox", COUNTRY, "", month)]
            sums.append((own[0], inbox_nodes))
        sums.append((country, parts(COUNTRY, "", month=month) + own))

    extra: dict[tuple[str, str, date], str] = {}
    for key, mark in (already or {}).items():
        node = ("week", *key)
        if node in analyst and node not in hidden:
            hidden[node] = mark
            extra[key] = mark
    # Pinned with every week of its months already without a range: by the public cells alone (which their own
    # suppression protects), so never in practice; a safety stop for the loop only.
    given_up: set[Node] = set()
    for _ in range(MAX_EXTRA):
        pinned = [node for node in _pinned(sums, hidden, value) if node not in given_up]
        if not pinned:
            break
        if deadline is not None and time.monotonic() > deadline:
            # Every week of those months says no range any more, shown, «under 5» or «skjult» alike (as
            # «skjult»): "5 or more" would still bound the months from below (see _mask), and with no range
            # on any week the months hold only what the public table does, which its own suppression protects.
            for node in [
                *_weeks_of_months(pinned, analyst, hidden, months_of),
                *_small_weeks_of_months(pinned, analyst, hidden, value, months_of),
                *_protectors_of_months(pinned, analyst, hidden, months_of),
            ]:
                hidden[node] = MASKED
                extra[node[1:]] = MASKED
            break
        protector = _protector(
            pinned[0], analyst, hidden, value, offices, pairs, week_periods, months_of, sums
        )
        if protector is None:
            # Nothing shown is left to hide near it: a week of its months loses its range instead.
            masked = _mask(pinned[0], analyst, hidden, value, months_of, sums)
            if masked is None:
                given_up.add(pinned[0])
            else:
                hidden[masked] = MASKED
                extra[masked[1:]] = MASKED
            continue
        hidden[protector] = SECONDARY
        extra[protector[1:]] = SECONDARY
    return extra


def _months_of_pinned(pinned: list[Node], months_of: Callable[[date], list[date]]) -> set[date]:
    """The months the pinned cells fall in: a week's months, or the month itself."""
    months: set[date] = set()
    for kind, _level, _area, period in pinned:
        months |= set(months_of(period)) if kind == "week" else {period}
    return months


def _weeks_in_months(
    pinned: list[Node],
    analyst: set[Node],
    months_of: Callable[[date], list[date]],
    keep: Callable[[Node], bool],
) -> list[Node]:
    """The week cells the analyst sees, of those `keep` takes, that have days in a month of a pinned cell."""
    months = _months_of_pinned(pinned, months_of)
    return sorted(
        node for node in analyst if node[0] == "week" and keep(node) and months & set(months_of(node[3]))
    )


def _weeks_of_months(
    pinned: list[Node],
    analyst: set[Node],
    hidden: Mapping[Node, str],
    months_of: Callable[[date], list[date]],
) -> list[Node]:
    """Every week cell the analyst still sees that has days in a month of a pinned cell."""
    return _weeks_in_months(pinned, analyst, months_of, lambda node: node not in hidden)


def _small_weeks_of_months(
    pinned: list[Node],
    analyst: set[Node],
    hidden: Mapping[Node, str],
    value: Mapping[Node, float],
    months_of: Callable[[date], list[date]],
) -> list[Node]:
    """Every week «under 5» with a row (above 0) the analyst sees in a month of a pinned cell."""
    return _weeks_in_months(
        pinned, analyst, months_of, lambda node: hidden.get(node) == UNDER_5 and value[node] > 0
    )


def _protectors_of_months(
    pinned: list[Node],
    analyst: set[Node],
    hidden: Mapping[Node, str],
    months_of: Callable[[date], list[date]],
) -> list[Node]:
    """Every week hidden to protect another («skjult», 5 or more) the analyst sees in a month of a pinned cell."""
    return _weeks_in_months(pinned, analyst, months_of, lambda node: hidden.get(node) == SECONDARY)


def _mask(
    pinned: Node,
    analyst: set[Node],
    hidden: Mapping[Node, str],
    value: Mapping[Node, float],
    months_of: Callable[[date], list[date]],
    sums: list[tuple[Node, list[Node]]],
) -> Node | None:
    """A week of the pinned cell's months to say no range of (0 or more) when no shown week is left to hide:
    the pinned week itself, else the first small week of its months that sets it free, else the first (a next
    round masks more); when no small week is left, a week «skjult» (5 or more) the same way. None when there is
    none (a public month pinned by the public cells alone).

    Hiding a week as «5 or more» cannot always set a count free: the week hidden is the smallest of 5 or more,
    often exactly 5, so "5 or more" is its true lower bound, and bounding can carry it through a week across a
    month's end (its part in the next month known from that month and its other weeks) to a month «under 5»:
    an office's week of 5 whose part in the next month is 1 leaves 4 or more in a month «under 5», which is then
    4. A week «skjult» is shown the same either way and the page says it may hold any number, so saying no range
    of it costs the analyst nothing shown."""
    small = _small_weeks_of_months([pinned], analyst, hidden, value, months_of)
    if pinned in small:
        return pinned
    candidates = small or _protectors_of_months([pinned], analyst, hidden, months_of)
    for node in candidates[:MAX_TRIALS]:
        if pinned not in _pinned(sums, {**hidden, node: MASKED}, value):
            return node
    return candidates[0] if candidates else None


def domain(reason: str) -> Interval:
    if reason == UNDER_5:
        return (0, 4)
    if reason in (PIECE, MASKED):
        return (0, float("inf"))
    return (5, float("inf"))


def _pinned(
    sums: list[tuple[Node, list[Node]]], hidden: Mapping[Node, str], value: Mapping[Node, float]
) -> list[Node]:
    """The week and month counts from 1 to 4 ("under 5") that the published cells and sums pin to one value.
    A count hidden to protect another is 5 or more: bounding it closely singles out nobody, and whether it
    still protects is what this checks of the small counts themselves."""
    bounds = feasible_intervals(sums, hidden, value, domain=domain)
    return [
        node
        for node, reason in hidden.items()
        if reason in (UNDER_5, MASKED) and value[node] > 0 and bounds[node][0] >= bounds[node][1]
    ]


def _protector(
    pinned: Node,
    analyst: set[Node],
    hidden: Mapping[Node, str],
    value: Mapping[Node, float],
    offices: list[str],
    pairs: list[tuple[str, str]],
    week_periods: list[date],
    months_of: Callable[[date], list[date]],
    sums: list[tuple[Node, list[Node]]],
) -> Node | None:
    """A shown week count of 5 or more to hide beside the pinned cell: nearest first (its own week, then the
    weeks of its office, of the offices of its municipality, and of the country in the same months, then any
    week of those months), the smallest that sets the pinned cell free, else the smallest (a next round
    hides more)."""
    kind, level, area, period = pinned
    if kind == "week":
        months = set(months_of(period))
        same_week = [("week", COUNTRY, "", period), *(("week", OFFICE, o, period) for o in offices)]
        related = {area} if level == OFFICE else set(offices)
    else:
        months = {period}
        same_week = []
        if level == MUNICIPALITY:
            related = {office for office, municipality in pairs if municipality == area}
        else:
            related = set(offices)
    in_months = [w for w in week_periods if months & set(months_of(w))]
    nearby = [("week", OFFICE, o, w) for w in in_months for o in sorted(related)]
    nearby += [("week", COUNTRY, "", w) for w in in_months]
    anywhere = [
        ("week", lv, a, w) for w in in_months for lv, a in [(COUNTRY, ""), *((OFFICE, o) for o in offices)]
    ]
    for candidates in (same_week, nearby, anywhere):
        shown = sorted(
            (value[n], n)
            for n in set(candidates)
            if n in analyst and n not in hidden and value.get(n, 0) >= 5
        )
        for _value, node in shown[:MAX_TRIALS]:
            trial = {**hidden, node: SECONDARY}
            if pinned not in _pinned(sums, trial, value):
                return node
        if shown:
            return shown[0][1]
    return None


def withheld_with(extra: Mapping[tuple[str, str, date], set[str]]) -> dict[tuple[str, str, date], set[str]]:
    """The derived figures to withhold where counts were newly hidden: {(level, area, week): {figure}}."""
    result: dict[tuple[str, str, date], set[str]] = defaultdict(set)
    for node, figures in extra.items():
        for derived, inputs in DERIVED.items():
            if figures & set(inputs):
                result[node].add(derived)
    return dict(result)
