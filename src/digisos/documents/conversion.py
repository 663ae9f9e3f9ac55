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

import img2pdf
import pikepdf
from django.conf import settings
from PIL import Image

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain"

OFFICE_EXTENSIONS = {DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods", TEXT: "txt"}
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))


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
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            _check_pixels(image)
    except Image.DecompressionBombError as error:
        raise Refused("bomb", str(error)) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise Refused("unsupported_type", f"image does not open: {error}") from error


# Scaling an image with transparency makes a second full-size copy (Pillow premultiplies the alpha), so such
# an image costs twice its pixels against the limit.
ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


def _check_pixels(image: Image.Image) -> None:
    """Refuse before decoding: a few hundred kilobytes of PNG can decode to gigabytes.

    Pillow holds every decoded pixel in 4 bytes (1 for greyscale and palette), so MAX_IMAGE_PIXELS bounds the
    memory one upload can take while it is scaled down.
    """
    if _pixel_cost(image) > settings.DOCUMENTS["MAX_IMAGE_PIXELS"]:
        raise Refused("bomb", f"{image.width}x{image.height} pixels, mode {image.mode}")


def _pixel_cost(image: Image.Image) -> int:
    return image.width * image.height * (2 if image.mode in ALPHA_MODES else 1)


def to_pdf(data: bytes, content_type: str) -> Converted:
    if content_type == PDF:
        return _normalise_pdf(data)
    if content_type in (JPEG, PNG):
        return _image_to_pdf(data)
    return _office_to_pdf(data, content_type)


def _normalise_pdf(data: bytes) -> Converted:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise Refused("encrypted_pdf")
            if len(pdf.pages) == 0:
                raise Refused("invalid_pdf", "no pages")
            _strip_active_content(pdf)
            out = io.BytesIO()
            pdf.save(out)
            return Converted(pdf=out.getvalue(), page_count=len(pdf.pages))
    except pikepdf.PasswordError as error:
        raise Refused("encrypted_pdf") from error
    except pikepdf.PdfError as error:
        raise Refused("invalid_pdf", str(error)[:200]) from error


# Actions that only move the reader: to a place in this file, or to a web page. Every other kind runs
# script, opens a program or another file, sends or loads form data, or plays media, and is removed.
SAFE_ACTIONS = frozenset({"/GoTo", "/URI"})
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")
# Annotations that carry a file or play media; they are removed whole.
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    """Case workers open these files and case systems receive them: nothing that runs, launches, submits,
    imports or carries a file travels on. Ordinary links, bookmarks and form fields with their appearance do.

    Objects that nothing refers to any more are not written when the file is saved, so an attached file's
    bytes go with the entry that pointed at them.
    """
    root = pdf.Root
    for key in ("/AA", "/NeedsRendering", "/Collection"):
        if key in root:
            del root[key]
    if "/OpenAction" in root and not _opens_at_a_page(root.OpenAction):
        del root["/OpenAction"]  # not even a web link may open by itself
    if "/Names" in root:
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations"):
            if key in root.Names:
                del root.Names[key]
    if "/AcroForm" in root:
        form = root.AcroForm
        if "/XFA" in form:
            del form["/XFA"]  # the form's ordinary fields (AcroForm) remain and show as they were filled in
        for field in form.get("/Fields", pikepdf.Array()):
            _clean_field(field, set())
    for page in pdf.pages:
        _clean_page(page)
    if "/Outlines" in root:
        _clean_outline(root.Outlines.get("/First"), set())
    _sweep(pdf)


# Action types no reader may be left with, wherever the action is found (see _sweep).
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/Rendition",
        "/RichMediaExecute",
        "/GoToE",
        "/GoToR",
        "/Movie",
        "/Sound",
        "/Hide",
        "/SetOCGState",
        "/GoTo3DView",
    }
)


def _sweep(pdf: pikepdf.Pdf) -> None:
    """The last line: every object in the file, however it is reached (a pop-up's /Parent can still point
    at a removed attachment annotation), loses script, embedded files and active actions, and a removed kind
    of annotation becomes an empty, invisible one. The walk above keeps the structure tidy; this makes sure."""
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
            _sweep_object(obj)


def _sweep_object(obj: pikepdf.Object) -> None:
    if isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Array)) and not item.is_indirect:
                _sweep_object(item)
        return
    for key in ("/JS", "/EF", "/RF", "/XFA"):
        if key in obj:
            del obj[key]
    if str(obj.get("/S", "")) in ACTIVE_ACTIONS:
        for key in list(obj.keys()):
            del obj[key]  # an action without a type does nothing
        return
    is_annotation = not isinstance(obj, pikepdf.Stream) and str(obj.get("/Type", "/Annot")) == "/Annot"
    if is_annotation and str(obj.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
        for key in list(obj.keys()):
            if key not in ("/Type", "/Rect"):
                del obj[key]
        obj.Subtype, obj.F = pikepdf.Name.Text, 2  # hidden
        return
    for key, value in obj.items():
        if (
            isinstance(value, (pikepdf.Dictionary, pikepdf.Array))
            and not value.is_indirect
            and key != "/Parent"
        ):
            _sweep_object(value)


def _clean_page(page: pikepdf.Page) -> None:
    if "/AA" in page.obj:
        del page.obj["/AA"]
    if "/Annots" not in page.obj:
        return
    kept = pikepdf.Array()
    for annotation in page.obj.Annots:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if str(annotation.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
            continue
        _clean_actions_of(annotation)
        kept.append(annotation)
    page.obj.Annots = kept


def _clean_field(field: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
    """Form fields (and their kids) lose their script triggers and actions; values and appearance stay."""
    if not isinstance(field, pikepdf.Dictionary) or (field.is_indirect and field.objgen in seen):
        return
    if field.is_indirect:
        seen.add(field.objgen)
    _clean_actions_of(field)
    for kid in field.get("/Kids", pikepdf.Array()):
        _clean_field(kid, seen)


def _clean_outline(item: pikepdf.Object | None, seen: set[tuple[int, int]]) -> None:
    while isinstance(item, pikepdf.Dictionary) and not (item.is_indirect and item.objgen in seen):
        if item.is_indirect:
            seen.add(item.objgen)
        _clean_actions_of(item)
        _clean_outline(item.get("/First"), seen)
        item = item.get("/Next")


def _clean_actions_of(holder: pikepdf.Dictionary) -> None:
    if "/AA" in holder:
        del holder["/AA"]  # triggers (open, close, keystroke, focus, ...) exist only to run actions
    if "/A" in holder:
        _keep_safe_action(holder, "/A")


def _keep_safe_action(holder: pikepdf.Dictionary, key: str) -> None:
    action = _safe_action(holder[key], set())
    if action is None:
        del holder[key]


def _safe_action(action: pikepdf.Object, seen: set[tuple[int, int]]) -> pikepdf.Object | None:
    """The action if it only moves the reader, with its follow-up actions (/Next) cleaned the same way."""
    if not isinstance(action, pikepdf.Dictionary) or (action.is_indirect and action.objgen in seen):
        return None
    if action.is_indirect:
        seen.add(action.objgen)
    kind = str(action.get("/S", ""))
    if kind not in SAFE_ACTIONS:
        return None
    if kind == "/URI" and not str(action.get("/URI", "")).lower().startswith(SAFE_URI_SCHEMES):
        return None
    if "/Next" in action:
        following = action.Next
        steps = list(following) if isinstance(following, pikepdf.Array) else [following]
        safe = [step for step in (_safe_action(step, seen) for step in steps) if step is not None]
        if safe:
            action.Next = pikepdf.Array(safe)
        else:
            del action["/Next"]
    return action


def _opens_at_a_page(value: pikepdf.Object) -> bool:
    """An /OpenAction that is a destination (an array or a name) or a plain GoTo just opens at a page."""
    if isinstance(value, (pikepdf.Array, pikepdf.Name, pikepdf.String)):
        return True
    return isinstance(value, pikepdf.Dictionary) and value.get("/S") == "/GoTo" and "/Next" not in value


def _image_to_pdf(data: bytes) -> Converted:
    side = settings.DOCUMENTS["MAX_IMAGE_SIDE"]
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image)
            # JPEG decodes straight at 1/2, 1/4 or 1/8 scale when that still covers the page.
            image.draft("RGB", _fitted(image.size, side))
            orientation = image.getexif().get(EXIF_ORIENTATION, 1)
            small = _scale_down(image, side)
            # Turned upright only once small: turning the full-size image would copy every pixel again.
            flat = _flatten(_turn_upright(small, orientation))
            # Re-encoding without `exif=` drops all metadata, GPS position included.
            jpeg = io.BytesIO()
            flat.save(jpeg, format="JPEG", quality=85, optimize=False)
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused("bomb", str(error)) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise Refused("unsupported_type", f"image does not open: {error}") from error
    layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into)
    pdf = img2pdf.convert(jpeg.getvalue(), layout_fun=layout, nodate=True)
    return Converted(pdf=pdf, page_count=1)


EXIF_ORIENTATION = 0x0112
# EXIF orientation → the turn that makes the image upright (as Pillow's ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size that fits `size` into a `side` × `side` square, keeping its proportions."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _scale_down(image: Image.Image, side: int) -> Image.Image:
    """Fit into `side` × `side` with at most one full-size copy of the pixels in memory.

    A fine resize of a full-size image holds the image, a pass of (new width × old height) and the result
    at once. A large image is therefore first box-reduced by a whole factor (a quarter of the pixels or
    fewer) and its full-size pixels freed, and only that smaller image gets the fine resize.
    """
    image.load()
    factor = max(image.size) // side
    large = _pixel_cost(image) > settings.DOCUMENTS["MAX_IMAGE_PIXELS"] // 2
    if factor < 2 and large:
        factor = 2
    if factor < 2 or image.mode in ("1", "P", "I;16", "I;16B", "I;16L"):
        # Palette and bilevel images scale by nearest neighbour, which needs no intermediate pass; 16-bit
        # greyscale cannot be box-reduced but takes only 2 bytes a pixel.
        image.thumbnail((side, side), reducing_gap=None)
        return image
    small = image.reduce(factor)
    image.close()  # frees the full-size pixels now rather than when the caller's `with` ends
    small.thumbnail((side, side), reducing_gap=None)
    return small


def _turn_upright(image: Image.Image, orientation: int) -> Image.Image:
    turn = _UPRIGHT.get(orientation)
    return image.transpose(turn) if turn is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


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
        return _normalise_pdf(result.read_bytes())


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
