"""Plugin registry: which adapter answers for each register port (settings.REGISTER_ADAPTERS)."""

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .ports import (
    Aaregister,
    AddressProtectionRegister,
    AuthorisationRegister,
    Enhetsregisteret,
    Folkeregister,
    Husbanken,
    Kontoregister,
    Krr,
    NavUtbetalinger,
    Skatteetaten,
    Skjerming,
)


@cache
def adapter(port: str) -> Any:
    return import_string(settings.REGISTER_ADAPTERS[port])()


def folkeregister() -> Folkeregister:
    return adapter("folkeregister")


def krr() -> Krr:
    return adapter("krr")


def kontoregister() -> Kontoregister:
    return adapter("kontoregister")


def aaregister() -> Aaregister:
    return adapter("aaregister")


def nav_utbetalinger() -> NavUtbetalinger:
    return adapter("nav_utbetalinger")


def skatteetaten() -> Skatteetaten:
    return adapter("skatteetaten")


def husbanken() -> Husbanken:
    return adapter("husbanken")


def address_protection() -> AddressProtectionRegister:
    return adapter("address_protection")


def skjerming() -> Skjerming:
    return adapter("skjerming")


def altinn() -> AuthorisationRegister:
    return adapter("altinn")


def enhetsregisteret() -> Enhetsregisteret:
    return adapter("enhetsregisteret")


@receiver(setting_changed)
def _forget_adapters(*, setting: str, **kwargs: Any) -> None:
    if setting in ("REGISTER_ADAPTERS", "DEMO_POPULATION_FILE", "DEMO_ENHETSREGISTER_FILE"):
        adapter.cache_clear()
