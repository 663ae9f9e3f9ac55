"""The person overview's chart: bar positions for the server-rendered SVG (no JavaScript), and amounts."""

from collections.abc import Callable
from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language

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


_MONTH_NAMES: dict[str, dict[int, str]] = {}


def _names() -> dict[int, str]:
    language = get_language() or ""
    names = _MONTH_NAMES.get(language)
    if names is None:
        names = _MONTH_NAMES[language] = {number: str(name) for number, name in MONTHS.items()}
    return names


@register.filter
def day(value: date | datetime | None) -> str:
    """ "3. mars 2026" in the active language (the "j. F Y" date filter, without its parser)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day}. {_names()[value.month]} {value.year}"


@register.filter
def when(value: datetime | None) -> str:
    """ "3. mars 2026 14.05" in the active language and time zone: the "j. F Y H.i" date filter without its
    parser and a translation per month name, for lists of a hundred rows (the work queues)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{day(local)} {local:%H.%M}"


def day_and_when_formatters() -> tuple[
    Callable[[date | datetime | None], str], Callable[[datetime | None], str]
]:
    """`day` and `when` for one page's rendering: the active language's month names and time zone asked once,
    not at every date (a hundred rows of the work queues spent half their rendering asking them)."""
    names = _names()
    zone = timezone.get_current_timezone()

    def page_day(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(zone)
        return f"{value.day}. {names[value.month]} {value.year}"

    def page_when(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone)
        return f"{local.day}. {names[local.month]} {local.year} {local.hour:02d}.{local.minute:02d}"

    return page_day, page_when
