"""Validate documents against NAV's schemas (vendored in application/filformat/, draft-06, relative $refs)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

ROOT = Path(__file__).resolve().parent / "filformat"


@cache
def _validator(relative: str) -> Draft6Validator:
    def retrieve(uri: str) -> Resource:
        path = Path(uri.removeprefix("file://"))
        return Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT6
        )

    path = ROOT / relative
    schema = json.loads(path.read_text(encoding="utf-8"))
    registry: Registry = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    resource = Resource.from_contents(schema, default_specification=DRAFT6)
    registry = registry.with_resource(path.as_uri(), resource)
    return Draft6Validator({"$ref": path.as_uri()}, registry=registry)


def violations(document: Any, schema: str) -> list[tuple[str, str]]:
    """Every violation as (path, message), the path slash-separated ("hendelser/2/status"); "" is the root."""
    validator = _validator(schema)
    found = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [("/".join(str(p) for p in error.absolute_path), error.message) for error in found]


def errors(document: dict[str, Any], schema: str) -> list[str]:
    """Every violation as "path: message"; empty when the document is valid."""
    return [f"{path or '(root)'}: {message}" for path, message in violations(document, schema)]


def soknad_errors(document: dict[str, Any]) -> list[str]:
    return errors(document, "soknad/soknad.json")


def vedlegg_errors(document: dict[str, Any]) -> list[str]:
    return errors(document, "vedlegg/vedleggSpesifikasjon.json")
