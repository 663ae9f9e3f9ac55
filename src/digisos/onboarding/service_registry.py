"""Other services a municipality turns on in the onboarding pages (issue 15: "a service the municipality turns
on"). Onboarding sits below the apps that offer them and must not import them; each such app registers itself
here from its AppConfig.ready(), and the onboarding pages show what is registered to the municipality's local
administrator.

A service is configured per unit (for the concern report: a child-welfare office, KS's bydel). The service
owns its form and its write: onboarding only checks the role, shows the form and reports a refusal on the
field the service names.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser


class ServiceRefused(Exception):
    """A plain Norwegian message for the person configuring, on `field` (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# A NamedTuple, not a frozen dataclass: this module loads at every start-up (AppConfig.ready() registers
# into it), and dataclasses compiles six methods per class at run time (docs/operations.md, "Command start-up").
class ServiceUnit(NamedTuple):
    """One configurable unit of a service in a municipality, as its list shows it."""

    key: str
    name: str
    active: bool
    summary: str = ""
    removable: bool = False  # the service's remove() would take it (not a standard receiver, say)


class MunicipalService(NamedTuple):
    key: str  # in the address: /pakobling/<kommunenummer>/tjenester/<key>/
    name: Any  # (lazy) text
    description: Any  # (lazy) text: what turning it on means
    # The municipality's units (kommunenummer → units); a municipality with none is offered its first.
    units: Callable[[str], list[ServiceUnit]]
    form_class: type[forms.Form]
    # (kommunenummer, unit key) → the form's initial data; None: no such unit (404).
    initial: Callable[[str, str], dict[str, Any] | None]
    # (actor, kommunenummer, unit key, cleaned data): writes (checked, audited) or raises ServiceRefused.
    save: Callable[[AbstractBaseUser, str, str, dict[str, Any]], Any]
    # Optional: units the local administrator adds and removes (a municipality's districts). None: fixed.
    add_form_class: type[forms.Form] | None = None
    # (actor, kommunenummer, cleaned data) → the new unit's key; or raises ServiceRefused.
    add: Callable[[AbstractBaseUser, str, dict[str, Any]], str] | None = None
    # (actor, kommunenummer, unit key): removes it, or raises ServiceRefused saying why not.
    remove: Callable[[AbstractBaseUser, str, str], Any] | None = None


# A service, or what makes it on first use (register_lazy).
_SERVICES: dict[str, MunicipalService | Callable[[], MunicipalService]] = {}


def register(service: MunicipalService) -> None:
    """Called from the offering app's AppConfig.ready(); registering the same key again replaces it."""
    _SERVICES[service.key] = service


def register_lazy(key: str, make: Callable[[], MunicipalService]) -> None:
    """As register(), with the service made on the first page that lists or opens it: its module (forms, and
    what their checks import) then loads there, not in every process that starts Django."""
    _SERVICES[key] = make


def _made(key: str) -> MunicipalService | None:
    found = _SERVICES.get(key)
    if found is None or isinstance(found, MunicipalService):
        return found
    made = _SERVICES[key] = found()
    assert made.key == key, (made.key, key)
    return made


def registered() -> list[MunicipalService]:
    return [made for key in list(_SERVICES) if (made := _made(key)) is not None]


def service(key: str) -> MunicipalService | None:
    return _made(key)
