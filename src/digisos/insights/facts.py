"""What one case contributes to the statistics (its facts), and the figures of a cell of cases: pure, no models.

A case's facts are read from the case read model (CaseState's columns and its stored folded view) and its
application, never by folding digisos-soker.json again. Cells hold counts and hour histograms, which add up:
a county's cell is the sum of its municipalities' cells, the country's of its counties', and percentiles are
read from the summed histogram, so nothing is computed twice and a rebuild gives what the updates gave.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
STANDARD, SHORT, PAPER = "standard", "kort", "paper"
COUNT_FIELDS = (
    "digital_standard",
    "digital_short",
    "paper",
    "ettersendelser",
    "decided_n",
    "decided_without_request_n",
    "requested_n",
    "answered_on_time_n",
)
HISTOGRAMS = ("received", "preliminary", "decision")


def month_of(instant: datetime) -> date:
    local = instant.astimezone(OSLO)
    return date(local.year, local.month, 1)


def week_of(instant: datetime) -> date:
    """The Monday (Norwegian time) of the ISO week."""
    local = instant.astimezone(OSLO).date()
    return local - timedelta(days=local.weekday())


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _hours(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return max(0, int((end - start).total_seconds() // 3600))


@dataclass(frozen=True)
class CaseFacts:
    municipality: str
    office: str
    month: date
    week: date
    channel: str  # standard | kort | paper
    received_hours: int | None = None
    preliminary_hours: int | None = None
    decision_hours: int | None = None
    decided_without_request: bool = False
    requested: bool = False
    answered_on_time: bool = False


def case_facts(
    *,
    municipality: str,
    office: str,
    variant: str | None,  # None for a paper case
    sent_at: datetime,  # the application's sent_at, or the paper case's registration
    view: dict[str, Any],
    decisions: list[dict[str, Any]],
    ettersendelser: Iterable[datetime] = (),
) -> CaseFacts:
    """A case's facts from its CaseState (`view` needs only "timeline", "preliminary_answer", "tasks")."""
    month, week = month_of(sent_at), week_of(sent_at)
    if variant is None:
        return CaseFacts(municipality, office, month, week, PAPER)
    timeline = view.get("timeline") or []
    received = next((_instant(e["at"]) for e in timeline if e.get("kind") == "status_mottatt"), None)
    preliminary = _instant((view.get("preliminary_answer") or {}).get("at"))
    decided = min((_instant(d["at"]) for d in decisions if d.get("at")), default=None)
    requests = sorted(_instant(e["at"]) for e in timeline if e.get("kind") == "documents_requested")
    first_request = requests[0] if requests else None
    return CaseFacts(
        municipality=municipality,
        office=office,
        month=month,
        week=week,
        channel=SHORT if variant == "kort" else STANDARD,
        received_hours=_hours(sent_at, received),
        preliminary_hours=_hours(sent_at, preliminary),
        decision_hours=_hours(sent_at, decided),
        decided_without_request=decided is not None and not any(r < decided for r in requests),
        requested=first_request is not None,
        answered_on_time=first_request is not None
        and _answered_on_time(first_request, view.get("tasks") or [], decided, ettersendelser),
    )


def _answered_on_time(
    requested_at: datetime, tasks: list[dict[str, Any]], decided: datetime | None, sent: Iterable[datetime]
) -> bool:
    """An ettersendelse after the first request and by its deadline (the earliest of that request's documents
    still in the view) or, when the deadline is no longer known, before the decision."""
    deadlines = [
        _instant(t["deadline"])
        for t in tasks
        if t.get("from_caseworker") and t.get("deadline") and _instant(t.get("requested_at")) == requested_at
    ]
    limit = min(deadlines) if deadlines else decided
    return any(requested_at <= at and (limit is None or at <= limit) for at in sent)


@dataclass
class Cell:
    """The additive contents of one (area, period): counts and hour histograms ({hours: cases})."""

    counts: Counter = field(default_factory=Counter)
    histograms: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in HISTOGRAMS})
    sources: Counter = field(default_factory=Counter)

    def add_case(self, facts: CaseFacts, times: int = 1) -> None:
        """Adds the case's contribution (`times=-1` takes it away again: the hourly update applies a changed
        case's old facts with -1 and its new ones with +1 to the stored cells)."""
        if facts.channel == PAPER:
            self.counts["paper"] += times
            return
        self.counts["digital_short" if facts.channel == SHORT else "digital_standard"] += times
        for name in HISTOGRAMS:
            hours = getattr(facts, f"{name}_hours")
            if hours is not None:
                self.histograms[name][hours] += times
        if facts.decision_hours is not None:
            self.counts["decided_n"] += times
            self.counts["decided_without_request_n"] += times * facts.decided_without_request
        self.counts["requested_n"] += times * facts.requested
        self.counts["answered_on_time_n"] += times * facts.answered_on_time

    def add(self, other: "Cell") -> None:
        # Empty parts skipped: publishing adds every area's cell into its county's and the country's.
        if other.counts:
            self.counts.update(other.counts)
        if other.sources:
            self.sources.update(other.sources)
        for name in HISTOGRAMS:
            if other.histograms[name]:
                self.histograms[name].update(other.histograms[name])

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {k: v for k, v in self.counts.items() if v},
            "histograms": {
                n: {str(h): c for h, c in sorted(hist.items()) if c} for n, hist in self.histograms.items()
            },
            "sources": {k: v for k, v in self.sources.items() if v},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Cell":
        # Built directly (dict.update on new, empty counters): publishing a period reads every area's cell, and
        # Counter.update's per-key loop was most of that.
        cell = cls()
        dict.update(cell.counts, data.get("counts") or {})
        dict.update(cell.sources, data.get("sources") or {})
        for name, hist in (data.get("histograms") or {}).items():
            dict.update(cell.histograms[name], {int(h): c for h, c in hist.items()})
        return cell

    def is_empty(self) -> bool:
        # Not `to_json()`'s values: its histograms are a dict of three (maybe empty) histograms, never falsy.
        return (
            not any(self.counts.values())
            and not any(self.sources.values())
            and not any(any(histogram.values()) for histogram in self.histograms.values())
        )


def percentile(histogram: Counter, p: float) -> int | None:
    """Nearest rank: the smallest value with at least p of the cases at or below it."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # not reached


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
