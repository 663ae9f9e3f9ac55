"""The ASiC-E container KS delivers a report in: exactly bekymringsmelding.json and bekymringsmelding.pdf.

ASiC-E (ETSI EN 319 162-1) is a ZIP whose first entry is an uncompressed `mimetype` file, with a
`META-INF/manifest.xml` listing the data objects. KS signs its containers (META-INF/signatures*.xml); DigiSos
does not sign them yet: the container is encrypted to the receiving office's certificate, which gives
confidentiality but not origin. A signature (XAdES, with the platform's virksomhetssertifikat) is a later step.
"""

import io
import zipfile
from xml.sax.saxutils import quoteattr

MIMETYPE = "application/vnd.etsi.asic-e+zip"
JSON_NAME = "bekymringsmelding.json"
PDF_NAME = "bekymringsmelding.pdf"


def container_name(fiks_org_id: str, bydelsnummer: str) -> str:
    """KS: FiksIO_encrypted_[FIKS_ORG_ID]_[BYDELSNUMMER].zip."""
    return f"FiksIO_encrypted_{fiks_org_id}_{bydelsnummer}.zip"


def _manifest(entries: list[tuple[str, str]]) -> bytes:
    files = "".join(
        f"  <manifest:file-entry manifest:full-path={quoteattr(name)} manifest:media-type={quoteattr(media)}/>\n"
        for name, media in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">\n'
        f'  <manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>\n'
        f"{files}</manifest:manifest>\n"
    ).encode()


def build_asice(json_bytes: bytes, pdf_bytes: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry first and stored (not compressed), so the type can be read at a fixed offset.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr(JSON_NAME, json_bytes, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(PDF_NAME, pdf_bytes, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            _manifest([(JSON_NAME, "application/json"), (PDF_NAME, "application/pdf")]),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def data_objects(container: bytes) -> dict[str, bytes]:
    """The files the container carries (everything but `mimetype` and META-INF/)."""
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "mimetype" and not name.startswith("META-INF/")
        }
