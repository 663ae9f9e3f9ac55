"""/statistikk/: the public dashboard (country, county, municipality), and for analysts NAV office and week."""

import re

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

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
    return bool(user.is_authenticated and user.groups.filter(name="analyst").exists())


def _shown(figure: f.Figure, value: float | None, suppressed: str) -> str:
    if suppressed:
        return str(MARKS.get(suppressed, suppressed))
    if value is None:
        return "–"
    if figure.kind == f.SHARE:
        return f"{value:.1f} %".replace(".", ",")
    return f"{value:,.0f}".replace(",", "\u00a0")


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
    for index, series in enumerate(selectors.series(level, area, grain="week" if weekly else "month")):
        fmt = "j.n.Y" if weekly else "F Y"
        rows = [
            (date_format(p.period, fmt), _shown(series.figure, p.value, p.suppressed)) for p in series.points
        ]
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
        figures.append({"series": series, "rows": rows, "chart": chart, "id": f"figure-{index}"})
    context = {
        "analyst": analyst,
        "weekly": weekly,
        "level": level,
        "area": area,
        "name": name,
        "error": error,
        "figures": figures,
        "counties": selectors.counties(),
        "municipalities": selectors.municipalities(),
        "offices": selectors.offices() if analyst else [],
        "selected_county": county,
        "selected_municipality": municipality,
        "selected_office": office,
    }
    return render(request, "insights/dashboard.html", context, status=400 if error else 200)
