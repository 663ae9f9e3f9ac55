"""Sniff the content of an upload and turn it into a PDF that opens.

The type is decided from the bytes, never from the file name or the browser's claim. The magic bytes only
pick a candidate; the parser that must then open the file (Pillow, pikepdf, zipfile, a strict text decode)
is the real test, so a disguised file fails there.
"""

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain"

OFFICE_EXTENSIONS = {DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods", TEXT: "txt"}


class Refused(Exception):
    """The file cannot be accepted. `code` picks the message shown to the user."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Converted:
    pdf: bytes
    page_count: int


def sniff(data: bytes) -> str:
    head = data[:1024]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if b"%PDF-" in head:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if _looks_like_text(data):
        return TEXT
    raise Refused("unsupported_type")


def _sniff_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
        if expanded > settings.DOCUMENTS["MAX_EXPANDED_OFFICE_BYTES"]:
            raise Refused("bomb", f"office file expands to {expanded} bytes")
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            if mimetype in (ODT, ODS):
                return mimetype
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise Refused("unsupported_type", f"bad zip: {error}") from error
    raise Refused("unsupported_type", "zip that is not docx/xlsx/odt/ods")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\0" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 4:
            # A multi-byte character cut at the sample's end is still UTF-8 text.
            text = sample[: error.start].decode("utf-8")
        else:
            # Older Norwegian text files are often Windows-1252.
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    allowed_controls = {"\t", "\n", "\r", "\f"}
    return not any(ord(char) < 32 and char not in allowed_controls for char in text)


def check_dimensions(data: bytes, content_type: str) -> None:
    """Header-only checks that must come before anything decodes the file (the scanner included)."""
    if content_type not in (JPEG, PNG):
        return
    from . import images  # Pillow loads on the first image, not when Django starts (see bench/startup.py)

    images.check_pixels_before_decoding(data)


def to_pdf(data: bytes, content_type: str) -> Converted:
    # pikepdf, Pillow and img2pdf load with the first file of their kind, not when Django starts: every
    # command, worker and test process would otherwise pay for them (bench/startup.py).
    if content_type == PDF:
        from . import pdf_cleaning

        return pdf_cleaning.normalise_pdf(data)
    if content_type in (JPEG, PNG):
        from . import images

        return images.image_to_pdf(data)
    return _office_to_pdf(data, content_type)


_soffice_lock = threading.Lock()


def _office_to_pdf(data: bytes, content_type: str) -> Converted:
    """LibreOffice headless in a private profile, killed when it passes the time limit."""
    timeout = settings.DOCUMENTS["CONVERSION_TIMEOUT_SECONDS"]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Refused("conversion_failed", "LibreOffice is not installed")
    if content_type == TEXT:
        data = _as_utf8(data)
    work_dir = conversion_work_dir()
    # One profile per process: LibreOffice locks its profile, so concurrent workers need their own.
    profile = work_dir / f"profile-{os.getpid()}"
    with _soffice_lock, tempfile.TemporaryDirectory(dir=work_dir) as work:
        source = Path(work) / f"upload.{OFFICE_EXTENSIONS[content_type]}"
        source.write_bytes(data)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
        ]
        if content_type == TEXT:
            command += ["--infilter=Text (encoded):UTF8,LF,,,"]
        command.append(str(source))
        # The command is ours; the upload is only a file path inside our own temporary directory.
        process = subprocess.Popen(  # noqa: S603
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "HOME": work},
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            _kill_group(process)
            raise Refused("conversion_timeout") from error
        result = Path(work) / "upload.pdf"
        if process.returncode != 0 or not result.exists():
            raise Refused("conversion_failed", f"soffice exit {process.returncode}")
        from . import pdf_cleaning

        return pdf_cleaning.normalise_pdf(result.read_bytes())


def conversion_work_dir() -> Path:
    """The folder LibreOffice works in, made on first use: a fresh clone or a new container has none, and
    a folder made only by a start script is missing wherever that script did not run."""
    work_dir = Path(settings.DOCUMENTS["CONVERSION_WORK_DIR"])
    work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return work_dir


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _as_utf8(data: bytes) -> bytes:
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace").encode("utf-8")
