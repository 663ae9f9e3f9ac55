"""CMS EnvelopedData (RFC 5652) to the platform's document key, as KS Fiks encrypts documents.

Key transport RSA-OAEP with SHA-256 (RFC 8017, MGF1-SHA-256), content AES-256-CBC. Built with cryptography
for the primitives and asn1crypto for the structure, so `openssl cms -decrypt -inform DER` opens what we
write. The recipient is named by issuer and serial number of the key's certificate; a hash of that
certificate is the key id stored with each document, and a document is opened with the key of its own id
(the current key or one kept in the keyring folder), so keys can be rotated without re-encrypting old files.
"""

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class DocumentKey:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | None

    @property
    def key_id(self) -> str:
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return hashlib.sha256(der).hexdigest()[:32]


def encrypt(plaintext: bytes, key: DocumentKey) -> bytes:
    content_key = os.urandom(32)
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(content_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    public_key = key.certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    encrypted_key = public_key.encrypt(content_key, _oaep())
    cert = asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))
    recipient = cms.KeyTransRecipientInfo(
        {
            "version": "v0",
            "rid": cms.RecipientIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber({"issuer": cert.issuer, "serial_number": cert.serial_number}),
            ),
            "key_encryption_algorithm": cms.KeyEncryptionAlgorithm(
                {
                    "algorithm": "rsaes_oaep",
                    "parameters": algos.RSAESOAEPParams(
                        {
                            "hash_algorithm": {"algorithm": "sha256"},
                            "mask_gen_algorithm": {
                                "algorithm": "mgf1",
                                "parameters": {"algorithm": "sha256"},
                            },
                        }
                    ),
                }
            ),
            "encrypted_key": encrypted_key,
        }
    )
    enveloped = cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": [cms.RecipientInfo(name="ktri", value=recipient)],
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": "aes256_cbc", "parameters": iv},
                "encrypted_content": ciphertext,
            },
        }
    )
    return cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump()


def decrypt(blob: bytes, key: DocumentKey) -> bytes:
    if key.private_key is None:
        raise DecryptionError("no private key for this document key")
    return decrypt_with(blob, key.private_key)


def decrypt_with(blob: bytes, private_key: rsa.RSAPrivateKey) -> bytes:
    """Open CMS EnvelopedData (RSA-OAEP-SHA256 key transport, AES-CBC content) with the recipient's key."""
    try:
        info = cms.ContentInfo.load(blob)
        enveloped = info["content"]
        recipient = enveloped["recipient_infos"][0].chosen
        content_key = private_key.decrypt(recipient["encrypted_key"].native, _oaep())
        encrypted = enveloped["encrypted_content_info"]
        iv = encrypted["content_encryption_algorithm"]["parameters"].native
        decryptor = Cipher(algorithms.AES(content_key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(encrypted["encrypted_content"].native) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    except (ValueError, KeyError, TypeError) as error:
        raise DecryptionError(str(error)) from error


def _oaep() -> OAEP:
    return OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def current_key() -> DocumentKey:
    """The key new documents are encrypted to (settings DOCUMENT_KEY_CERTIFICATE / DOCUMENT_KEY_PRIVATE)."""
    certificate, private = Path(settings.DOCUMENT_KEY_CERTIFICATE), Path(settings.DOCUMENT_KEY_PRIVATE)
    if not certificate.exists() and settings.DOCUMENT_KEY_GENERATE:
        generate_key_pair(certificate, private)
    return _load_key(str(certificate), str(private), _changed_at(certificate))


def key_for(key_id: str) -> DocumentKey:
    """The key a document was encrypted to, by the key id stored with it: the current key or one in the
    keyring folder (DOCUMENT_KEYRING_DIR), where a rotation keeps the keys it replaced."""
    # The keyring first: its pairs never change once written, while the current pair is replaced by a rotation.
    keyring_dir = Path(settings.DOCUMENT_KEYRING_DIR)
    key = _keyring(str(keyring_dir), _changed_at(keyring_dir)).get(key_id)
    if key is not None:
        return key
    current = current_key()
    if current.key_id == key_id:
        return current
    raise DecryptionError(f"no document key with id {key_id} (current key or {keyring_dir})")


def decrypt_document(blob: bytes, key_id: str) -> bytes:
    return decrypt(blob, key_for(key_id))


def _changed_at(path: Path) -> int:
    """Part of the cache key, so a rotation made by another process is seen without a restart."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


@lru_cache(maxsize=4)
def _load_key(certificate_path: str, private_path: str, changed_at: int = 0) -> DocumentKey:
    cert_file, key_file = Path(certificate_path), Path(private_path)
    certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
    private_key = None
    if key_file.exists():
        loaded = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        private_key = loaded
    return DocumentKey(certificate=certificate, private_key=private_key)


@lru_cache(maxsize=4)
def _keyring(directory: str, changed_at: int = 0) -> dict[str, DocumentKey]:
    """Every NAME.crt in the folder with its private key NAME.pem, by key id."""
    keys = {}
    for certificate in sorted(Path(directory).glob("*.crt")):
        key = _load_key(str(certificate), str(certificate.with_suffix(".pem")), _changed_at(certificate))
        keys[key.key_id] = key
    return keys


def rotate() -> tuple[DocumentKey, DocumentKey]:
    """Keep the current key pair in the keyring folder and put a new pair in its place.

    Returns (old, new). Documents already stored keep their key id and are read with the old key; new
    documents are encrypted to the new one. The old pair is copied before the new one is written, so a
    failure half-way never loses a key.
    """
    old = current_key()
    certificate, private = Path(settings.DOCUMENT_KEY_CERTIFICATE), Path(settings.DOCUMENT_KEY_PRIVATE)
    if old.private_key is None:
        raise DecryptionError(f"the current key has no private key at {private}; nothing to keep")
    keyring_dir = Path(settings.DOCUMENT_KEYRING_DIR)
    keyring_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    kept = keyring_dir / f"document-key-{old.key_id}"
    _write_private(kept.with_suffix(".pem"), private.read_bytes())
    kept.with_suffix(".crt").write_bytes(certificate.read_bytes())
    staged_certificate = certificate.with_name(certificate.name + ".new")
    staged_private = private.with_name(private.name + ".new")
    generate_key_pair(staged_certificate, staged_private)
    # The private key first: a reader that sees the new certificate must find its private key too.
    staged_private.replace(private)
    staged_certificate.replace(certificate)
    clear_key_cache()
    return old, current_key()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def generate_key_pair(certificate_path: Path, private_path: Path) -> None:
    """A self-signed key pair for the quick start and tests; production supplies its own."""
    import datetime

    from cryptography.x509.oid import NameOID

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DigiSos local document key")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(private_key, hashes.SHA256())
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    certificate_path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(
        private_path,
        private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def clear_key_cache() -> None:
    _load_key.cache_clear()
    _keyring.cache_clear()
