"""Checks for the documents a case system exchanges with us: NAV's schemas plus the exchange's own rules.

The same functions serve the API (which refuses with 4xx naming the path) and `manage.py exchange_validate`
(the conformance check vendors run before they connect). digisos-soker.json's own checks live with the rest
of that format in `soker.validation`; they are re-exported here for the callers of this module.
"""

import json
import math
from collections.abc import Iterator
from typing import Any, Literal, get_args

from digisos.core.schema_messages import json_type_in_words
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

    def __init__(self, constant: str, *, too_large: bool = False) -> None:
        self.constant = constant
        self.too_large = (
            too_large  # a number JSON has (1e400) that no float holds: Python reads it as infinity
        )


def parse_json(text: bytes | str) -> Any:
    """Strict JSON. Python's json reads NaN, Infinity and -Infinity, which JSON does not have and
    PostgreSQL's jsonb refuses (a 500 once stored); they are refused here, each with its path, as is a NUL in a
    text, which jsonb refuses too. A syntax error says its line and column; a document nested deeper than
    Python's stack allows (no report is more than a few levels deep) says so."""
    try:
        return _parse_json(text)
    except RecursionError:
        message = (
            "JSON-en har for mange nivåer inni hverandre til at den kan leses. Send dokumentet uten dem."
        )
        raise InvalidJson(message, [Violation("", message)]) from None


def parse_json_object(text: bytes | str) -> dict[str, Any]:
    """`parse_json` for a request body the APIs take: always a JSON object (NAV's and KS's documents, the paper
    case's fields). Anything else is refused at the root, saying what it is: left to the body's model, a list
    was told as a missing field, or in English at the handler's own parameter name."""
    document = parse_json(text)
    if isinstance(document, dict):
        return document
    message = f"Send et JSON-objekt ({{…}}) med feltene, ikke {json_type_in_words(document)}."
    raise InvalidJson(message, [Violation("", message)])


def _parse_json(text: bytes | str) -> Any:
    constants: list[_NonFinite] = []

    def non_finite(constant: str) -> _NonFinite:
        constants.append(found := _NonFinite(constant))
        return found

    def number(literal: str) -> float | _NonFinite:
        value = float(literal)
        if math.isinf(value):  # 1e400: jsonb would be sent "Infinity", the schema saw null
            constants.append(found := _NonFinite(literal, too_large=True))
            return found
        return value

    try:
        document = json.loads(text, parse_constant=non_finite, parse_float=number)
    except json.JSONDecodeError as error:
        message = f"Ugyldig JSON på linje {error.lineno}, kolonne {error.colno}: {error.msg}."
        raise InvalidJson(message, [Violation("", message)]) from None
    except UnicodeDecodeError:
        message = "JSON må være kodet som UTF-8."
        raise InvalidJson(message, [Violation("", message)]) from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits, 4,300)
        message = "JSON-en har et tall med flere sifre enn DigiSos leser (høyst 4 300). Send et mindre tall."
        raise InvalidJson(message, [Violation("", message)]) from None
    if constants:
        found = _non_finite(document)
        if found:
            violations = [
                Violation(
                    path,
                    f"«{constant[:40]}» er for stort til å lagres som et tall. Send et mindre tall eller null."
                    if too_large
                    else f"«{constant}» er ikke et tall i JSON. Send et tall eller null.",
                )
                for path, constant, too_large in found
            ]
            raise InvalidJson("JSON-en har tall som JSON ikke tillater (NaN eller Infinity).", violations)
    # A NUL in a text (written \u0000: JSON allows no raw control character in a string) is refused too, with its
    # path: jsonb cannot hold it, so the stored report was a 500. Sought only when the text has the escape, as
    # the NaN above only when the decoder met one: the walk (a call and a path for every value) cost as much as
    # parsing on every posted report.
    if (_NUL_ESCAPE if isinstance(text, str) else _NUL_ESCAPE_BYTES) in text:
        paths = _with_nul(document)
        if paths:
            message = "Teksten har tegnet NUL (\\u0000), som ikke kan lagres. Fjern tegnet og send på nytt."
            raise InvalidJson(
                "JSON-en har tegnet NUL (\\u0000) i tekst.", [Violation(path, message) for path in paths]
            )
    return document


_NUL_ESCAPE = "\\u0000"
_NUL_ESCAPE_BYTES = _NUL_ESCAPE.encode()


def _with_nul(document: Any) -> list[str]:
    """The paths of the texts (names or values) with a NUL in them, each NUL in a path written as its escape."""
    return [
        path.replace("\x00", _NUL_ESCAPE)
        for path, text in _texts_and_values(document, "")
        if isinstance(text, str) and "\x00" in text
    ]


def _non_finite(document: Any) -> list[tuple[str, str, bool]]:
    return [
        (path, value.constant, value.too_large)
        for path, value in _texts_and_values(document, "")
        if isinstance(value, _NonFinite)
    ]


def _texts_and_values(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every name in the document (at the path it names) and every value that is not an object or a list, each
    with its path (names joined by "/")."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        yield path, value
        return
    for key, inner in items:
        inner_path = f"{path}/{key}" if path else str(key)
        if isinstance(key, str):
            yield inner_path, key
        yield from _texts_and_values(inner, inner_path)
