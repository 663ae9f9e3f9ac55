"""Checks for the documents a case system exchanges with us: NAV's schemas plus the exchange's own rules.

The same functions serve the API (which refuses with 4xx naming the path) and `manage.py exchange_validate`
(the conformance check vendors run before they connect).

digisos-soker.json is checked event by event against the schema of its own type rather than through the
schema's `oneOf`, for two reasons: an error then names the exact field ("hendelser/3/status") instead of
"not valid under any of the given schemas", and an event type we do not know yet (NAV may add types; the
schema says enums only grow) is kept and logged instead of refusing the whole document.
"""

import json
from dataclasses import dataclass
from typing import Any, Literal, get_args

import structlog

from digisos.application.filformat_validation import violations

log = structlog.get_logger(__name__)

EVENT_TYPES = (
    "tildeltNavKontor",
    "soknadsStatus",
    "vedtakFattet",
    "dokumentasjonEtterspurt",
    "forelopigSvar",
    "saksStatus",
    "utbetaling",
    "vilkar",
    "dokumentasjonkrav",
    "rammevedtak",
)
SOKER = "digisos/soker/parts"
DocumentKind = Literal["digisos-soker", "soknad", "vedlegg", "unknown"]
Kind = Literal["soknad", "vedlegg", "digisos-soker"]
KINDS: tuple[str, ...] = get_args(Kind)
# NAV's soknad.json (soknad/soknad.json) requires version, data, mottaker, driftsinformasjon and
# kompatibilitet, and may have innsendingstidspunkt. `version` alone says nothing: digisos-soker has one too.
SOKNAD_FIELDS = frozenset({"data", "mottaker", "driftsinformasjon", "kompatibilitet", "innsendingstidspunkt"})
SOKER_FIELDS = frozenset({"hendelser", "avsender"})


@dataclass(frozen=True)
class Violation:
    path: str  # slash-separated, "" for the whole document
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(rot)'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def detect_kind(document: Any) -> DocumentKind:
    """The kind of document by the top-level fields NAV's schemas give each: digisos-soker.json has
    `hendelser` and `avsender`; soknad.json `data`, `mottaker`, `driftsinformasjon`, `kompatibilitet`; and
    vedlegg.json `vedlegg`, or nothing at all (its schema requires no field, so `{}` is a valid vedlegg.json)."""
    if not isinstance(document, dict):
        return "unknown"
    if SOKER_FIELDS & document.keys():
        return "digisos-soker"
    if SOKNAD_FIELDS & document.keys():
        return "soknad"
    if "vedlegg" in document or not document:
        return "vedlegg"
    return "unknown"


def document_violations(
    document: Any, *, kind: Kind | None = None, file_ids: set[str] | None = None
) -> list[Violation]:
    """Any of the three documents, of the given kind or the kind detected from the content."""
    kind = kind or detect_kind(document)
    if kind == "digisos-soker":
        return soker_violations(document, file_ids=file_ids)
    if kind == "soknad":
        return _schema("soknad/soknad.json", document)
    if kind == "vedlegg":
        return _schema("vedlegg/vedleggSpesifikasjon.json", document)
    return [
        Violation(
            "",
            "Kjenner ikke igjen dokumentet: ventet soknad.json (med data, mottaker, driftsinformasjon og "
            "kompatibilitet), vedlegg.json (med vedlegg) eller digisos-soker.json (med avsender og hendelser).",
        )
    ]


class InvalidJson(ValueError):
    """Text that is not strict JSON; `violations` say where."""

    def __init__(self, message: str, violations: list[Violation]) -> None:
        super().__init__(message)
        self.message = message
        self.violations = violations


class _NonFinite:
    """Stands in for NaN, Infinity or -Infinity while parsing, so that their paths can be named after."""

    def __init__(self, constant: str) -> None:
        self.constant = constant


def parse_json(text: bytes | str) -> Any:
    """Strict JSON. Python's json reads NaN, Infinity and -Infinity, which JSON does not have and
    PostgreSQL's jsonb refuses (a 500 once stored); they are refused here, each with its path. A syntax error
    says its line and column."""
    try:
        document = json.loads(text, parse_constant=_NonFinite)
    except json.JSONDecodeError as error:
        message = f"Ugyldig JSON på linje {error.lineno}, kolonne {error.colno}: {error.msg}."
        raise InvalidJson(message, [Violation("", message)]) from None
    except UnicodeDecodeError:
        message = "JSON må være kodet som UTF-8."
        raise InvalidJson(message, [Violation("", message)]) from None
    found = _non_finite(document, "")
    if found:
        violations = [
            Violation(path, f"«{constant}» er ikke et tall i JSON. Send et tall eller null.")
            for path, constant in found
        ]
        raise InvalidJson("JSON-en har tall som JSON ikke tillater (NaN eller Infinity).", violations)
    return document


def _non_finite(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, _NonFinite):
        return [(path, value.constant)]
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    found = []
    for key, inner in items:
        found += _non_finite(inner, f"{path}/{key}" if path else str(key))
    return found


def soker_violations(document: Any, *, file_ids: set[str] | None = None) -> list[Violation]:
    """Schema and exchange rules for a digisos-soker.json. `file_ids`: the case's files, when known."""
    if not isinstance(document, dict):
        return [Violation("", "Dokumentet må være et JSON-objekt.")]
    found = [
        Violation(key, f"Feltet «{key}» mangler.")
        for key in ("version", "avsender", "hendelser")
        if key not in document
    ]
    if "version" in document:
        found += _schema(f"{SOKER}/version.json", document["version"], prefix="version")
    if "avsender" in document:
        found += _schema(f"{SOKER}/avsender.json", document["avsender"], prefix="avsender")
    events = document.get("hendelser")
    if "hendelser" in document and (not isinstance(events, list) or not events):
        found.append(Violation("hendelser", "«hendelser» må være en liste med minst én hendelse."))
        return found
    for index, event in enumerate(events or []):
        found += _event_violations(index, event)
    if not found:
        found += _rule_violations(document, file_ids)
    return found


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
        found += _schema(
            "types/tidspunkt.json", event["hendelsestidspunkt"], prefix=f"{path}/hendelsestidspunkt"
        )
    if kind in EVENT_TYPES:
        found += _schema(f"{SOKER}/hendelse/{kind}.json", event, prefix=path)
    return found


def _rule_violations(document: dict[str, Any], file_ids: set[str] | None) -> list[Violation]:
    events = document["hendelser"]
    found = []
    if not any(e.get("type") == "soknadsStatus" and e.get("status") == "MOTTATT" for e in events):
        found.append(
            Violation(
                "hendelser", "Dokumentet må ha en hendelse soknadsStatus med status MOTTATT (NAVs regel)."
            )
        )
    if file_ids is not None:
        found += missing_file_violations(document, file_ids)
    return found


def referenced_file_ids(document: dict[str, Any]) -> set[str]:
    return {file_id for _, file_id in _dokumentlager_references(document["hendelser"], "hendelser")}


def missing_file_violations(document: dict[str, Any], file_ids: set[str]) -> list[Violation]:
    """Every letter the events refer to must be on the case (KS Fiks checks the same)."""
    return [
        Violation(path, f"Filen {file_id} finnes ikke på saken. Last opp brevet før hendelsen.")
        for path, file_id in _dokumentlager_references(document["hendelser"], "hendelser")
        if file_id not in file_ids
    ]


def _dokumentlager_references(value: Any, path: str) -> list[tuple[str, str]]:
    """Every {"type": "dokumentlager", "id": ...} in the events, with its path."""
    found = []
    if isinstance(value, dict):
        if value.get("type") == "dokumentlager" and isinstance(value.get("id"), str):
            found.append((f"{path}/id", value["id"]))
        for key, inner in value.items():
            found += _dokumentlager_references(inner, f"{path}/{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _dokumentlager_references(inner, f"{path}/{index}")
    return found


def _schema(schema: str, value: Any, *, prefix: str = "") -> list[Violation]:
    result = []
    for path, message in violations(value, schema):
        full = "/".join(part for part in (prefix, path) if part)
        result.append(Violation(full, message))
    return result


def log_unknown_event_types(document: dict[str, Any], *, case_id: str) -> None:
    unknown = unknown_event_types(document)
    if unknown:
        log.warning("exchange.unknown_event_types", case=case_id, types=unknown)
