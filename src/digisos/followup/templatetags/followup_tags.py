"""The person overview's chart: bar positions for the server-rendered SVG (no JavaScript), and amounts. Dates are
written with core's formatters (core/formatting.py)."""

from django import template

from digisos.innsyn.rendering import kroner as _kroner

register = template.Library()
# Each month's bar is 14 wide with 4 between; the chart is 100 high (a bar's height is its share of the largest).
_STEP = 18


@register.filter
def chart_width(months: int) -> int:
    return months * _STEP


@register.filter
def chart_x(index: int) -> int:
    return index * _STEP + 2


@register.filter
def chart_y(share: float) -> float:
    return 100 - share


@register.filter
def kroner(amount: float | None) -> str:
    return _kroner(amount)
