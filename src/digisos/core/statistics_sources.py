"""Counts that other services contribute to the public statistics (issue 14's figures, issue 15's "proof of
modularity": a service plugs into statistics through a registry).

`insights` sits at the top of the module map and could import every app, but a service it has never heard of
must still be counted: each app that has something to count registers a source here from its
AppConfig.ready(), and insights' hourly job reads every registered source. Sources return counts only, never
who: small numbers are suppressed by insights before anything is published.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, NamedTuple


# NamedTuples, not frozen dataclasses: this module loads at every start-up (AppConfig.ready() registers into it),
# and dataclasses compiles six methods per class at run time (docs/operations.md, "Command start-up": 3 M
# instructions for MonthlyCount alone, session 30).
class MonthlyCount(NamedTuple):
    municipality_number: str  # kommunenummer, four digits
    month: date  # the first day of the month
    count: int  # the field, not tuple.count(): a NamedTuple's fields come before the tuple's methods


class StatisticsSource(NamedTuple):
    key: str  # stable, used in the aggregate tables and the API: "bekymringsmeldinger"
    name: Any  # (lazy) text: the figure's name on the dashboard
    definition: Any  # (lazy) text: the written definition shown beside the figure
    # The complete count of every (municipality, month) that changed since `since` (None: every month).
    # Called by insights' hourly job with the time of its last run, so it must be cheap when little changed.
    monthly_counts: Callable[[datetime | None], Iterable[MonthlyCount]]


_SOURCES: dict[str, StatisticsSource] = {}


def register(source: StatisticsSource) -> None:
    """Called from the contributing app's AppConfig.ready(); registering the same key again replaces it."""
    _SOURCES[source.key] = source


def registered() -> list[StatisticsSource]:
    return list(_SOURCES.values())
