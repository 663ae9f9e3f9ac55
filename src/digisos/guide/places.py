"""The municipality a person names, found without a query per answer.

The answer page is the guide's hot path (its bench target is half the bare view's throughput), so:
- the index of municipality names is reference data, read once per process and again after INDEX_SECONDS
  (a data load's new or renamed municipality reaches the guide within that time); it holds no one's answers;
- a municipality's status and offices are kept per (kommunenummer, version), where the version is the
  service configuration's updated_at, moved on by every flag change and data load (as the public JSON does):
  one primary-key lookup per answer checks it, so a changed flag shows at once.
"""

import time
from dataclasses import dataclass

from digisos.municipalities.models import Municipality
from digisos.municipalities.selectors import (
    DigitalStatus,
    MunicipalityRef,
    OfficeRef,
    digital_status,
    offices_of,
    service_version,
)

INDEX_SECONDS = 600
MAX_CACHED_PLACES = 2000


@dataclass(frozen=True)
class _Entry:
    ref: MunicipalityRef
    name: str  # casefolded
    official_name: str  # casefolded


_index: tuple[float, tuple[_Entry, ...]] | None = None
_statuses: dict[tuple[str, object], tuple[DigitalStatus, tuple[OfficeRef, ...]]] = {}


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
                name=m.name.casefold(),
                official_name=m.official_name.casefold(),
            )
            for m in rows
        )
        _index = (now, entries)
    return _index[1]


def find(query: str) -> list[MunicipalityRef]:
    """As municipalities.selectors.find_municipalities: by number, exact names first, then names that start
    with the text (at most 20)."""
    text = " ".join(query.split()).casefold()
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
    version = service_version(kommunenummer)
    if version is None:
        return None, ()
    key = (kommunenummer, version)
    found = _statuses.get(key)
    if found is None:
        status = digital_status(kommunenummer)
        if status is None:
            return None, ()
        found = (status, tuple(offices_of(kommunenummer)))
        if len(_statuses) >= MAX_CACHED_PLACES:
            _statuses.clear()
        _statuses[key] = found
    return found


def forget() -> None:
    """For tests that change municipalities under a running process."""
    global _index
    _index = None
    _statuses.clear()
