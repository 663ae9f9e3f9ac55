"""JSON Schema violations (jsonschema-rs) in Norwegian: NAV's filformat and KS's bekymringsmelding are checked
with the validator's errors, whose own messages are English ("\"a\" is a required property"); every other
answer of the APIs, and every page, is Norwegian."""

import json
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


def schema_message(error: jsonschema_rs.ValidationError) -> str:
    """A schema violation in Norwegian, saying what to send instead; the validator's own English for the kinds
    NAV's and KS's schemas seldom give (anyOf, uniqueItems, …)."""
    kind, value = error.kind, error.instance
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return f"Feltet «{kind.property}» mangler."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        wanted = " eller ".join(_TYPES.get(name, name) for name in kind.types)
        return f"{_shown(value)} har feil type: send {wanted}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        return f"{_shown(value)} er ikke en av verdiene skjemaet tillater: {', '.join(map(_shown, kind.options))}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Constant):
        return f"{_shown(value)} er feil verdi: send {_shown(kind.expected_value)}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Pattern):
        return f"{_shown(value)} har ikke formatet skjemaet krever ({kind.pattern})."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MinLength):
        return f"{_shown(value)} er for kort: teksten må ha minst {kind.limit} tegn."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxLength):
        return f"Teksten er for lang: den kan ha høyst {kind.limit} tegn."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Minimum):
        return f"{_shown(value)} er for lite: tallet må være minst {kind.limit}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Maximum):
        return f"{_shown(value)} er for stort: tallet kan være høyst {kind.limit}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MinItems):
        return f"Listen må ha minst {kind.limit} element."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxItems):
        return f"Listen kan ha høyst {kind.limit} elementer."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        names = ", ".join(f"«{name}»" for name in kind.unexpected)
        return f"Skjemaet har ikke feltet {names}: fjern det."
    return error.message
