"""The ASiC-E container KS delivers a report in: exactly bekymringsmelding.json and bekymringsmelding.pdf, signed.

ASiC-E (ETSI EN 319 162-1) is a ZIP whose first entry is an uncompressed `mimetype` file, then the data files,
then `META-INF/signatures.xml`: an XAdES-BES signature (`asic:XAdESSignatures`) whose SignedInfo references
each data file by its name (SHA-256 of its bytes) and the SignedProperties (signing time, the certificate's
digest). It is signed with the platform's seal through the onboarding signing port (the local adapter: a test
authority; production: the platform's virksomhetssertifikat), so the receiver can check the origin; the
container is also encrypted to the receiving office, which gives confidentiality.

The XML is written here by hand with lxml: no well-kept library signs ASiC-E by file name — signxml resolves
detached references inside the XML document only (signxml issue #149), pyasice is Estonia-specific (BDOC,
OCSP) and barely maintained. What is written is the small fixed shape above; `verify_asice` checks it.
"""

import base64
import datetime
import hashlib
import io
import zipfile
import zlib
from urllib.parse import quote, unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from digisos.onboarding.signing import signer

MIMETYPE = "application/vnd.etsi.asic-e+zip"
JSON_NAME = "bekymringsmelding.json"
PDF_NAME = "bekymringsmelding.pdf"
SIGNATURES_NAME = "META-INF/signatures.xml"

ASIC = "http://uri.etsi.org/02918/v1.2.1#"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
SIGNED_PROPERTIES_ID = "SignedProperties"
NAMESPACES = {"asic": ASIC, "ds": DS, "xades": XADES}


def container_name(fiks_org_id: str, bydelsnummer: str) -> str:
    """KS: FiksIO_encrypted_[FIKS_ORG_ID]_[BYDELSNUMMER].zip."""
    return f"FiksIO_encrypted_{fiks_org_id}_{bydelsnummer}.zip"


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    element.text = text
    return element


def _digest(parent: etree._Element, value: str) -> None:
    _sub(parent, DS, "DigestMethod", Algorithm=SHA256)
    _sub(parent, DS, "DigestValue", value)


def _signatures_xml(files: list[tuple[str, str, bytes]]) -> bytes:
    """META-INF/signatures.xml over (name, media type, bytes) of each data file."""
    root = etree.Element(f"{{{ASIC}}}XAdESSignatures", nsmap=NAMESPACES)
    signature = _sub(root, DS, "Signature", Id="Signature")
    signed_info = _sub(signature, DS, "SignedInfo")
    _sub(signed_info, DS, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _sub(signed_info, DS, "SignatureMethod", Algorithm=RSA_SHA256)
    for number, (name, _media, content) in enumerate(files):
        reference = _sub(signed_info, DS, "Reference", Id=f"ref-{number}", URI=quote(name))
        _digest(reference, _b64_sha256(content))
    properties_reference = _sub(
        signed_info, DS, "Reference", Type=SIGNED_PROPERTIES_TYPE, URI=f"#{SIGNED_PROPERTIES_ID}"
    )
    transforms = _sub(properties_reference, DS, "Transforms")
    _sub(transforms, DS, "Transform", Algorithm=EXC_C14N)
    signature_value = _sub(signature, DS, "SignatureValue")
    key_info = _sub(signature, DS, "KeyInfo")
    certificate_element = _sub(_sub(key_info, DS, "X509Data"), DS, "X509Certificate")
    qualifying = _sub(_sub(signature, DS, "Object"), XADES, "QualifyingProperties", Target="#Signature")
    signed_properties = _sub(qualifying, XADES, "SignedProperties", Id=SIGNED_PROPERTIES_ID)
    signature_properties = _sub(signed_properties, XADES, "SignedSignatureProperties")
    signing_time = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    _sub(signature_properties, XADES, "SigningTime", signing_time.strftime("%Y-%m-%dT%H:%M:%SZ"))
    certificate_digest = _sub(
        _sub(_sub(signature_properties, XADES, "SigningCertificateV2"), XADES, "Cert"), XADES, "CertDigest"
    )
    object_properties = _sub(signed_properties, XADES, "SignedDataObjectProperties")
    for number, (_name, media, _content) in enumerate(files):
        data_format = _sub(object_properties, XADES, "DataObjectFormat", ObjectReference=f"#ref-{number}")
        _sub(data_format, XADES, "MimeType", media)

    # The certificate's digest is inside what is signed (SignedProperties), so it is asked for first.
    certificate = signer().seal_certificate()
    der = certificate.public_bytes(serialization.Encoding.DER)
    certificate_element.text = base64.b64encode(der).decode()
    _digest(certificate_digest, _b64_sha256(der))
    # Canonicalised in place (in the whole document), as the verifier will see them.
    _digest(properties_reference, _b64_sha256(_c14n(signed_properties)))
    seal = signer().seal(_c14n(signed_info))
    if seal.certificate != certificate:
        raise ValueError("the signing port changed its certificate while sealing")
    signature_value.text = base64.b64encode(seal.signature).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_asice(json_bytes: bytes, pdf_bytes: bytes) -> bytes:
    """The signed container. Raises onboarding.signing.SigningFailed if the port cannot sign."""
    signatures = _signatures_xml(
        [(JSON_NAME, "application/json", json_bytes), (PDF_NAME, "application/pdf", pdf_bytes)]
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry first and stored (not compressed), so the type can be read at a fixed offset.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr(JSON_NAME, json_bytes, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(PDF_NAME, pdf_bytes, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(SIGNATURES_NAME, signatures, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def data_objects(container: bytes) -> dict[str, bytes]:
    """The files the container carries (everything but `mimetype` and META-INF/)."""
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "mimetype" and not name.startswith("META-INF/")
        }


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False, huge_tree=False)


def _one(parent: etree._Element, path: str) -> etree._Element | None:
    found = parent.xpath(path, namespaces=NAMESPACES)
    return found[0] if len(found) == 1 else None


def _digest_matches(reference: etree._Element, data: bytes) -> bool:
    method = _one(reference, "ds:DigestMethod/@Algorithm")
    value = _one(reference, "ds:DigestValue/text()")
    return method == SHA256 and value is not None and value.strip() == _b64_sha256(data)


def _chain_problem(certificate: x509.Certificate, anchors: list[x509.Certificate]) -> str:
    now = datetime.datetime.now(datetime.UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        return "the certificate is not valid now"
    for anchor in anchors:
        try:
            certificate.verify_directly_issued_by(anchor)
            return ""
        except (ValueError, TypeError, InvalidSignature):
            continue
    return "the certificate is not from a trusted authority"


def verify_asice(container: bytes, trust_anchors: list[x509.Certificate] | None = None) -> list[str]:
    """Everything wrong with the container's signature; empty if it is intact and from a trusted authority.

    Checks: mimetype first and stored; one XAdES signature; each data file's digest; the referenced files are
    exactly the container's data files; the SignedProperties' digest and its certificate digest; the RSA
    signature over the canonical SignedInfo with the certificate in KeyInfo; that certificate issued by one of
    `trust_anchors` (default: the signing port's)."""
    try:
        with zipfile.ZipFile(io.BytesIO(container)) as archive:
            infos = archive.infolist()
            entries = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, NotImplementedError) as error:
        return [f"not a readable ZIP: {error}"]
    problems = []
    if len(entries) != len(infos):
        problems.append("an entry name occurs twice in the ZIP")
    if not infos or infos[0].filename != "mimetype" or infos[0].compress_type != zipfile.ZIP_STORED:
        problems.append("the mimetype entry is not first and stored")
    elif entries["mimetype"] != MIMETYPE.encode():
        problems.append("the mimetype is not ASiC-E")
    if SIGNATURES_NAME not in entries:
        return [*problems, f"no {SIGNATURES_NAME}"]
    data = {
        name: content
        for name, content in entries.items()
        if name != "mimetype" and not name.startswith("META-INF/")
    }
    try:
        root = etree.fromstring(entries[SIGNATURES_NAME], _PARSER)
    except etree.XMLSyntaxError as error:
        return [*problems, f"{SIGNATURES_NAME} is not XML: {error}"]
    signature = _one(root, "/asic:XAdESSignatures/ds:Signature")
    signed_info = _one(root, "/asic:XAdESSignatures/ds:Signature/ds:SignedInfo")
    if signature is None or signed_info is None:
        return [*problems, "not one XAdES signature in an asic:XAdESSignatures"]
    if _one(signed_info, "ds:CanonicalizationMethod/@Algorithm") != EXC_C14N:
        problems.append("SignedInfo is not canonicalised with exclusive C14N")
    if _one(signed_info, "ds:SignatureMethod/@Algorithm") != RSA_SHA256:
        problems.append("the signature method is not rsa-sha256")

    referenced: list[str] = []
    properties_references = 0
    for reference in signed_info.xpath("ds:Reference", namespaces=NAMESPACES):
        uri = reference.get("URI", "")
        if reference.get("Type") == SIGNED_PROPERTIES_TYPE:
            properties_references += 1
            candidates = signature.xpath(  # the Id as a variable: a quote in the URI cannot break the path
                "ds:Object/xades:QualifyingProperties/xades:SignedProperties[@Id=$id]",
                namespaces=NAMESPACES,
                id=uri[1:],
            )
            signed_properties = candidates[0] if len(candidates) == 1 else None
            transforms = reference.xpath("ds:Transforms/ds:Transform/@Algorithm", namespaces=NAMESPACES)
            if not uri.startswith("#") or signed_properties is None or transforms != [EXC_C14N]:
                problems.append("the SignedProperties reference does not point at the SignedProperties")
            elif not _digest_matches(reference, _c14n(signed_properties)):
                problems.append("the SignedProperties were changed after signing")
            continue
        name = unquote(uri)
        referenced.append(name)
        if name not in data:
            problems.append(f"{name} is signed but not in the container")
        elif not _digest_matches(reference, data[name]):
            problems.append(f"{name} was changed after signing")
    if properties_references != 1:
        problems.append("not one reference to the SignedProperties")
    if len(referenced) != len(set(referenced)):
        problems.append("a file is referenced twice")
    problems += [f"{name} is in the container but not signed" for name in sorted(set(data) - set(referenced))]
    unexpected = set(entries) - set(data) - {"mimetype", SIGNATURES_NAME}
    problems += [f"{name} is in the container but not signed" for name in sorted(unexpected)]

    certificate_text = _one(signature, "ds:KeyInfo/ds:X509Data/ds:X509Certificate/text()")
    try:
        der = base64.b64decode(certificate_text or "", validate=False)
        certificate = x509.load_der_x509_certificate(der)
    except ValueError:
        return [*problems, "no readable certificate in KeyInfo"]
    certificate_digest = _one(
        signature,
        "ds:Object/xades:QualifyingProperties/xades:SignedProperties/xades:SignedSignatureProperties"
        "/xades:SigningCertificateV2/xades:Cert/xades:CertDigest",
    )
    if certificate_digest is None or not _digest_matches(certificate_digest, der):
        problems.append("the SignedProperties name another certificate than KeyInfo holds")
    public_key = certificate.public_key()
    try:
        value = base64.b64decode(_one(signature, "ds:SignatureValue/text()") or "")
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidSignature
        public_key.verify(value, _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        problems.append("the signature does not match SignedInfo")
    chain = _chain_problem(certificate, signer().trust_anchors() if trust_anchors is None else trust_anchors)
    if chain:
        problems.append(chain)
    return problems
