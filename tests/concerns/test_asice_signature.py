"""The ASiC-E container is signed (XAdES-BES, META-INF/signatures.xml) with the platform's seal, and every
change to what it carries, or a seal from another authority, fails verification."""

import io
import zipfile

import pytest
from lxml import etree

from digisos.concerns.asice import JSON_NAME, MIMETYPE, PDF_NAME, build_asice, verify_asice

JSON = b'{"meldingstype": "privat", "melding": "Jeg er bekymret."}'
PDF = b"%PDF-1.7\n% a small stand-in for the PDF/A\n%%EOF\n"


@pytest.fixture
def container(signing_ca) -> bytes:
    return build_asice(JSON, PDF)


def entries(container: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    """The same container written again with some entries changed, the mimetype first and stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=stored)
    return buffer.getvalue()


def test_the_container_holds_exactly_the_mimetype_the_two_files_and_the_signature(container):
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == ["mimetype", JSON_NAME, PDF_NAME, "META-INF/signatures.xml"]
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert container[30:38] == b"mimetype" and container[38 : 38 + len(MIMETYPE)] == MIMETYPE.encode()


def test_the_signature_is_xades_referencing_each_file_by_name(container):
    root = etree.fromstring(entries(container)["META-INF/signatures.xml"])
    assert root.tag == "{http://uri.etsi.org/02918/v1.2.1#}XAdESSignatures"
    uris = root.xpath(
        "//ds:SignedInfo/ds:Reference/@URI", namespaces={"ds": "http://www.w3.org/2000/09/xmldsig#"}
    )
    assert sorted(uris) == sorted([JSON_NAME, PDF_NAME, "#SignedProperties"])
    xades = {"x": "http://uri.etsi.org/01903/v1.3.2#"}
    assert root.xpath("//x:SigningTime", namespaces=xades) and root.xpath(
        "//x:SigningCertificateV2", namespaces=xades
    )


def test_a_signed_container_verifies(container):
    assert verify_asice(container) == []


@pytest.mark.parametrize("name", [JSON_NAME, PDF_NAME])
def test_a_changed_byte_in_a_file_fails(container, name):
    files = entries(container)
    files[name] = files[name][:-2] + bytes([files[name][-2] ^ 1]) + files[name][-1:]
    assert any(name in problem for problem in verify_asice(rezip(files)))


def test_an_added_file_fails(container):
    files = entries(container)
    files["vedlegg.txt"] = b"smuglet inn"
    assert any("vedlegg.txt" in problem for problem in verify_asice(rezip(files)))


def test_a_removed_file_fails(container):
    files = entries(container)
    del files[PDF_NAME]
    assert any(PDF_NAME in problem for problem in verify_asice(rezip(files)))


def test_a_changed_signed_property_fails(container):
    files = entries(container)
    signature = files["META-INF/signatures.xml"]
    start = signature.index(b"<xades:SigningTime>") + len(b"<xades:SigningTime>")
    files["META-INF/signatures.xml"] = signature[:start] + b"2020" + signature[start + 4 :]
    assert any("SignedProperties" in problem for problem in verify_asice(rezip(files)))


def test_a_changed_signature_value_fails(container):
    files = entries(container)
    root = etree.fromstring(files["META-INF/signatures.xml"])
    value = root.find(".//{http://www.w3.org/2000/09/xmldsig#}SignatureValue")
    value.text = ("A" if value.text[0] != "A" else "B") + value.text[1:]
    files["META-INF/signatures.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert any("signature" in problem for problem in verify_asice(rezip(files)))


def test_a_seal_from_another_authority_fails(settings, tmp_path, signing_ca):
    trusted = settings.ONBOARDING_SIGNING
    settings.ONBOARDING_SIGNING = {**trusted, "CA_DIR": str(tmp_path / "other-ca")}
    foreign = build_asice(JSON, PDF)
    assert verify_asice(foreign) == []  # valid for its own authority ...
    settings.ONBOARDING_SIGNING = trusted
    assert any("authority" in problem for problem in verify_asice(foreign))  # ... not for ours


def test_a_container_without_a_signature_fails(container):
    files = entries(container)
    del files["META-INF/signatures.xml"]
    assert verify_asice(rezip(files)) != []


def test_what_is_not_a_container_is_refused_without_an_error(container):
    assert verify_asice(b"not a zip") != []
    files = entries(container)
    files["META-INF/signatures.xml"] = files["META-INF/signatures.xml"].replace(
        b'URI="#SignedProperties"', b'URI="#Signed\'Properties"'
    )
    assert verify_asice(rezip(files)) != []
    files["META-INF/signatures.xml"] = b"<not-xml"
    assert verify_asice(rezip(files)) != []
