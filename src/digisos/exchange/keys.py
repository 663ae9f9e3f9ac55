"""Key material for connecting a municipality: its receiving certificate and its case system's signing key.

Production: the municipality sends its certificate (X.509, PEM) and its case system's public key; nothing
private ever reaches us. The quick start and the tests generate both pairs locally with these helpers.
"""

import hashlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from digisos.documents.encryption import generate_key_pair


def generate_municipality_keys(folder: Path) -> tuple[Path, Path]:
    """mottak.crt/mottak.pem (deliveries are encrypted to it) and klient.pem/klient.pub.pem (signs grants)."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, receiver_private = folder / "mottak.crt", folder / "mottak.pem"
    if not certificate.exists():
        generate_key_pair(certificate, receiver_private)
    client_private, client_public = folder / "klient.pem", folder / "klient.pub.pem"
    if not client_private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        client_private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        client_private.chmod(0o600)
        client_public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return certificate, client_public


class UnreadableKey(ValueError):
    """A PEM text that is not the certificate or public key it should be."""


def certificate_fingerprint(pem: str) -> str:
    """SHA-256 of the certificate (DER), as `openssl x509 -outform DER | sha256sum` shows it; '' for none."""
    if not pem.strip():
        return ""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as error:
        raise UnreadableKey(str(error)) from None
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def public_key_fingerprint(pem: str) -> str:
    """SHA-256 of the public key (DER SubjectPublicKeyInfo), as
    `openssl pkey -pubin -outform DER | sha256sum` shows it; '' for none."""
    if not pem.strip():
        return ""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as error:
        raise UnreadableKey(str(error)) from None
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()
