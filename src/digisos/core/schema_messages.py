"""JSON Schema violations (jsonschema-rs) in Norwegian: NAV's filformat and KS's bekymringsmelding are checked
with the validator's errors, whose own messages are English ("\"a\" is a required property"); every other
answer of the APIs, and every page, is Norwegian."""

import json
from collections.abc import Callable
from typing import Any

import jsonschema_rs

# JSON's types in words, for a value of the wrong type.
_TYPES = {
    "string": "en tekst",
    "number": "et tall",
    "integer": "et heltall",
    "object": "et JSON-objekt",
    "array": "en liste",
    "boolean": "true eller false",
    "null": "null",
}


def _shown(value: Any) -> str:
    """A value as the message quotes it: JSON, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


# Each kind of violation (jsonschema-rs's ValidationErrorKind, by its class name) as a message of the kind's
# attributes and the value found.
_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "Required": lambda kind, _value: f"Feltet «{kind.property}» mangler.",
    "Type": lambda kind, value: (
        f"{_shown(value)} har feil type: send {' eller '.join(_TYPES.get(name, name) for name in kind.types)}."
    ),
    "Enum": lambda kind, value: (
        f"{_shown(value)} er ikke en av verdiene skjemaet tillater: {', '.join(map(_shown, kind.options))}."
    ),
    "Constant": lambda kind, value: f"{_shown(value)} er feil verdi: send {_shown(kind.expected_value)}.",
    "Pattern": lambda kind, value: f"{_shown(value)} har ikke formatet skjemaet krever ({kind.pattern}).",
    "MinLength": lambda kind, value: f"{_shown(value)} er for kort: teksten må ha minst {kind.limit} tegn.",
    "MaxLength": lambda kind, _value: f"Teksten er for lang: den kan ha høyst {kind.limit} tegn.",
    "Minimum": lambda kind, value: f"{_shown(value)} er for lite: tallet må være minst {kind.limit}.",
    "Maximum": lambda kind, value: f"{_shown(value)} er for stort: tallet kan være høyst {kind.limit}.",
    "MinItems": lambda kind, _value: f"Listen må ha minst {kind.limit} element.",
    "MaxItems": lambda kind, _value: f"Listen kan ha høyst {kind.limit} elementer.",
    "AdditionalProperties": lambda kind, _value: (
        f"Skjemaet har ikke feltet {', '.join(f'«{name}»' for name in kind.unexpected)}: fjern det."
    ),
}


def schema_message(error: jsonschema_rs.ValidationError) -> str:
    """A schema violation in Norwegian, saying what to send instead; the validator's own English for the kinds
    NAV's and KS's schemas seldom give (anyOf, uniqueItems, …)."""
    make = _MESSAGES.get(type(error.kind).__name__)
    return make(error.kind, error.instance) if make is not None else error.message
