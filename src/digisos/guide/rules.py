"""The guide's rules as data: data/guide.yaml, validated against data/guide.schema.json once per process.

A rule shows one service when its condition holds for the person's answers. The conditions are a small
language (see the schema): `situation` (any of these was chosen), `fact` (`is` / `at_least`), and
`all` / `any` / `not`. Adding a service or a rule is a change to the data file, not to this module.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
import yaml

DATA = Path(__file__).resolve().parent / "data"
GUIDE_FILE = DATA / "guide.yaml"
GUIDE_SCHEMA_FILE = DATA / "guide.schema.json"

Fit = Literal["likely", "maybe"]


class GuideDataError(ValueError):
    """The data file breaks its schema or refers to an id it does not define."""


@dataclass(frozen=True)
class Situation:
    id: str
    label: str


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    what: str
    urgency: int
    door: str
    ready: tuple[str, ...]
    link: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    service: str
    fit: Fit
    when: dict[str, Any]
    why: str


@dataclass(frozen=True)
class GuideData:
    situations: tuple[Situation, ...]
    services: dict[str, Service]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Facts:
    """What the rules may ask about the answers: the situations chosen and facts derived from the rest."""

    situations: frozenset[str]
    children: int = 0
    income_below_need: bool = False
    has_housing_cost: bool = False


@dataclass(frozen=True)
class Match:
    service: Service
    fit: Fit
    reasons: tuple[str, ...]


def validate(document: Any, schema_file: Path) -> None:
    """Raises GuideDataError naming every place where the document breaks the schema."""
    validator = jsonschema_rs.validator_for(json.loads(schema_file.read_text(encoding="utf-8")))
    errors = [
        f"{'/'.join(str(p) for p in error.instance_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    if errors:
        raise GuideDataError(f"{schema_file.name}: " + "; ".join(errors))


def parse(document: dict[str, Any]) -> GuideData:
    validate(document, GUIDE_SCHEMA_FILE)
    situations = tuple(Situation(**item) for item in document["situations"])
    services = {
        item["id"]: Service(**{**item, "ready": tuple(item["ready"])}) for item in document["services"]
    }
    rules = tuple(Rule(**item) for item in document["rules"])
    _check_references(situations, [item["id"] for item in document["services"]], services, rules)
    return GuideData(situations=situations, services=services, rules=rules)


def _check_references(
    situations: tuple[Situation, ...],
    service_ids: list[str],
    services: dict[str, Service],
    rules: tuple[Rule, ...],
) -> None:
    """What a schema cannot say: ids are unique and every rule names a service and situations that exist."""
    known = {situation.id for situation in situations}
    problems = []
    for kind, ids in (
        ("situation", [s.id for s in situations]),
        ("service", service_ids),
        ("rule", [r.id for r in rules]),
    ):
        problems += [f"{kind} {i!r} is defined twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for rule in rules:
        if rule.service not in services:
            problems.append(f"rule {rule.id!r} names the unknown service {rule.service!r}")
        problems += [
            f"rule {rule.id!r} names the unknown situation {name!r}"
            for name in _situations_in(rule.when)
            if name not in known
        ]
    if problems:
        raise GuideDataError("; ".join(problems))


def _situations_in(condition: dict[str, Any]) -> list[str]:
    if "situation" in condition:
        return list(condition["situation"])
    if "not" in condition:
        return _situations_in(condition["not"])
    return [name for part in condition.get("all", condition.get("any", [])) for name in _situations_in(part)]


@cache
def guide_data() -> GuideData:
    """The data file, read and validated once per process (the answer page must not parse YAML per request)."""
    return parse(yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8")))


def holds(condition: dict[str, Any], facts: Facts) -> bool:
    if "situation" in condition:
        return not facts.situations.isdisjoint(condition["situation"])
    if "all" in condition:
        return all(holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, facts) for part in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    value = getattr(facts, condition["fact"])
    if "is" in condition:
        return bool(value) is condition["is"]
    return int(value) >= condition["at_least"]


def matching_rules(facts: Facts, data: GuideData | None = None) -> list[Rule]:
    data = data or guide_data()
    return [rule for rule in data.rules if holds(rule.when, facts)]


def matches(facts: Facts, data: GuideData | None = None) -> list[Match]:
    """The services that fit, most urgent first; within the same urgency the likely ones first, then the
    order of the data file. Each with the reasons of every rule that picked it."""
    data = data or guide_data()
    picked: dict[str, list[Rule]] = {}
    for rule in matching_rules(facts, data):
        picked.setdefault(rule.service, []).append(rule)
    order = list(data.services)
    found = [
        Match(
            service=data.services[service_id],
            fit="likely" if any(rule.fit == "likely" for rule in rules) else "maybe",
            reasons=tuple(dict.fromkeys(rule.why for rule in rules)),
        )
        for service_id, rules in picked.items()
    ]
    return sorted(found, key=lambda m: (m.service.urgency, m.fit != "likely", order.index(m.service.id)))


def texts(data: GuideData | None = None) -> list[str]:
    """Every text of the data file, in file order without repeats: the msgids texts.py lists for gettext."""
    data = data or guide_data()
    found: list[str] = [s.label for s in data.situations]
    for service in data.services.values():
        found += [service.name, service.what, *service.ready]
        found += [service.link_text] if service.link_text else []
    found += [rule.why for rule in data.rules]
    return list(dict.fromkeys(found))
