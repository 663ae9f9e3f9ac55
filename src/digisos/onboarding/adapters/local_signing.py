"""Local signing with a test certificate authority, for the quick start and the tests; never for real.

On first use it creates the authority (an EC P-256 key and a self-signed certificate) in
settings.ONBOARDING_SIGNING["CA_DIR"] (under the var directory, never committed). Each signature gets a
certificate of its own, issued by that authority to the signer's name, as an e-signing service would issue
one after the person logged in. Verification trusts only that authority.

The platform's seal (`seal`) is an RSA-2048 key with a certificate from the same authority, made once and kept
beside it, as a virksomhetssertifikat is: RSA because Norwegian enterprise certificates (Buypass, Commfides)
are RSA and receivers of ASiC-E expect rsa-sha256.
"""

import datetime
import fcntl
import functools
import io
import os
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..signing import Seal, SigningFailed, Verification

CA_NAME = "DigiSos lokal test-CA (ikke for ekte signaturer)"


def _write_private_key(path: Path, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def _ca_paths() -> tuple[Path, Path]:
    directory = Path(settings.ONBOARDING_SIGNING["CA_DIR"])
    return directory / "test-ca.crt", directory / "test-ca.pem"


def ensure_test_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The test authority, created on first use."""
    certificate_path, key_path = _ca_paths()
    if not certificate_path.exists():
        # Several processes (web workers, the db_worker) may meet a missing authority at once: one makes it,
        # under a lock, so none pairs its own key with another's certificate.
        key_path.parent.mkdir(parents=True, exist_ok=True)
        with (key_path.parent / ".create.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not certificate_path.exists():
                _create_test_ca(certificate_path, key_path)
    certificate = x509.load_pem_x509_certificate(certificate_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return certificate, key


def _create_test_ca(certificate_path: Path, key_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    _write_private_key(key_path, key)
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _leaf_certificate(
    ca_certificate: x509.Certificate,
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
) -> x509.CertificateBuilder:
    """A signing certificate from the test authority, ten years from five minutes ago, unsigned yet: the
    seal's and each signer's, which differ only in their subject, key and extended key usage."""
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    )


SEAL_NAME = "DigiSos (lokalt test-segl, ikke for ekte signaturer)"


def ensure_test_seal() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The platform's test seal: an RSA key and a certificate from the test authority, created on first use.

    Key and certificate are one file, written whole and renamed into place, so that two processes making it
    at once (the web server and the db_worker on the first report) never leave a key that does not match."""
    path = Path(settings.ONBOARDING_SIGNING["CA_DIR"]) / "seal.pem"
    if not path.exists():
        ca_certificate, ca_key = ensure_test_ca()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, SEAL_NAME),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DigiSos"),
            ]
        )
        certificate = _leaf_certificate(ca_certificate, subject, key.public_key()).sign(
            ca_key, hashes.SHA256()
        )
        pending = path.with_name(f"seal.{os.getpid()}.tmp")
        _write_private_key(pending, key)
        with pending.open("ab") as handle:
            handle.write(certificate.public_bytes(serialization.Encoding.PEM))
        os.replace(pending, path)
    return _load_seal(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_seal(path: str, _mtime_ns: int) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """Loading an RSA key checks it (~80 ms), so each process loads the seal once (again if the file changes)."""
    pem = Path(path).read_bytes()
    boundary = pem.index(b"-----BEGIN CERTIFICATE-----")
    certificate = x509.load_pem_x509_certificate(pem[boundary:])
    key = serialization.load_pem_private_key(pem[:boundary], password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return certificate, key


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _issue(
    signer_name: str, organisation: str
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, x509.Certificate]:
    ca_certificate, ca_key = ensure_test_ca()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, signer_name[:64] or "?"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "?"),
        ]
    )
    certificate = (
        _leaf_certificate(ca_certificate, subject, key.public_key())
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return certificate, key, ca_certificate


class LocalTestCaSigner:
    def sign(self, pdf: bytes, *, signer_name: str, organisation: str, reason: str) -> bytes:
        try:
            certificate, key, ca_certificate = _issue(signer_name, organisation)
            signing_key = asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            signer = signers.SimpleSigner(
                signing_cert=_asn1(certificate),
                signing_key=signing_key,
                cert_registry=SimpleCertificateStore.from_certs([_asn1(ca_certificate)]),
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            metadata = signers.PdfSignatureMetadata(
                field_name="Signatur",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=reason,
                name=signer_name,
            )
            return signers.sign_pdf(writer, metadata, signer=signer).getvalue()
        except Exception as error:  # pyHanko raises many kinds; the caller needs one
            raise SigningFailed(str(error)) from error

    def seal(self, data: bytes) -> Seal:
        try:
            certificate, key = ensure_test_seal()
            return Seal(
                signature=key.sign(data, padding.PKCS1v15(), hashes.SHA256()), certificate=certificate
            )
        except Exception as error:
            raise SigningFailed(str(error)) from error

    def seal_certificate(self) -> x509.Certificate:
        return ensure_test_seal()[0]

    def trust_anchors(self) -> list[x509.Certificate]:
        return [ensure_test_ca()[0]]

    def verify(self, pdf: bytes) -> Verification:
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            signatures = reader.embedded_signatures
        except Exception as error:
            return Verification(valid=False, problem=f"not a readable PDF: {error}")
        if len(signatures) != 1:
            return Verification(valid=False, problem=f"{len(signatures)} signatures, expected one")
        ca_certificate, _key = ensure_test_ca()
        context = ValidationContext(trust_roots=[_asn1(ca_certificate)], allow_fetching=False)
        try:
            status = validate_pdf_signature(signatures[0], context)
        except Exception as error:
            return Verification(valid=False, problem=f"validation failed: {error}")
        signer_name = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
        problems = []
        if not status.intact:
            problems.append("the document was changed after signing")
        if not status.valid:
            problems.append("the signature does not match")
        if not status.trusted:
            problems.append("the certificate is not from a trusted authority")
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append("the signature does not cover the whole file")
        return Verification(
            valid=not problems,
            signer_name=signer_name,
            signed_at=status.signer_reported_dt,
            problem="; ".join(problems),
        )
