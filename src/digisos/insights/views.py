"""/statistikk/: the public dashboard (country, county, municipality), and for analysts NAV office and week."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def dashboard(request: HttpRequest) -> HttpResponse:
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
                "Ukestall finnes for hele landet og for NAV-kontor. Velg et NAV-kontor eller hele landet."
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
