"""A small line chart as SVG, drawn on the server (no JavaScript, no library).

Why not pygal or matplotlib: one polyline, two axis labels and a few gridlines are some forty lines; a
library would add a dependency (and for matplotlib a heavy one) for that, and the accessible markup the page
needs (role="img", aria-labelledby, <title>, <desc>, and the table after it) is simplest when we write the
element ourselves. Suppressed and missing points break the line: nothing hidden is drawn.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from digisos.core.formatting import formatters

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 56, 16, 16, 32


def line_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[tuple[date, float | None]]
) -> SafeString:
    values = [v for _, v in points if v is not None]
    top = max(values) if values else 1.0
    top = top if top > 0 else 1.0
    n = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * i / n

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)

    segments: list[list[str]] = [[]]
    for i, (_, value) in enumerate(points):
        if value is None:
            segments.append([])
        else:
            segments[-1].append(f"{x(i):.1f},{y(value):.1f}")
    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="#0067c5" stroke-width="2" points="{}"/>',
        ((" ".join(s),) for s in segments if len(s) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="#0067c5"/>',
        ((f"{x(i):.1f}", f"{y(v):.1f}") for i, (_, v) in enumerate(points) if v is not None),
    )
    # The first and last month under the axis as core writes a month in the page's language ("mars 2026").
    month_and_year = formatters().month_and_year
    first = month_and_year(points[0][0]) if points else ""
    last = month_and_year(points[-1][0]) if points else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc" class="insights-chart">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#6a6a6a"/>'
        '<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#6a6a6a"/>'
        '<text x="{tx}" y="{ty}" font-size="12" text-anchor="end">{top}</text>'
        '<text x="{tx}" y="{b}" font-size="12" text-anchor="end">0</text>'
        '<text x="{l}" y="{lab}" font-size="12">{first}</text>'
        '<text x="{r}" y="{lab}" font-size="12" text-anchor="end">{last}</text>{lines}{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        l=LEFT,
        r=WIDTH - RIGHT,
        t=TOP,
        b=HEIGHT - BOTTOM,
        tx=LEFT - 6,
        ty=TOP + 4,
        top=formatters().number(top, 0 if float(top).is_integer() else 1),
        lab=HEIGHT - 10,
        first=first,
        last=last,
        lines=lines,
        dots=dots,
    )
