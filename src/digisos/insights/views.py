"""/statistikk/: the public dashboard (country, county, municipality), and for analysts NAV office and week."""

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from digisos.core.formatting import formatters
from digisos.municipalities.selectors import municipality_choices
from digisos.onboarding.selectors import baseline_for

from . import benefits as b
from . import figures as f
from . import selectors
from .chart import line_chart
from .publish import COUNTRY, COUNTY, MUNICIPALITY, OFFICE

MARKS = {
    "under5": gettext_lazy("under 5"),
    "secondary": gettext_lazy("skjult"),
    "withheld": gettext_lazy("holdt tilbake"),
}


def is_analyst(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and "analyst" in user.role_names())


def _shown(figure: f.Figure, value: float | None, suppressed: str) -> str:
    if suppressed:
        return str(MARKS.get(suppressed, suppressed))
    if value is None:
        return "–"
    # Core's number, per language: "36,4 %", "1 234" (a no-break space) in Norwegian; "36.4 %", "1,234" in English.
    if figure.kind == f.SHARE:
        return f"{formatters().number(value, 1)} %"
    return formatters().number(value, 0)


# Pages for visitors who are not logged in, kept per language, address and version of the figures (they change
# once an hour): rendering fifteen charts and tables cost many times the bare view's whole request. The one
# per-request part, the CSRF token of the header's language form, is put back in on the way out (as the guide
# does). Only the area choices make a kept page, so the number kept stays bounded.
_CSRF_MARK = "\x00insights-csrf\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_pages: dict[tuple, str] = {}
MAX_CACHED_PAGES = 4000


def dashboard(request: HttpRequest) -> HttpResponse:
    keep = (
        not request.user.is_authenticated
        and set(request.GET) <= {"fylke", "kommune"}
        and all(len(v) <= 4 for v in request.GET.values())
        and not get_messages(request)
    )
    if not keep:
        return _dashboard(request)
    version = selectors.version()
    if version is None:  # never computed: nothing worth keeping
        return _dashboard(request)
    key = (get_language(), request.get_full_path(), version)
    shell = _pages.get(key)
    if shell is None:
        response = _dashboard(request)
        if response.status_code != 200:
            return response
        shell = _CSRF_INPUT.sub(rf"\g<1>{_CSRF_MARK}\g<2>", response.content.decode())
        if len(_pages) >= MAX_CACHED_PAGES:
            _pages.clear()
        _pages[key] = shell
    return HttpResponse(shell.replace(_CSRF_MARK, get_token(request)))


def _dashboard(request: HttpRequest) -> HttpResponse:
    analyst = is_analyst(request)
    county, municipality = request.GET.get("fylke", ""), request.GET.get("kommune", "")
    office = request.GET.get("kontor", "") if analyst else ""
    weekly = analyst and request.GET.get("periode") == "uke"
    level, area = COUNTRY, ""
    if office:
        level, area = OFFICE, office
        weekly = True
    elif municipality:
        level, area = MUNICIPALITY, municipality
    elif county:
        level, area = COUNTY, county
    name = selectors.area_name(level, area)
    error = ""
    if name is None or (weekly and level in (COUNTY, MUNICIPALITY)):
        error = _("Vi fant ikke området du valgte. Velg fylke eller kommune fra listene og prøv igjen.")
        if weekly:
            error = _(
                "Ukestall finnes for hele landet og for Nav-kontor. Velg et Nav-kontor eller hele landet."
            )
        level, area, name = COUNTRY, "", selectors.area_name(COUNTRY, "")
    figures = []
    weeks_as_of = ""
    if weekly:
        # Analysts' weeks: only those the analysts' job protected together with the public months of one
        # snapshot (insights/analyst.py, services.protect_analysts); none before it has run.
        snapshot = selectors.analyst_snapshot()
        all_series = selectors.analyst_week_series(level, area) if snapshot else []
        if snapshot:
            weeks_as_of = formatters().day_and_time(snapshot.figures_of)
    else:
        all_series = selectors.series(level, area)
    # A municipality after go-live: its figures against the baseline it recorded in onboarding.
    against = baseline_context(area, all_series, name) if level == MUNICIPALITY and not weekly else {}
    # A week by its Monday ("2. mars 2026"), a month by its name ("mars 2026"), as core writes them per language.
    period = formatters().day if weekly else formatters().month_and_year
    for index, series in enumerate(all_series):
        rows = [(period(p.period), _shown(series.figure, p.value, p.suppressed)) for p in series.points]
        description = _(
            "Linjediagram over %(what)s per %(period)s for %(area)s. Tallene står i tabellen under."
        ) % {
            "what": str(series.figure.name).lower(),
            "period": _("uke") if weekly else _("måned"),
            "area": name,
        }
        chart = line_chart(
            chart_id=f"figure-{index}",
            title=f"{series.figure.name}, {name}",
            description=description,
            points=[(p.period, None if p.suppressed else p.value) for p in series.points],
        )
        figures.append(
            {
                "series": series,
                "rows": rows,
                "chart": chart,
                "id": f"figure-{index}",
                "baseline": against.get("figure_baselines", {}).get(series.figure.key, ""),
            }
        )
    context = {
        "analyst": analyst,
        "weekly": weekly,
        "weeks_as_of": weeks_as_of,
        "level": level,
        "area": area,
        "name": name,
        "error": error,
        "figures": figures,
        "counties": selectors.counties(),
        "municipalities": municipality_choices(),
        "offices": selectors.offices() if analyst else [],
        "selected_county": county,
        "selected_municipality": municipality,
        "selected_office": office,
        "download_query": _download_query(level, area),
        **against,
    }
    return render(request, "insights/dashboard.html", context, status=400 if error else 200)


# --- Benefits against the baseline (insights.benefits) ---------------------------------------------------

MINUS = "\u2212"  # read as "minus" by screen readers, unlike a hyphen


def _number(value: Decimal | int | float | None, decimals: int = 0, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    text = formatters().number(
        value, decimals
    )  # "8,8" and "1 234" in Norwegian, "8.8" and "1,234" in English
    if text.startswith("-"):
        return MINUS + text[1:]
    return f"+{text}" if signed and value > 0 else text


def _count_or_small(value: int | Decimal | None, small: bool, decimals: int = 0) -> str:
    if small:
        return str(MARKS["under5"])
    if value is None:
        return _("ikke målt")
    return _number(value, decimals)


def _at_least(shown: str, lower_bound: bool) -> str:
    return _("minst %(value)s") % {"value": shown} if lower_bound else shown


def _with_change(value: Decimal | None, change: Decimal | None, unit: str = "") -> str:
    """ "36,4 % (+23,9)": the month's value and, in brackets, its change against the baseline."""
    if value is None:
        return "–"
    shown = f"{_number(value, 1)}{unit}"
    return shown if change is None else f"{shown} ({_number(change, 1, signed=True)})"


def baseline_context(kommunenummer: str, all_series: list[selectors.Series], name: str) -> dict[str, Any]:
    """The benefits section and each figure's baseline line, for a municipality that has gone live with a
    baseline; empty otherwise. Reads the published points only (hidden ones as None) and the baseline.

    A kept page (see `dashboard`) is keyed by the figures' version, which every hourly update renews: a
    baseline corrected by an operator after go-live shows within the hour. Going live needs no more, since the
    comparison starts with the first whole month after it, which only a later update publishes."""
    baseline = baseline_for(kommunenummer)
    # The same points and marks as the open data's comparison (api._compared).
    observed, marks = b.observed_from(all_series)
    under5 = {key: {p for p, mark in points.items() if mark == b.UNDER5} for key, points in marks.items()}
    benefits = b.compare(baseline, observed, under5)
    if benefits is None or baseline is None:
        return {}
    shown, small = benefits.baseline, benefits.baseline.small
    share = str(MARKS["withheld"]) if shown.digital_share is None else f"{_number(shown.digital_share, 1)} %"
    paper = _count_or_small(shown.paper_per_month, "paper" in small, 1)
    days = _count_or_small(shown.days_to_decision, False, 1)
    baseline_rows = [
        (_("Søknader per måned"), _count_or_small(shown.applications_per_month, "applications" in small)),
        (_("Andel digitalt"), share),
        (_("Papirsøknader per måned"), paper),
        (_("Minutter per papirsøknad"), _number(shown.minutes_per_paper_application, 1)),
        (
            _("Besøk på kontoret per måned"),
            _count_or_small(shown.office_visits_per_month, "office_visits" in small),
        ),
        (_("Telefoner per måned"), _count_or_small(shown.phone_calls_per_month, "phone_calls" in small)),
        (_("Dager fra søknad til vedtak (median)"), days),
    ]
    headings = [
        _("Andel digitalt (nullpunkt: %(value)s)") % {"value": share},
        _("Papirsøknader (nullpunkt: %(value)s per måned)") % {"value": paper},
        _("Papirsøknader unngått"),
        _("Timer spart på registrering og skanning"),
        _("Turer til kontoret spart"),
        _("Dager til vedtak (nullpunkt: %(value)s)") % {"value": days},
    ]
    rows = [
        (
            formatters().month_and_year(m.period),
            [
                _with_change(m.digital_share, m.digital_share_change, " %"),
                str(MARKS["under5"]) if m.paper_under5 else _number(m.paper),
                _at_least(_number(m.paper_avoided), m.lower_bound),
                _at_least(_number(m.hours_saved, 1), m.lower_bound),
                _at_least(_number(m.trips_avoided), m.lower_bound),
                _with_change(m.decision_days, m.decision_days_change),
            ],
        )
        for m in benefits.months
    ]
    totals = [
        "",
        "",
        _number(benefits.paper_avoided),
        _number(benefits.hours_saved, 1),
        _number(benefits.trips_avoided),
        "",
    ]
    return {
        "benefits": benefits,
        "baseline": baseline,
        "baseline_rows": baseline_rows,
        "benefit_headings": headings,
        "benefit_rows": rows,
        "benefit_totals": totals,
        "benefit_definitions": b.DEFINITIONS,
        "figure_baselines": {
            "digital_share": _("Nullpunktet før oppstart: %(value)s") % {"value": share},
            "paper": _("Nullpunktet før oppstart: %(value)s per måned") % {"value": paper},
            "decision_median": _("Nullpunktet før oppstart: %(value)s dager") % {"value": days},
        },
    }


# The public API's name for each level it publishes (api.py: niva); an office's figures are the analysts' own.
_API_LEVELS = {COUNTY: "fylke", MUNICIPALITY: "kommune"}


def _download_query(level: str, area: str) -> str:
    """The CSV and JSON links' query for the figures shown: a county's or a municipality's, not the country's
    (before, the links on Oslo's page gave the whole country's figures)."""
    niva = _API_LEVELS.get(level)
    return f"?{urlencode({'niva': niva, 'kode': area})}" if niva and area else ""
