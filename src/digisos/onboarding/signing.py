"""The signing port: PAdES signatures on the onboarding agreements, and their verification; and the platform's
own seal (its virksomhetssertifikat), with which other apps sign what DigiSos sends (concerns' ASiC-E).

The adapter is chosen in settings.ONBOARDING_SIGNING["ADAPTER"]. The local one (adapters/local_signing.py)
signs with certificates from a test certificate authority it creates in the var directory; a production
adapter would hand the document to an e-signing service (NAV uses Posten's) and return what it signed.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from cryptography import x509
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


@dataclass(frozen=True)
class Seal:
    """The platform's RSA-SHA256 (PKCS#1 v1.5) signature over some bytes, and the certificate to check it with."""

    signature: bytes
    certificate: x509.Certificate


class Signer(Protocol):
    def sign(self, pdf: bytes, *, signer_name: str, organisation: str, reason: str) -> bytes:
        """The PDF with a PAdES signature by `signer_name` appended. Raises SigningFailed."""
        ...

    def verify(self, pdf: bytes) -> Verification:
        """Checks the PDF's one signature: intact, from a trusted authority, covering the whole file."""
        ...

    def seal(self, data: bytes) -> Seal:
        """Signs `data` with the platform's own certificate (RSA-SHA256). Raises SigningFailed."""
        ...

    def seal_certificate(self) -> x509.Certificate:
        """The certificate `seal` signs with (it goes inside what is signed, so it is needed first)."""
        ...

    def trust_anchors(self) -> list[x509.Certificate]:
        """The authorities whose certificates a seal may be checked against."""
        ...


@cache
def signer() -> Signer:
    return import_string(settings.ONBOARDING_SIGNING["ADAPTER"])()


@receiver(setting_changed)
def _forget_signer(*, setting: str, **kwargs: Any) -> None:
    if setting == "ONBOARDING_SIGNING":
        signer.cache_clear()
