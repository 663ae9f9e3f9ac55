"""The signing port: PAdES signatures on the onboarding agreements, and their verification.

The adapter is chosen in settings.ONBOARDING_SIGNING["ADAPTER"]. The local one (adapters/local_signing.py)
signs with certificates from a test certificate authority it creates in the var directory; a production
adapter would hand the document to an e-signing service (NAV uses Posten's) and return what it signed.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class SigningFailed(Exception):
    """The signing service could not sign; nothing was stored."""


@dataclass(frozen=True)
class Verification:
    """What a PDF's signature says. `valid` only if intact, trusted, and covering the whole file."""

    valid: bool
    signer_name: str = ""
    signed_at: datetime | None = None
    # Why it is not valid, for the log and the operator (the page says it in plain words).
    problem: str = ""


class Signer(Protocol):
    def sign(self, pdf: bytes, *, signer_name: str, organisation: str, reason: str) -> bytes:
        """The PDF with a PAdES signature by `signer_name` appended. Raises SigningFailed."""
        ...

    def verify(self, pdf: bytes) -> Verification:
        """Checks the PDF's one signature: intact, from a trusted authority, covering the whole file."""
        ...


@cache
def signer() -> Signer:
    return import_string(settings.ONBOARDING_SIGNING["ADAPTER"])()


@receiver(setting_changed)
def _forget_signer(*, setting: str, **kwargs: Any) -> None:
    if setting == "ONBOARDING_SIGNING":
        signer.cache_clear()
