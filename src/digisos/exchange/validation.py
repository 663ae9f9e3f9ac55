"""Checks for the documents a case system exchanges with us: NAV's schemas plus the exchange's own rules.

The same functions serve the API (which refuses with 4xx naming the path) and `manage.py exchange_validate`
(the conformance check vendors run before they connect). digisos-soker.json's own checks live with the rest
of that format in `soker.validation`; they are re-exported here for the callers of this module.
"""

import json
from typing import Any, Literal, get_args

from digisos.soker.constants import EVENT_TYPES
from digisos.soker.validation import (
    SOKER_FIELDS,
    Violation,
    file_references,
    log_unknown_event_types,
    missing_file_violations,
    referenced_file_ids,
    schema_violations,
    soker_violations,
    unknown_event_types,
)

__all__ = [
    "EVENT_TYPES",
    "Violation",
    "file_references",
    "log_unknown_event_types",
    "missing_file_violations",
    "referenced_file_ids",
    "soker_violations",
    "unknown_event_types",
]

DocumentKind = Literal["digisos-soker", "soknad", "vedlegg", "unknown"]
Kind = Literal["soknad", "vedlegg", "digisos-soker"]
KINDS: tuple[str, ...] = get_args(Kind)
# NAV's soknad.json (soknad/soknad.json) requires version, data, mottaker, driftsinformasjon and
# kompatibilitet, and may have innsendingstidspunkt. `version` alone says nothing: digisos-soker has one too.
SOKNAD_FIELDS = frozenset({"data", "mottaker", "driftsinformasjon", "kompatibilitet", "innsendingstidspunkt"})


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
        return schema_violations("soknad/soknad.json", document)
    if kind == "vedlegg":
        return schema_violations("vedlegg/vedleggSpesifikasjon.json", document)
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
    constants: list[_NonFinite] = []

    def non_finite(constant: str) -> _NonFinite:
        constants.append(found := _NonFinite(constant))
        return found

    try:
        document = json.loads(text, parse_constant=non_finite)
    except json.JSONDecodeError as error:
        message = f"Ugyldig JSON på linje {error.lineno}, kolonne {error.colno}: {error.msg}."
        raise InvalidJson(message, [Violation("", message)]) from None
    except UnicodeDecodeError:
        message = "JSON må være kodet som UTF-8."
        raise InvalidJson(message, [Violation("", message)]) from None
    if not constants:
        # The decoder met no NaN or Infinity: nothing to look for, and the walk below (a call and a path for
        # every value of the document) cost as much as parsing it on every posted report.
        return document
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
