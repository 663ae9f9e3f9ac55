"""Reads from the public registers, through the configured adapters."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import structlog

from . import registry
from .adapters.local import load_population
from .ports import ContactInfo, Person, RegisterUnavailable
from .registry import folkeregister

log = structlog.get_logger(__name__)
T = TypeVar("T")


def get_person(pid: str) -> Person | None:
    return folkeregister().get_person(pid)


@dataclass(frozen=True)
class DemoPersona:
    key: str
    pid: str
    label_nb: str


def list_demo_personas() -> list[DemoPersona]:
    """The synthetic personas of the quick start (the local ID-porten's users)."""
    return [
        DemoPersona(key=p["key"], pid=p["pid"], label_nb=p["label_nb"]) for p in load_population().values()
    ]


REGISTERS = (
    "folkeregister",
    "krr",
    "kontoregister",
    "aaregister",
    "nav_utbetalinger",
    "skatteetaten",
    "husbanken",
)
NAV_PAYMENT_DAYS = 40


def fetch_prefill(pid: str, *, today: date) -> dict[str, Any]:
    """What the registers know, as plain JSON for the draft: asked once when the application starts, so
    the steps never wait for a register. A register that fails is listed in `failed`; the form then asks
    the user instead. Folkeregister is the exception: without it there is no application (the caller
    shows a clear page), so its failure is raised."""
    person = folkeregister().get_person(pid)
    failed: list[str] = []
    contact = _ask("krr", lambda: registry.krr().get_contact(pid), failed)
    account = _ask("kontoregister", lambda: registry.kontoregister().get_account(pid), failed)
    employments = _ask("aaregister", lambda: registry.aaregister().get_employments(pid), failed) or []
    payments = _ask(
        "nav_utbetalinger",
        lambda: registry.nav_utbetalinger().get_payments(pid, since=today - timedelta(days=NAV_PAYMENT_DAYS)),
        failed,
    )
    return {
        "person": _jsonable(person) if person else None,
        "mobile": contact.mobile if contact and not contact.reserved else None,
        "account": account,
        "employments": [_jsonable(e) for e in employments],
        "nav_payments": [_jsonable(p) for p in payments or []],
        "failed": failed,
        "fetched_on": today.isoformat(),
    }


def fetch_taxable_income(pid: str, *, today: date) -> dict[str, Any]:
    """Skatteetaten, only after the user's consent. {"status": "ok"|"failed", "incomes": [...]}"""
    failed: list[str] = []
    incomes = _ask("skatteetaten", lambda: registry.skatteetaten().get_taxable_income(pid, on=today), failed)
    if failed:
        return {"status": "failed", "incomes": []}
    return {"status": "ok", "incomes": [_jsonable(i) for i in incomes or []]}


def fetch_housing_allowance(pid: str, *, today: date) -> dict[str, Any]:
    """Husbanken, only after the user's consent. {"status": "ok"|"failed", "cases": [...], "payments": [...]}"""
    failed: list[str] = []
    result = _ask("husbanken", lambda: registry.husbanken().get_housing_allowance(pid, on=today), failed)
    if failed or result is None:
        return {"status": "failed", "cases": [], "payments": []}
    return {
        "status": "ok",
        "cases": [_jsonable(c) for c in result.cases],
        "payments": [_jsonable(p) for p in result.payments],
    }


def _ask(name: str, call: Callable[[], T], failed: list[str]) -> T | None:
    # A register must never block the application: any failure, including a bug in an adapter or a
    # time-out in an HTTP one, becomes "we could not fetch this", the form asks instead.
    try:
        return call()
    except RegisterUnavailable as error:
        log.warning("register.unavailable", register=name, error=str(error))
    except Exception:
        log.exception("register.failed", register=name)
    failed.append(name)
    return None


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def notification_contact(pid: str) -> ContactInfo | None:
    """Where to notify the person (KRR): None when KRR does not answer, has no record, or the person has
    reserved themselves against digital contact."""
    try:
        contact = registry.krr().get_contact(pid)
    except RegisterUnavailable:
        log.warning("register.unavailable", register="krr", purpose="notification")
        return None
    if contact is None or contact.reserved:
        return None
    return contact
