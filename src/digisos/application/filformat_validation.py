"""Validate documents against NAV's schemas (vendored in application/filformat/, draft-06, relative $refs)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from digisos.core.schema_messages import schema_violations

ROOT = Path(__file__).resolve().parent / "filformat"


def _retrieve(uri: str) -> Any:
    return json.loads(Path(uri.removeprefix("file://")).read_text(encoding="utf-8"))


@cache
def _validator(relative: str) -> jsonschema_rs.Draft6Validator:
    # jsonschema-rs (Rust) rather than the pure-Python jsonschema: the exchange validates every event of
    # every posted document, and this is some twenty times faster. Formats are not checked, as before.
    path = (ROOT / relative).resolve()
    return jsonschema_rs.Draft6Validator({"$ref": path.as_uri()}, retriever=_retrieve, validate_formats=False)


def compiled(schema: dict[str, Any]) -> jsonschema_rs.Draft6Validator:
    """A validator of a schema of the caller's own, whose $refs name NAV's schemas by `schema_uri`."""
    return jsonschema_rs.Draft6Validator(schema, retriever=_retrieve, validate_formats=False)


def schema_uri(relative: str) -> str:
    return (ROOT / relative).resolve().as_uri()


def violations(document: Any, schema: str) -> list[tuple[str, str]]:
    """Every violation as (path, message), the path slash-separated ("hendelser/2/status"); "" is the root. The
    message in Norwegian, as every other answer of the APIs (core/schema_messages.py)."""
    return schema_violations(_validator(schema), document)


def errors(document: dict[str, Any], schema: str) -> list[str]:
    """Every violation as "path: message"; empty when the document is valid."""
    return [f"{path or '(root)'}: {message}" for path, message in violations(document, schema)]


def soknad_errors(document: dict[str, Any]) -> list[str]:
    return errors(document, "soknad/soknad.json")


def vedlegg_errors(document: dict[str, Any]) -> list[str]:
    return errors(document, "vedlegg/vedleggSpesifikasjon.json")
