"""The municipality a person names, found without a query per answer.

The answer page is the guide's hot path (its bench target is half the bare view's throughput), so:
- the index of municipality names is reference data, read once per process and again after INDEX_SECONDS
  (a data load's new or renamed municipality reaches the guide within that time); it holds no one's answers;
- a municipality's status and offices are kept for STATUS_SECONDS: a changed flag (say, receiving paused)
  reaches the guide within that time. The guide only points the way; the application itself checks the flags
  when it is started and sent, so a few seconds' delay here cannot let an application through.
"""

import time
from dataclasses import dataclass

from digisos.core.text import fold_for_search
from digisos.municipalities.models import Municipality
from digisos.municipalities.selectors import (
    DigitalStatus,
    MunicipalityRef,
    OfficeRef,
    digital_status,
    offices_of,
)

INDEX_SECONDS = 600
STATUS_SECONDS = 10
MAX_CACHED_PLACES = 2000


@dataclass(frozen=True)
class _Entry:
    ref: MunicipalityRef
    name: str  # casefolded
    official_name: str  # casefolded


_index: tuple[float, tuple[_Entry, ...]] | None = None
_statuses: dict[str, tuple[float, DigitalStatus | None, tuple[OfficeRef, ...]]] = {}


def _entries() -> tuple[_Entry, ...]:
    global _index
    now = time.monotonic()
    if _index is None or now - _index[0] > INDEX_SECONDS:
        rows = (
            Municipality.objects.filter(active=True)
            .select_related("county")
            .order_by("name", "kommunenummer")
        )
        entries = tuple(
            _Entry(
                ref=MunicipalityRef(kommunenummer=m.kommunenummer, name=m.name, county_name=m.county.name),
                name=fold_for_search(m.name),
                official_name=fold_for_search(m.official_name),
            )
            for m in rows
        )
        _index = (now, entries)
    return _index[1]


def find(query: str) -> list[MunicipalityRef]:
    """As municipalities.selectors.find_municipalities: by number, exact names first, then names that start
    with the text (at most 20), folded the same way ("heroy" finds Herøy)."""
    text = fold_for_search(query)
    if not text:
        return []
    entries = _entries()
    if text.isdigit():
        number = text.zfill(4)
        return [e.ref for e in entries if e.ref.kommunenummer == number]
    exact = [e.ref for e in entries if text in (e.name, e.official_name)]
    if exact:
        return exact
    return [e.ref for e in entries if e.name.startswith(text)][:20]


def status_and_offices(kommunenummer: str) -> tuple[DigitalStatus | None, tuple[OfficeRef, ...]]:
    now = time.monotonic()
    found = _statuses.get(kommunenummer)
    if found is None or now - found[0] > STATUS_SECONDS:
        status = digital_status(kommunenummer)
        found = (now, status, tuple(offices_of(kommunenummer)) if status else ())
        if len(_statuses) >= MAX_CACHED_PLACES:
            _statuses.clear()
        _statuses[kommunenummer] = found
    return found[1], found[2]


def forget() -> None:
    """For tests that change municipalities under a running process."""
    global _index
    _index = None
    _statuses.clear()
