"""The application open in two tabs, sent in one: what the other tab then saves is not dropped without a word.

Tab A still shows a step; tab B has sent the application. Tab A's next save ("Neste steg", "Lagre og fortsett
senere", an upload on the documentation step) changes nothing (the sent application is the case's, and a
second application is never made from it), and says so: sent when, what was not added, and where to send it
instead. Sending twice (a double click) still gives the receipt (test_application_rules)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.application import services
from digisos.application.models import Application
from digisos.documents.models import Document
from digisos.exchange.models import Case
from tests.documents import corpus
from tests.factories import ANSWERS, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGED = {**ANSWERS, "behov": {**ANSWERS["behov"], "hvorfor": "Jeg fikk en regning jeg ikke kan betale"}}


@pytest.fixture
def sent(client, reference_data, document_settings) -> Application:
    owner = UserFactory(persona="kari-leier-oslo")
    client.force_login(owner)
    return ApplicationFactory(owner=owner, sent=True, upload=False)


def _stored(application: Application) -> tuple:
    row = Application.objects.get(pk=application.pk)
    return row.answers, row.updated_at, row.soknad_json, row.vedlegg_json, row.status


def _says_it_was_sent(response, application: Application) -> str:
    html = response.content.decode()
    assert response.status_code == 409, html[:2000]
    assert "Søknaden er allerede sendt" in html
    sent_at = timezone.localtime(application.sent_at)
    assert f"{sent_at:%H.%M}" in html and application.reference in html
    assert "ble ikke lagt til" in html
    case = Case.objects.get(application=application)
    assert f'href="{reverse("innsyn:case", args=[case.id])}"' in html
    assert "55 55 33 33" in html
    return html


@pytest.mark.parametrize("button", ["next", "later", "previous"])
@pytest.mark.parametrize("slug", [slug for slug in ANSWERS if slug != "personalia"])
def test_a_step_saved_after_the_application_was_sent_says_so_and_changes_nothing(client, sent, slug, button):
    before = _stored(sent)
    response = client.post(reverse("application:step", args=[sent.id, slug]), {**CHANGED[slug], button: ""})
    html = _says_it_was_sent(response, sent)
    if slug == "behov":  # what was typed is shown, to copy into what is sent instead
        assert "Jeg fikk en regning jeg ikke kan betale" in html
    assert _stored(sent) == before
    assert Application.objects.count() == 1 and Case.objects.count() == 1


def test_the_address_step_saved_after_the_application_was_sent_says_so(client, sent):
    before = _stored(sent)
    posted = {
        "adresse_valg": "soknad",
        "gatenavn": "Storgata 5B",
        "postnummer": "0155",
        "telefon": "91234567",
    }
    response = client.post(reverse("application:step", args=[sent.id, "personalia"]), posted)
    _says_it_was_sent(response, sent)
    assert _stored(sent) == before and Application.objects.count() == 1


def test_the_documentation_step_saved_after_the_application_was_sent_says_so(client, sent):
    before = _stored(sent)
    for button in ("next", "later"):
        response = client.post(
            reverse("application:step", args=[sent.id, "dokumentasjon"]), {"r1_belop": "4500", button: ""}
        )
        _says_it_was_sent(response, sent)
    assert _stored(sent) == before and Application.objects.count() == 1


def test_an_upload_after_the_application_was_sent_says_so_and_stores_nothing(client, sent):
    before = _stored(sent)
    documents = Document.objects.count()
    response = client.post(
        reverse("application:upload", args=[sent.id]),
        {
            "with_amounts": "1",
            "upload": "husleiekontrakt|husleiekontrakt",
            "files-0": [SimpleUploadedFile("kontrakt.pdf", corpus.pdf())],
        },
    )
    html = _says_it_was_sent(response, sent)
    assert "kontrakt.pdf" in html  # which file was not sent with it
    assert _stored(sent) == before
    assert Document.objects.count() == documents and Application.objects.count() == 1


def test_sending_again_still_gives_the_receipt(client, sent):
    """A double click on "Send søknaden": the receipt, not this page (nor an error)."""
    response = client.post(reverse("application:send", args=[sent.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("application:receipt", args=[sent.id])
    assert Application.objects.count() == 1 and Case.objects.count() == 1


def test_someone_elses_application_is_still_not_found(client, sent, citizen_of):
    client.force_login(citizen_of("ola-student-trondheim"))
    response = client.post(reverse("application:step", args=[sent.id, "behov"]), CHANGED["behov"])
    assert response.status_code == 404
    assert client.post(reverse("application:upload", args=[sent.id]), {}).status_code == 404


def test_saving_a_step_of_a_sent_application_raises_and_stores_nothing(sent):
    """The service's own answer (a step read as a draft, then sent before the save took its lock): it does
    not return as if saved."""
    before = _stored(sent)
    with pytest.raises(services.AlreadySent) as raised:
        services.save_step(application=sent, step="behov", answers={"hva": "Noe annet"})
    assert raised.value.application.pk == sent.pk
    assert _stored(sent) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_deleting_an_application_sent_in_another_tab_says_it_was_sent_and_deletes_nothing(
    client, sent, method
):
    """ "Slett søknaden" in the tab still showing a step, after the other tab sent it: the page says it was sent
    and cannot be deleted, and where to go on (it was a 404, and a confirmed delete went to the start page as if
    the application were gone)."""
    before = _stored(sent)
    response = getattr(client, method)(reverse("application:delete", args=[sent.id]))
    html = response.content.decode()
    assert response.status_code == 409, html[:2000]
    assert "Søknaden er allerede sendt" in html and "kan ikke slettes" in html
    assert sent.reference in html and "ble ikke lagt til" not in html
    assert "Vil du trekke søknaden, ring Nav på 55 55 33 33" in html
    case = Case.objects.get(application=sent)
    assert f'href="{reverse("innsyn:case", args=[case.id])}"' in html
    assert _stored(sent) == before and Case.objects.count() == 1


def test_deleting_a_sent_application_raises_and_deletes_nothing(sent):
    """The service's own answer (the delete confirmed on a draft, then sent before the delete took its lock):
    it does not return as if deleted."""
    before = _stored(sent)
    with pytest.raises(services.AlreadySent) as raised:
        services.delete_draft(actor=sent.owner, application=sent)
    assert raised.value.application.pk == sent.pk
    assert _stored(sent) == before and Case.objects.count() == 1
