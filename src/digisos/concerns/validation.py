"""Judge a bekymringsmelding.json against KS's v2 JSON Schemas (vendored unchanged in concerns/schemas/).

The schemas say `"$ref": "../adresse.json"`, which resolves against their `$id` to
https://fiks.ks.no/adresse.json while adresse.json calls itself https://fiks.ks.no/bekymringsmelding.adresse.json;
the registry holds it under both. Formats are not checked: KS's `sendingstidspunkt` is "ISO-8601 Norwegian
time without zone", which an RFC 3339 date-time check would refuse (2019-09 treats formats as annotations).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import jsonschema_rs

from digisos.core.schema_messages import schema_violations as violations_of

SCHEMAS = Path(__file__).resolve().parent / "schemas"
Form = Literal["privat", "offentlig"]
FORMS: tuple[str, ...] = get_args(Form)
ADDRESS_URIS = ("https://fiks.ks.no/adresse.json", "https://fiks.ks.no/bekymringsmelding.adresse.json")


def _load(relative: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / relative).read_text(encoding="utf-8"))


@cache
def _validator(form: Form) -> jsonschema_rs.Draft201909Validator:
    address = _load("adresse.json")
    registry = jsonschema_rs.Registry([(uri, address) for uri in ADDRESS_URIS])
    schema = _load(f"v2/{form}.bekymringsmelding.v2.json")
    return jsonschema_rs.Draft201909Validator(schema, registry=registry, validate_formats=False)


def schema_violations(document: Any, form: Form) -> list[tuple[str, str]]:
    """Every violation as (path, message), the path slash-separated ("privatBarn/0/adresse"); "" is the root."""
    return violations_of(_validator(form), document)


def detect_form(document: Any) -> Form | None:
    """The form by the reporter object each has (privatMelder or offentligMelder)."""
    if isinstance(document, dict):
        if "privatMelder" in document:
            return "privat"
        if "offentligMelder" in document:
            return "offentlig"
    return None
