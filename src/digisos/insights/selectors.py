"""Reads for the statistics pages and the open-data API: only the published aggregates, a constant number of
queries per page whatever the number of cases.

How the dashboard gets its figures: `services.update()` (hourly, and `manage.py insights_rebuild` in full)
turns cases, ettersendelser and registered sources into insights.Published rows — one per (grain, level,
area, period, figure) with its value or its suppression mark. `series()` reads the rows of one area in one
query and returns, per figure of figures.all_figures(), the points by period; the page, the CSV and the API
all publish exactly these, so what one shows the others show.

Baseline (issue 14, s10-baseline): the comparison of a municipality's figures with its baseline month by month
plugs in beside `series()`: read the municipality's baseline in the view and pass it next to the series whose
figure it matches (digital_share, paper, …); the published figures here stay the only source of the "after".
"""

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext

from digisos.core.identifiers import is_number_code
from digisos.municipalities.models import County, Municipality, NavOffice

from . import figures as f
from .models import AnalystSnapshot, AnalystWeek, Published, Run
from .publish import COUNTRY, COUNTY, MUNICIPALITY, OFFICE


@dataclass(frozen=True)
class Point:
    period: date
    value: float | None
    suppressed: str  # "" | under5 | secondary | withheld


@dataclass(frozen=True)
class Series:
    figure: f.Figure
    points: list[Point]

    @property
    def has_values(self) -> bool:
        return any(p.value is not None for p in self.points)


# The version is looked up at most this often per process: the figures change once an hour, so a page may show
# the previous hour's figures for a few seconds after an update, and a kept page then costs no query at all.
VERSION_SECONDS = 10.0
_version: list = [None, -math.inf]  # [version, when looked up (time.monotonic)]


def forget() -> None:
    """Drops the remembered version (tests: each builds its own figures)."""
    _version[:] = [None, -math.inf]


def version() -> object:
    """When the published figures last changed (the last update's end): rendered pages and API answers are
    kept per version, so a kept one is at most VERSION_SECONDS stale."""
    now = time.monotonic()
    if now - _version[1] >= VERSION_SECONDS:
        _version[0] = Run.objects.filter(name="insights").values_list("finished_at", flat=True).first()
        _version[1] = now
    return _version[0]


def counties() -> list[tuple[str, str]]:
    return list(County.objects.order_by("number").values_list("number", "name"))


def offices() -> list[tuple[str, str]]:
    return list(NavOffice.objects.filter(active=True).order_by("name").values_list("enhetsnummer", "name"))


# Each level's area code: its model and its number's length (fylkesnummer 03, kommunenummer 0301, enhetsnummer 1201).
_AREAS: dict[str, tuple[Any, int]] = {
    COUNTY: (County, 2),
    MUNICIPALITY: (Municipality, 4),
    OFFICE: (NavOffice, 4),
}


def area_name(level: str, area: str) -> str | None:
    """The area's name, or None when no such area exists (also for a code not of its level's shape, as a typed
    ?kommune= can be)."""
    if level == COUNTRY:
        return gettext("Norge")
    model, length = _AREAS.get(level, (None, 0))
    if model is None or not is_number_code(area, length):
        return None
    return model.objects.filter(pk=area).values_list("name", flat=True).first()


def series(level: str, area: str, *, grain: str = "month") -> list[Series]:
    """Every figure's points for one area, over every period the statistics have (one query)."""
    rows = Published.objects.filter(grain=grain, level=level, area=area).values_list(
        "figure", "period", "value", "suppressed"
    )
    # Every period the statistics have (the country has a row in each), so every area shows the same months.
    periods = Published.objects.filter(grain=grain, level=COUNTRY).values_list("period", flat=True).distinct()
    return _series(rows, sorted(set(periods)), grain)


def analyst_snapshot() -> AnalystSnapshot | None:
    """The snapshot the analysts' weeks were protected from (None: not protected yet)."""
    return AnalystSnapshot.objects.filter(name="analysts").first()


def analyst_week_series(level: str, area: str) -> list[Series]:
    """The weeks of one NAV office or the country as analysts may see them: only AnalystWeek, which the
    analysts' job writes from one snapshot protected together with the public months (services.protect_analysts),
    never the published weeks the hourly update has changed since. No work per request."""
    rows = AnalystWeek.objects.filter(level=level, area=area).values_list(
        "figure", "period", "value", "suppressed"
    )
    periods = AnalystWeek.objects.filter(level=COUNTRY).values_list("period", flat=True).distinct()
    return _series(rows, sorted(set(periods)), "week")


def _series(rows: Iterable[tuple], ordered: list[date], grain: str) -> list[Series]:
    by_figure: dict[str, dict[date, Point]] = defaultdict(dict)
    for figure, period, value, suppressed in rows:
        by_figure[figure][period] = Point(period, value, suppressed)
    result = []
    for figure in f.all_figures():
        if grain != "month" and figure.kind == f.COVERAGE:
            continue
        known = by_figure.get(figure.key, {})
        # A count with no row is 0, published as "under 5" (publish.py stores no zeros); coverage with no row
        # is 0 (nobody connected); anything else is "no data" for that period.
        if figure.kind == f.COUNT:
            empty = Point(date.min, None, "under5")
        else:
            empty = Point(date.min, 0.0 if figure.kind == f.COVERAGE else None, "")
        points = [known.get(period, Point(period, empty.value, empty.suppressed)) for period in ordered]
        result.append(Series(figure, points))
    return result
