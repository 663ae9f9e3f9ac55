"""The whole application over HTTP for every persona in the demo population: start, nine steps, an upload,
send; what is sent validates against NAV's soknad and vedlegg schemas."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from digisos.application.filformat_validation import soknad_errors, vedlegg_errors
from digisos.application.models import Application
from digisos.application.steps import steps_of
from digisos.registers.adapters.local import load_population
from tests.documents import corpus
from tests.factories import ANSWERS

pytestmark = pytest.mark.django_db

CAN_APPLY = [
    p["key"]
    for p in load_population().values()
    if p["key"] not in ("fortrolig-adresse", "strengt-fortrolig", "under-18")
]


CLOSED = ("1103", "3301")  # Stavanger temporarily closed, Drammen paper only (the demo service flags)


def _registered_municipality(key: str) -> str | None:
    person = next(p for p in load_population().values() if p["key"] == key)
    return (person["folkeregister"].get("bostedsadresse") or {}).get("kommunenummer")


def walk_through(client, application: Application, answers=ANSWERS, *, address: dict | None = None) -> None:
    for slug, data in answers.items():
        if slug == "personalia" and address:
            data = {**data, **address}
        response = client.post(reverse("application:step", args=[application.id, slug]), data)
        if (
            slug == "personalia"
            and response.status_code == 200
            and "nav_kontor" in response.context["form"].errors
        ):
            # A typed address in a city of several offices (Oslo: no bydel from the address alone): the step
            # asks for the office among the municipality's, as a person then chooses it.
            office = response.context["form"].fields["nav_kontor"].choices[1][0]
            response = client.post(
                reverse("application:step", args=[application.id, slug]), {**data, "nav_kontor": office}
            )
        assert response.status_code == 302, (slug, response.content.decode()[:3000])


def upload_rental_contract(client, application: Application) -> None:
    response = client.post(
        reverse("application:upload", args=[application.id]),
        {
            "requirement": "husleiekontrakt|husleiekontrakt",
            "files": [SimpleUploadedFile("kontrakt.pdf", corpus.pdf())],
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("key", CAN_APPLY)
def test_every_persona_can_apply_and_what_is_sent_validates(
    client, citizen_of, key, reference_data, document_settings, django_capture_on_commit_callbacks
):
    user = citizen_of(key)
    client.force_login(user)
    response = client.post(reverse("application:new"))
    if _registered_municipality(key) in CLOSED:
        # Stavanger temporarily closed, Drammen paper only: refused before the first step, with the paper way.
        assert response.status_code == 200
        assert "Søknaden kan ikke sendes digitalt" in response.content.decode()
        assert not Application.objects.filter(owner=user).exists()
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(owner=user)
    person = application.registers["person"]
    address = None
    if person["bostedsadresse"] is None or not application.enhetsnummer:
        # No address, or a municipality we cannot route by address: the person writes where they live.
        address = {"adresse_valg": "soknad", "gatenavn": "Storgata 5B", "postnummer": "0155"}
    walk_through(client, application, address=address)
    application.refresh_from_db()
    assert application.enhetsnummer  # the address step went on only with an office
    upload_rental_contract(client, application)
    assert client.get(reverse("application:step", args=[application.id, "oppsummering"])).status_code == 200

    response = client.post(reverse("application:send", args=[application.id]))
    application.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse(
        "application:receipt", args=[application.id]
    )
    assert application.status == Application.Status.READY
    assert soknad_errors(application.soknad_json) == []
    assert vedlegg_errors(application.vedlegg_json) == []
    assert application.soknad_json["data"]["personalia"]["personIdentifikator"]["verdi"] == user.pid
    assert application.soknad_json["mottaker"]["enhetsnummer"] == application.enhetsnummer
    uploaded = [v for v in application.vedlegg_json["vedlegg"] if v["status"] == "LastetOpp"]
    assert uploaded[0]["type"] == "husleiekontrakt" and len(uploaded[0]["filer"][0]["sha512"]) == 128
    receipt = client.get(reverse("application:receipt", args=[application.id])).content.decode()
    assert application.reference in receipt and application.office_name in receipt


def test_a_file_over_the_size_limit_gets_the_plain_size_message(
    client, citizen_of, reference_data, document_settings, settings
):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILE_BYTES": 1024 * 1024}
    client.force_login(citizen_of("familie-bergen"))
    client.post(reverse("application:new"))
    application = Application.objects.get()
    walk_through(client, application)
    response = client.post(
        reverse("application:upload", args=[application.id]),
        {
            "requirement": "husleiekontrakt|husleiekontrakt",
            "files": [SimpleUploadedFile("kontrakt.pdf", corpus.too_large(3 * 1024 * 1024))],
        },
        follow=True,
    )
    assert "kontrakt.pdf: Filen er større enn 1 MB." in response.content.decode()
    assert not application.folder.documents.exists()


def test_the_application_pdf_is_pdf_a_in_bokmal_and_stored_encrypted(
    client, citizen_of, reference_data, document_settings, tmp_path
):
    import io

    import pikepdf

    from digisos.documents.selectors import decrypted_pdf

    user = citizen_of("familie-bergen")
    client.force_login(user)
    client.cookies["digisos_language"] = "en"  # the person used English; the caseworker reads bokmål
    client.post(reverse("application:new"))
    application = Application.objects.get(owner=user)
    walk_through(client, application)
    client.post(reverse("application:send", args=[application.id]))
    application.refresh_from_db()
    pdf_bytes = decrypted_pdf(application.pdf)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
        (intent,) = pdf.Root.OutputIntents  # PDF/A needs the colour space it was made for: sRGB
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        assert len(pdf.pages) >= 2
        fonts = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }
        assert fonts and all("+" in name for name in fonts)  # every font embedded as a subset
    assert application.pdf.folder_id == application.folder_id
    assert application.pdf.original_name == f"Soknad-{application.reference}.pdf"
    # The text is bokmål whatever language the person used: every step's heading in bokmål, none in
    # English (the title in the document info is fixed in the template and proves nothing on its own).
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert "Søknad om økonomisk sosialhjelp" in str(pdf.docinfo.get("/Title"))
    text = _pdf_text(pdf_bytes, tmp_path)
    headings = [step.title for step in steps_of(short=False) if step.form is not None]
    with translation.override("nb"):
        in_bokmal = [str(title) for title in headings]
    with translation.override("en"):
        in_english = [str(title) for title in headings]
    assert in_bokmal != in_english, "the English catalogue has no step headings to tell the languages apart"
    for bokmal, english in zip(in_bokmal, in_english, strict=True):
        assert bokmal in text, f"bokmål heading {bokmal!r} missing from the PDF"
        if english != bokmal:
            assert english not in text, f"English heading {english!r} in the PDF"


def _pdf_text(pdf_bytes: bytes, tmp_path) -> str:
    """The PDF's text as a reader sees it (pdftotext, from poppler-utils)."""
    path = tmp_path / "soknad.pdf"
    path.write_bytes(pdf_bytes)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())  # a heading may wrap over two lines
