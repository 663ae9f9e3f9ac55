"""Checks for a digisos-soker.json: NAV's schema plus the exchange's own rules.

The document is checked event by event against the schema of its own type rather than through the
schema's `oneOf`, for two reasons: an error then names the exact field ("hendelser/3/status") instead of
"not valid under any of the given schemas", and an event type we do not know yet (NAV may add types; the
schema says enums only grow) is kept and logged instead of refusing the whole document.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import structlog

from digisos.application.filformat_validation import compiled, schema_uri, violations

from .constants import EVENT_TYPES, EventType, Filreferanse, SoknadsStatus
from .tidspunkt import parse_tidspunkt

log = structlog.get_logger(__name__)

SOKER = "digisos/soker/parts"
SOKER_FIELDS = frozenset({"hendelser", "avsender"})


@dataclass(frozen=True)
class Violation:
    path: str  # slash-separated, "" for the whole document
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(rot)'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def soker_violations(document: Any, *, file_ids: set[str] | None = None) -> list[Violation]:
    """Schema and exchange rules for a digisos-soker.json. `file_ids`: the case's files, when known."""
    if _whole_document().is_valid(document):
        # Every schema check below passes: one call into the validator instead of two per event (the case
        # systems post every case's whole history many times a day, nearly always valid).
        return _rule_violations(document, file_ids)
    return _schema_violations(document) or _rule_violations(document, file_ids)


def _schema_violations(document: Any) -> list[Violation]:
    """Each schema check by itself, naming its path: the fields, each event against its own type's schema."""
    if not isinstance(document, dict):
        return [Violation("", "Dokumentet må være et JSON-objekt.")]
    found = [
        Violation(key, f"Feltet «{key}» mangler.")
        for key in ("version", "avsender", "hendelser")
        if key not in document
    ]
    if "version" in document:
        found += schema_violations(f"{SOKER}/version.json", document["version"], prefix="version")
    if "avsender" in document:
        found += schema_violations(f"{SOKER}/avsender.json", document["avsender"], prefix="avsender")
    events = document.get("hendelser")
    if "hendelser" in document and (not isinstance(events, list) or not events):
        found.append(Violation("hendelser", "«hendelser» må være en liste med minst én hendelse."))
        return found
    for index, event in enumerate(events or []):
        found += _event_violations(index, event)
    return found


@cache
def _whole_document() -> Any:
    """One schema that holds exactly when `_schema_violations` finds nothing: the three fields, and every event
    an object with a non-empty type and a valid time that, if its type is one we know, is valid against that
    type's schema (an unknown type is kept unchecked)."""
    known = sorted(str(kind) for kind in EVENT_TYPES)
    event = {
        "type": "object",
        "required": ["type", "hendelsestidspunkt"],
        "properties": {
            "type": {"type": "string", "minLength": 1},
            "hendelsestidspunkt": {"$ref": schema_uri("types/tidspunkt.json")},
        },
        "anyOf": [
            {"properties": {"type": {"not": {"enum": known}}}},
            *(
                {
                    "properties": {"type": {"enum": [kind]}},
                    "allOf": [{"$ref": schema_uri(f"{SOKER}/hendelse/{kind}.json")}],
                }
                for kind in known
            ),
        ],
    }
    return compiled(
        {
            "type": "object",
            "required": ["version", "avsender", "hendelser"],
            "properties": {
                "version": {"$ref": schema_uri(f"{SOKER}/version.json")},
                "avsender": {"$ref": schema_uri(f"{SOKER}/avsender.json")},
                "hendelser": {"type": "array", "minItems": 1, "items": event},
            },
        }
    )


def unknown_event_types(document: dict[str, Any]) -> list[str]:
    return sorted({e["type"] for e in document.get("hendelser", []) if e.get("type") not in EVENT_TYPES})


def _event_violations(index: int, event: Any) -> list[Violation]:
    path = f"hendelser/{index}"
    if not isinstance(event, dict):
        return [Violation(path, "En hendelse må være et JSON-objekt.")]
    found = []
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        found.append(Violation(f"{path}/type", "Hver hendelse må ha en «type»."))
    if "hendelsestidspunkt" not in event:
        found.append(Violation(f"{path}/hendelsestidspunkt", "Hver hendelse må ha et «hendelsestidspunkt»."))
    else:
        found += schema_violations(
            "types/tidspunkt.json", event["hendelsestidspunkt"], prefix=f"{path}/hendelsestidspunkt"
        )
    if kind in EVENT_TYPES:
        found += schema_violations(f"{SOKER}/hendelse/{kind}.json", event, prefix=path)
    return found


def _rule_violations(document: dict[str, Any], file_ids: set[str] | None) -> list[Violation]:
    found = _time_violations(document["hendelser"])
    if not is_received(document):
        found.append(
            Violation(
                "hendelser", "Dokumentet må ha en hendelse soknadsStatus med status MOTTATT (NAVs regel)."
            )
        )
    if file_ids is not None:
        found += missing_file_violations(document, file_ids)
    return found


# The years a time or a date may have. NAV's patterns (types/tidspunkt.json, types/dato.json) take any four digits
# and any two: 2026-13-45 or 9999-12-31T23:59Z passed them, and were a 500 where the report or a page read them
# (9999-12-31T23:59Z is in year 10000 in Norwegian time). No case, payment or deadline is from before 1900 or after
# 2199; the bounds leave a margin for every sum made with a date (a deadline's working days, a month's start).
FIRST_YEAR, LAST_YEAR = 1900, 2199
# How each kind of field is read (as the fold reads it) and what the message says it must be.
_Check = tuple[Callable[[str], date], str]
_TIME: _Check = (
    parse_tidspunkt,
    "et tidspunkt som finnes. Skriv det i UTC som ÅÅÅÅ-MM-DDTtt:mm:ss.SSSZ, for eksempel 2026-11-23T13:37:00.134Z.",
)
_DATE: _Check = (date.fromisoformat, "en dato som finnes. Skriv den som ÅÅÅÅ-MM-DD, for eksempel 2026-11-23.")
# The fields NAV types as a tidspunkt or a dato, besides every event's hendelsestidspunkt: by event type, each as
# (a list of the event whose items have the field, or None for the event's own field; the field; its check).
_MOMENTS: dict[str, tuple[tuple[str | None, str, _Check], ...]] = {
    EventType.DOKUMENTASJON_ETTERSPURT: (("dokumenter", "innsendelsesfrist", _TIME),),
    EventType.DOKUMENTASJONKRAV: ((None, "frist", _TIME),),
    EventType.UTBETALING: tuple(
        (None, field, _DATE) for field in ("forfallsdato", "utbetalingsdato", "fom", "tom")
    ),
    EventType.RAMMEVEDTAK: ((None, "fom", _DATE), (None, "tom", _DATE)),
}


def _time_violations(events: list[dict[str, Any]]) -> list[Violation]:
    """Each time and date of the events that is no moment of the calendar (the schema has checked their
    pattern), or outside FIRST_YEAR–LAST_YEAR, by its path."""
    found = []
    for index, event in enumerate(events):
        for where, value, check in _moments(event):
            message = _moment_error(value, check)
            if message is not None:
                found.append(Violation(f"hendelser/{index}/{where}", message))
    return found


def _moments(event: dict[str, Any]) -> Iterator[tuple[str, Any, _Check]]:
    """The event's times and dates: (their path in the event, their value, how to check them)."""
    yield "hendelsestidspunkt", event.get("hendelsestidspunkt"), _TIME
    for items, field, check in _MOMENTS.get(event.get("type"), ()):  # type: ignore[arg-type]
        if items is None:
            yield field, event.get(field), check
            continue
        for number, item in enumerate(event.get(items) or ()):
            if isinstance(item, dict):
                yield f"{items}/{number}/{field}", item.get(field), check


def _moment_error(value: Any, check: _Check) -> str | None:
    if not isinstance(value, str):  # absent, or null where the schema allows it
        return None
    parse, what = check
    try:
        year = parse(value).year
    except ValueError:
        return f"«{value[:40]}» er ikke {what}"
    if FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"«{value[:40]}»: året må være mellom år {FIRST_YEAR} og {LAST_YEAR}."


def is_received(document: dict[str, Any] | None) -> bool:
    """The document says MOTTATT somewhere (NAV requires it of every posted document)."""
    return any(
        isinstance(e, dict)
        and e.get("type") == EventType.SOKNADS_STATUS
        and e.get("status") == SoknadsStatus.MOTTATT
        for e in (document or {}).get("hendelser", [])
    )


def referenced_file_ids(document: dict[str, Any]) -> set[str]:
    return {file_id for _, file_id in file_references(document)}


def file_references(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The document's letters (dokumentlager ids) with their paths ("hendelser/3/vedtaksfil/referanse/id")."""
    return dokumentlager_references(document["hendelser"], "hendelser")


def missing_file_violations(
    document: dict[str, Any], file_ids: set[str], *, references: list[tuple[str, str]] | None = None
) -> list[Violation]:
    """Every letter the events refer to must be on the case (KS Fiks checks the same). `references`: the
    document's file_references, when the caller has them already."""
    return [
        Violation(path, f"Filen {file_id} finnes ikke på saken. Last opp brevet før hendelsen.")
        for path, file_id in (file_references(document) if references is None else references)
        if file_id not in file_ids
    ]


def dokumentlager_references(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every {"type": "dokumentlager", "id": ...} in `value` (an event, the events), with its path."""
    found: list[tuple[str, str]] = []
    _collect_references(value, [path], found)
    return found


def _collect_references(value: Any, parts: list[str], found: list[tuple[str, str]]) -> None:
    # Every posted report is walked: only containers are descended into, and a path is written only for a
    # reference found (a generator and a path per value were most of the walk's cost).
    if isinstance(value, dict):
        if value.get("type") == Filreferanse.DOKUMENTLAGER and isinstance(value.get("id"), str):
            found.append(("/".join([*parts, "id"]), value["id"]))
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, inner in items:
        if isinstance(inner, dict | list):
            parts.append(str(key))
            _collect_references(inner, parts, found)
            parts.pop()


def schema_violations(schema: str, value: Any, *, prefix: str = "") -> list[Violation]:
    result = []
    for path, message in violations(value, schema):
        full = "/".join(part for part in (prefix, path) if part)
        result.append(Violation(full, message))
    return result


def log_unknown_event_types(document: dict[str, Any], *, case_id: str) -> None:
    unknown = unknown_event_types(document)
    if unknown:
        log.warning("exchange.unknown_event_types", case=case_id, types=unknown)
