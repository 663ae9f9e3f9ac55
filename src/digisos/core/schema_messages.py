"""The APIs' violations in Norwegian: JSON Schema's (jsonschema-rs: NAV's filformat and KS's bekymringsmelding)
and the request's own (pydantic, through ninja: a path's UUID, a query's number, a body's field), whose messages
are English ("\"a\" is a required property", "Input should be a valid UUID"); every other answer of the APIs,
and every page, is Norwegian."""

import json
import re
from collections.abc import Callable, Iterable
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


def json_type_in_words(value: Any) -> str:
    """A parsed JSON value's type as the messages name it ("en liste", "et heltall", "true eller false")."""
    if value is None:
        return _TYPES["null"]
    if isinstance(value, bool):
        return _TYPES["boolean"]
    for kind, name in ((dict, "object"), (list, "array"), (str, "string"), (int, "integer")):
        if isinstance(value, kind):
            return _TYPES[name]
    return _TYPES["number"]


def _shown(value: Any) -> str:
    """A value as the message quotes it: JSON, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


_EXAMPLE_UUID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"


def _digits(count: int) -> str:
    return "^" + "[0-9]" * count + "$"


# The patterns NAV's filformat writes a UUID, a time, a date and a number of digits with (a character class per
# character), told as what to send rather than as a regular expression of up to 230 characters.
_PATTERNS = {
    "^" + "-".join("[0-9a-f]" * digits for digits in (8, 4, 4, 4, 12)) + "$": (
        f"en UUID med små bokstaver, som {_EXAMPLE_UUID}"
    ),
    "^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$": "en dato, som 2018-10-04",
    "^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9]*Z$": (
        "et tidspunkt i UTC, som 2018-10-04T13:37:00.134Z"
    ),
    **{_digits(count): f"{count} sifre, uten mellomrom eller punktum" for count in (4, 9, 11)},
}


# A pattern that is a choice of words ("^(land|fylke|kommune)$"): told as the words.
_CHOICE = re.compile(r"\^\(([\w|]+)\)\$")


def _what_to_send(pattern: str) -> str | None:
    """A pattern as what to send ("en dato, som 2018-10-04", "land, fylke eller kommune"), for the schemas' and
    the requests' patterns alike; None for a pattern not known here, which is then quoted."""
    if pattern in _PATTERNS:
        return _PATTERNS[pattern]
    choice = _CHOICE.fullmatch(pattern)
    if choice is None:
        return None
    *words, last = choice.group(1).split("|")
    return f"{', '.join(words)} eller {last}" if words else last


def _no_form(value: Any) -> str:
    return f"{_shown(value)} passer ikke med noen av formene skjemaet tillater."


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
    "Pattern": lambda kind, value: (
        f"{_shown(value)} har feil form: send {said}."
        if (said := _what_to_send(kind.pattern))
        else f"{_shown(value)} har ikke formatet skjemaet krever ({kind.pattern})."
    ),
    "MinLength": lambda kind, value: f"{_shown(value)} er for kort: teksten må ha minst {kind.limit} tegn.",
    "MaxLength": lambda kind, _value: f"Teksten er for lang: den kan ha høyst {kind.limit} tegn.",
    "Minimum": lambda kind, value: f"{_shown(value)} er for lite: tallet må være minst {kind.limit}.",
    "Maximum": lambda kind, value: f"{_shown(value)} er for stort: tallet kan være høyst {kind.limit}.",
    "MinItems": lambda kind, _value: f"Listen må ha minst {kind.limit} element.",
    "MaxItems": lambda kind, _value: f"Listen kan ha høyst {kind.limit} elementer.",
    "AdditionalProperties": lambda kind, _value: (
        f"Skjemaet har ikke feltet {', '.join(f'«{name}»' for name in kind.unexpected)}: fjern det."
    ),
    "OneOfNotValid": lambda _kind, value: _no_form(value),
    "AnyOf": lambda _kind, value: _no_form(value),
    "OneOfMultipleValid": lambda _kind, value: (
        f"{_shown(value)} passer med flere av formene skjemaet tillater, men skal passe med nøyaktig én."
    ),
}


def schema_message(error: jsonschema_rs.ValidationError) -> str:
    """A schema violation in Norwegian, saying what to send instead; the validator's own English for the kinds
    NAV's and KS's schemas do not use (uniqueItems, multipleOf, …)."""
    make = _MESSAGES.get(type(error.kind).__name__)
    return make(error.kind, error.instance) if make is not None else error.message


def schema_violations(validator: Any, document: Any) -> list[tuple[str, str]]:
    """Every violation of `document` as (path, message), ordered by path: the path slash-separated
    ("hendelser/2/status", "" the root), the message in Norwegian (`schema_message`), each once.

    A value that fits none of a oneOf's or anyOf's forms is told by the errors of the one form it says it is
    (NAV's filreferanse of type "svarut" without its nr: "Feltet «nr» mangler." at the reference), not by the
    validator's "is not valid under any of the schemas listed", which names neither the field nor the fix."""
    told: dict[tuple[str, str], list[str]] = {}
    for error in validator.iter_errors(document):
        for meant in _meant(error):
            parts = [str(part) for part in meant.instance_path]
            told.setdefault(("/".join(parts), schema_message(meant)), parts)
    return sorted(told, key=told.__getitem__)


def _meant(error: jsonschema_rs.ValidationError) -> list[jsonschema_rs.ValidationError]:
    """The errors that say what is wrong: for a oneOf or anyOf that no form fits, those of the only form whose
    fixed values (a `type` of "svarut" or "dokumentlager") the value has; the error itself when no form, or more
    than one, is the value's."""
    if type(error.kind).__name__ not in ("OneOfNotValid", "AnyOf"):
        return [error]
    depth = len(error.instance_path)
    forms = [branch for branch in error.kind.context if not any(_other_form(e, depth) for e in branch)]
    if len(forms) != 1 or not forms[0]:
        return [error]
    return [meant for branch_error in forms[0] for meant in _meant(branch_error)]


def _other_form(error: jsonschema_rs.ValidationError, depth: int) -> bool:
    """The error says the value is of another form: one of its own fields lacks the form's fixed value."""
    return type(error.kind).__name__ in ("Enum", "Constant") and len(error.instance_path) == depth + 1


# --- The request's own fields (ninja's ValidationError: pydantic's errors) ---------------------------------------
# Each of pydantic's error types that the APIs' parameters and bodies give (a path's UUID, a page's size, a body's
# texts), as what to send, from the error's context (its limits).
_INPUT_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda _ctx: "feltet mangler",
    "uuid_parsing": lambda _ctx: f"send en UUID, som {_EXAMPLE_UUID}",
    "int_parsing": lambda _ctx: "send et heltall",
    "greater_than_equal": lambda ctx: f"tallet må være minst {ctx.get('ge')}",
    "less_than_equal": lambda ctx: f"tallet kan være høyst {ctx.get('le')}",
    "string_type": lambda _ctx: "send en tekst",
    "string_too_short": lambda ctx: f"teksten må ha minst {ctx.get('min_length')} tegn",
    "string_too_long": lambda ctx: f"teksten kan ha høyst {ctx.get('max_length')} tegn",
    "string_pattern_mismatch": lambda ctx: (
        f"send {said}"
        if (said := _what_to_send(str(ctx.get("pattern"))))
        else f"teksten har ikke formatet som kreves ({ctx.get('pattern')})"
    ),
}


def input_violations(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """ninja's request validation errors as the APIs' `errors`: each a `path` (the caller's field: what follows
    "path", "query" or "body", and in a body also the parameter's own name) and a Norwegian `message` naming
    the field and saying what to send. A type this table lacks keeps pydantic's text (a validator of ours
    already writes Norwegian)."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        field = "/".join(location[2:] if len(location) > 2 and location[0] == "body" else location[1:])
        make = _INPUT_MESSAGES.get(error.get("type", ""))
        said = (
            make(error.get("ctx") or {})
            if make is not None
            else str(error.get("msg", "")).removeprefix("Value error, ").rstrip(".")
        )
        found.append({"path": field, "message": f"Ugyldig verdi i «{field}»: {said}."})
    return found
