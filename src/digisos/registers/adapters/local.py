"""Local adapters on the synthetic demo population (settings.DEMO_POPULATION_FILE): for the quick start and
the tests, never for real people."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from ..ports import Address, Person, Relative

_cache: dict[Path, tuple[float, dict[str, dict[str, Any]]]] = {}


def load_population(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The personas by pid; re-read when the file changes so edits show without a restart."""
    path = Path(path or settings.DEMO_POPULATION_FILE)
    mtime = path.stat().st_mtime
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        personas = json.loads(path.read_text(encoding="utf-8"))["personas"]
        _cache[path] = (mtime, {persona["pid"]: persona for persona in personas})
    return _cache[path][1]


class LocalFolkeregister:
    def get_person(self, pid: str) -> Person | None:
        persona = load_population().get(pid)
        return _person(persona) if persona else None


def _person(persona: dict[str, Any]) -> Person:
    record = persona["folkeregister"]
    address = record.get("bostedsadresse")
    spouse = record.get("spouse")
    return Person(
        pid=persona["pid"],
        given_name=record["given_name"],
        middle_name=record.get("middle_name"),
        family_name=record["family_name"],
        birth_date=date.fromisoformat(record["birth_date"]),
        citizenship=record.get("citizenship"),
        civil_status=record["civil_status"],
        address_protection=record["address_protection"],
        bostedsadresse=Address(**address) if address else None,
        spouse=_relative(spouse) if spouse else None,
        children=tuple(_relative(child) for child in record.get("children", [])),
    )


def _relative(record: dict[str, Any]) -> Relative:
    return Relative(
        pid=record["pid"],
        given_name=record["given_name"],
        family_name=record["family_name"],
        birth_date=date.fromisoformat(record["birth_date"]),
        lives_with_applicant=record.get("lives_with_applicant", True),
    )
