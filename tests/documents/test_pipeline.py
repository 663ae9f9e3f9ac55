"""The upload pipeline with real parts: clamd, LibreOffice, pikepdf, Pillow, CMS encryption, PostgreSQL."""

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from django.core.files.storage import storages
from PIL import Image

from digisos.accounts.models import User
from digisos.core.metrics import SCANNER_UNAVAILABLE
from digisos.documents import encryption, selectors, services
from digisos.documents.models import Document, Folder
from digisos.documents.services import UploadRefused
from tests.fixtures.documents import openssl_decrypt

from . import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen() -> User:
    return User.objects.create(username="citizen-kari", kind=User.Kind.CITIZEN, pid="14839110090")


@pytest.fixture
def folder(citizen: User) -> Folder:
    return services.create_folder(owner=citizen, kind=Folder.Kind.APPLICATION)


def upload(citizen: User, folder: Folder, name: str, data: bytes) -> Document:
    return services.upload_document(actor=citizen, folder=folder, name=name, data=data)


def stored_files(storage_dir: Path) -> list[Path]:
    return [path for path in storage_dir.rglob("*") if path.is_file()] if storage_dir.exists() else []


def stored_pdf(document: Document) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(selectors.decrypted_pdf(document)))


@pytest.mark.parametrize(
    ("name", "make", "content_type", "pages"),
    [
        ("kontoutskrift.pdf", lambda: corpus.pdf(pages=3), "application/pdf", 3),
        ("bilde.png", corpus.png, "image/png", 1),
        ("notat.txt", corpus.text, "text/plain", 1),
        (
            "husleiekontrakt.docx",
            lambda: corpus.office("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            1,
        ),
        (
            "budsjett.xlsx",
            lambda: corpus.office("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            1,
        ),
        ("brev.odt", lambda: corpus.office("odt"), "application/vnd.oasis.opendocument.text", 1),
        ("regnskap.ods", lambda: corpus.office("ods"), "application/vnd.oasis.opendocument.spreadsheet", 1),
    ],
)
def test_accepted_types_are_stored_as_encrypted_pdfs_that_open(
    document_settings, citizen, folder, name, make, content_type, pages
):
    data = make()
    document = upload(citizen, folder, name, data)

    assert document.original_content_type == content_type
    assert document.original_name == name
    assert document.stored_name.endswith(".pdf")
    assert document.page_count == pages
    encrypted = storages["documents"].open(document.storage_name).read()
    assert b"%PDF" not in encrypted  # ciphertext, not the PDF
    plaintext = selectors.decrypted_pdf(document)
    assert plaintext.startswith(b"%PDF")
    assert len(plaintext) == document.size
    with stored_pdf(document) as pdf:
        assert len(pdf.pages) == pages
    assert document.key_id == encryption.current_key().key_id


def test_a_name_says_nothing_the_content_decides(document_settings, citizen, folder):
    # A PNG called .pdf is a PNG; a PDF called .jpg is a PDF.
    assert upload(citizen, folder, "faktura.pdf", corpus.png()).original_content_type == "image/png"
    assert upload(citizen, folder, "bilde.jpg", corpus.pdf()).original_content_type == "application/pdf"


def test_photo_is_turned_upright_and_loses_its_gps_position(document_settings, citizen, folder):
    data = corpus.photo(size=(640, 480), orientation=6)
    assert b"GPS" in data or Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

    document = upload(citizen, folder, "IMG_0001.jpg", data)

    with stored_pdf(document) as pdf:
        page = pdf.pages[0]
        images = list(page.get_images().values())
        assert len(images) == 1
        embedded = pikepdf.PdfImage(images[0]).as_pil_image()
        # EXIF orientation 6 means rotate 90°: the 640×480 landscape becomes 480×640 portrait.
        assert embedded.size == (480, 640)
        raw = images[0].read_raw_bytes()
        assert Image.open(io.BytesIO(raw)).getexif() == {}  # no EXIF at all, so no GPS position
        assert b"Telefonprodusent" not in selectors.decrypted_pdf(document)
        # The red marker was on the left edge of the sensor image; after the 90° turn it is on top.
        assert embedded.getpixel((240, 10))[0] > 200 and embedded.getpixel((240, 10))[1] < 80
        assert embedded.getpixel((240, 630))[1] > 200


def test_javascript_in_a_pdf_does_not_travel_on(document_settings, citizen, folder):
    document = upload(citizen, folder, "skjema.pdf", corpus.pdf_with_javascript())
    with stored_pdf(document) as pdf:
        assert "/OpenAction" not in pdf.Root


ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/Rendition",
    "/GoToR",
}


def active_content_left(pdf: pikepdf.Pdf) -> list[str]:
    """Everything in any object of the file that would run code, open a program, send data or carry a file."""
    found = []
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        kind = obj.get("/S")
        if kind is not None and str(kind) in ACTIVE_ACTIONS:
            found.append(f"action {kind}")
        if "/JS" in obj:
            found.append("/JS")
        if str(obj.get("/Type", "")) == "/EmbeddedFile" or "/EF" in obj:
            found.append("embedded file")
        if str(obj.get("/Subtype", "")) in {"/FileAttachment", "/RichMedia", "/Screen", "/Sound", "/Movie"}:
            found.append(f"annotation {obj.Subtype}")
        if "/XFA" in obj:
            found.append("XFA")
        if str(obj.get("/URI", "")).startswith("javascript:"):
            found.append("javascript: link")
    return found


def test_active_content_in_a_pdf_does_not_travel_on_but_links_and_form_appearance_do(
    document_settings, citizen, folder
):
    document = upload(citizen, folder, "skjema.pdf", corpus.pdf_with_active_content())

    plaintext = selectors.decrypted_pdf(document)
    assert corpus.ATTACHED_FILE not in plaintext and b"cmd.exe" not in plaintext
    with pikepdf.open(io.BytesIO(plaintext)) as pdf:
        assert active_content_left(pdf) == []
        root, page = pdf.Root, pdf.pages[0]
        for key in ("/OpenAction", "/AA", "/NeedsRendering"):
            assert key not in root
        assert "/JavaScript" not in root.Names and "/EmbeddedFiles" not in root.Names
        assert "/A" not in root.Outlines.First  # the bookmark stays, its script goes
        assert "/AA" not in page
        annotations = list(page.Annots)
        assert [str(a.Subtype) for a in annotations] == ["/Link"] * 6 + ["/Popup"] + ["/Widget"] * 2
        web_link, page_link = annotations[0], annotations[1]
        assert str(web_link.A.URI) == "https://www.nav.no/sosialhjelp" and "/Next" not in web_link.A
        assert web_link.A.S == "/URI"
        assert page_link.A.S == "/GoTo" and page_link.A.D[0].objgen == pdf.pages[1].obj.objgen
        assert all("/A" not in link for link in annotations[2:6])  # script, program, javascript: URI, GoToR
        field = annotations[7]
        assert str(field.V) == "Kari Nordmann" and "/AA" not in field
        assert b"Kari Nordmann" in field.AP.N.read_bytes()
        assert [str(f.T) for f in root.AcroForm.Fields] == ["navn", "send"]
        assert "/A" not in root.AcroForm.Fields[1]


REFUSALS = [
    ("empty", "tom.pdf", lambda: b"", "Filen er tom."),
    ("too_large", "stor.pdf", corpus.too_large, "Filen er større enn 10 MB."),
    ("unsupported_type", "kvittering.pdf", corpus.windows_exe, "Vi kan ikke ta imot denne filtypen."),
    ("encrypted_pdf", "bank.pdf", corpus.encrypted_pdf, "PDF-filen er passordbeskyttet eller kryptert."),
    (
        "encrypted_pdf",
        "bank-las.pdf",
        corpus.owner_locked_pdf,
        "PDF-filen er passordbeskyttet eller kryptert.",
    ),
    ("invalid_pdf", "skadet.pdf", corpus.broken_pdf, "Vi får ikke åpnet PDF-filen."),
    ("bomb", "stort-bilde.png", corpus.png_bomb, "for stort til at vi kan åpne det"),
    ("infected", "eicar.txt", lambda: corpus.EICAR, "Filen inneholder skadelig programvare"),
    ("infected", "eicar.pdf", corpus.eicar_in_pdf, "Filen inneholder skadelig programvare"),
]


@pytest.mark.parametrize(
    ("code", "name", "make", "message"), REFUSALS, ids=[f"{r[0]}-{r[1]}" for r in REFUSALS]
)
def test_refused_files_get_a_plain_message_and_nothing_is_stored(
    document_settings, citizen, folder, code, name, make, message
):
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, name, make())

    assert refused.value.code == code
    assert message in refused.value.message
    assert refused.value.name == name
    assert not Document.objects.exists()
    assert stored_files(document_settings) == []


def test_office_file_that_does_not_convert_in_time_is_refused(document_settings, settings, citizen, folder):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "CONVERSION_TIMEOUT_SECONDS": 0.05}
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "treg.docx", corpus.office("docx"))
    assert refused.value.code == "conversion_timeout"
    assert "Det tok for lang tid" in refused.value.message
    assert not Document.objects.exists()
    assert stored_files(document_settings) == []


def test_scanner_down_fails_closed_then_works_when_it_is_back(
    document_settings, settings, citizen, folder, tmp_path
):
    from tests.fixtures.documents import start_clamd

    own = tmp_path / "own-clamd"
    settings.CLAMD_ADDRESS = str(own / "clamd.sock")  # nothing listens yet: the scanner is down
    before = SCANNER_UNAVAILABLE._value.get()

    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "lonnsslipp.pdf", corpus.pdf())
    assert refused.value.code == "scanner_unavailable"
    assert "Prøv igjen om noen minutter" in refused.value.message
    assert not Document.objects.exists()
    assert stored_files(document_settings) == []
    assert SCANNER_UNAVAILABLE._value.get() == before + 1

    process = start_clamd(own)  # the scanner comes back
    try:
        document = upload(citizen, folder, "lonnsslipp.pdf", corpus.pdf())
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert document.page_count == 2


def test_limits_per_folder(document_settings, settings, citizen, folder):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILES": 2, "MAX_TOTAL_BYTES": 10**9}
    upload(citizen, folder, "a.pdf", corpus.pdf(text="A"))
    upload(citizen, folder, "b.pdf", corpus.pdf(text="B"))
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "c.pdf", corpus.pdf(text="C"))
    assert refused.value.code == "too_many_files"
    assert "høyst 2 filer" in refused.value.message

    used = sum(Document.objects.values_list("original_size", flat=True))
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILES": 30, "MAX_TOTAL_BYTES": used + 100}
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "d.pdf", corpus.pdf(text="D"))
    assert refused.value.code == "total_too_large"
    assert Document.objects.count() == 2


def test_the_same_file_twice_is_one_document(document_settings, citizen, folder):
    data = corpus.pdf()
    upload(citizen, folder, "kontrakt.pdf", data)
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "kontrakt (1).pdf", data)
    assert refused.value.code == "duplicate"
    assert Document.objects.count() == 1
    assert len(stored_files(document_settings)) == 1


def test_sha512_size_and_metadata_are_recorded(document_settings, citizen, folder):
    import hashlib

    document = upload(citizen, folder, "../../etc/Husleie\u0007kontrakt Ærlig.pdf", corpus.pdf(pages=1))
    plaintext = selectors.decrypted_pdf(document)
    assert document.sha512 == hashlib.sha512(plaintext).hexdigest()
    assert document.size == len(plaintext)
    assert document.original_name == "Husleiekontrakt Ærlig.pdf"
    assert document.stored_name.startswith("Husleiekontrakt-AErlig-") and document.stored_name.endswith(
        ".pdf"
    )
    assert document.uploaded_by == citizen and document.folder == folder and document.created_at


def test_openssl_cms_decrypt_reproduces_the_stored_pdf_byte_for_byte(
    document_settings, document_key, citizen, folder, tmp_path
):
    document = upload(citizen, folder, "kontoutskrift.pdf", corpus.pdf(pages=2))
    encrypted = tmp_path / "document.p7m"
    encrypted.write_bytes(storages["documents"].open(document.storage_name).read())
    certificate, private = document_key
    decrypted = openssl_decrypt(encrypted, private, certificate)
    assert decrypted == selectors.decrypted_pdf(document)
    import hashlib

    assert hashlib.sha512(decrypted).hexdigest() == document.sha512
    info = subprocess.run(
        ["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", str(encrypted)],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "rsaesOaep" in info and "aes-256-cbc" in info and "sha256" in info


def test_office_upload_creates_the_conversion_work_folder_it_needs(
    document_settings, settings, citizen, folder, tmp_path
):
    # A fresh clone has no var/convert: the pipeline makes the folder (and its parents) on first use.
    missing = tmp_path / "fresh-clone" / "var" / "convert"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "CONVERSION_WORK_DIR": str(missing)}

    document = upload(citizen, folder, "notat.txt", corpus.text())

    assert document.page_count == 1
    assert missing.is_dir()


def test_a_48_megapixel_phone_photo_is_accepted(document_settings, citizen, folder):
    document = upload(citizen, folder, "IMG_48MP.jpg", corpus.photo(size=(8000, 6000), gps=False))
    with stored_pdf(document) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert max(image.Width, image.Height) <= 3508


def test_a_tiny_png_of_a_hundred_megapixels_is_refused_before_it_is_decoded(
    document_settings, citizen, folder
):
    # 10 000 × 10 000 pixels in a few hundred kilobytes: decoding it would take the web process past 1 GB.
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "skjerm.png", corpus.png_of(10_000, 10_000))
    assert refused.value.code == "bomb"
    assert not Document.objects.exists()


def test_an_image_with_transparency_counts_double_against_the_pixel_limit(
    document_settings, settings, citizen, folder
):
    # Scaling an image with an alpha channel makes a second full-size copy, so it may have half the pixels.
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_IMAGE_PIXELS": 1_000_000}
    assert upload(citizen, folder, "opak.png", corpus.png_of(800, 800)).page_count == 1
    with pytest.raises(UploadRefused) as refused:
        upload(citizen, folder, "gjennomsiktig.png", corpus.png_of(800, 800, mode="RGBA"))
    assert refused.value.code == "bomb"
