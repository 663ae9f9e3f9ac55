"""The citizen's start page: who you are, which NAV office gets your application, whether you can apply."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digisos.application.models import Application
from digisos.application.selectors import start_page_for_citizen
from digisos.registers.selectors import list_demo_personas
from tests.documents import corpus
from tests.factories import ANSWERS, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pid(key: str) -> str:
    return next(persona.pid for persona in list_demo_personas() if persona.key == key)


def _log_in(client, key: str):
    user = get_user_model().objects.create(username=f"citizen-{key}", kind="citizen", pid=_pid(key))
    client.force_login(user)
    return user


def test_a_renter_in_oslo_is_routed_by_district_and_can_apply_digitally(reference_data):
    page = start_page_for_citizen(_pid("kari-leier-oslo"))

    assert page.gate == "ok"
    assert page.routing.outcome == "found"
    assert "Grünerløkka" in page.routing.office.name
    assert page.routing.municipality.kommunenummer == "0301"
    assert page.status.outcome == "digital_with_innsyn"


def test_a_student_in_trondheim_gets_status_by_letter(reference_data):
    page = start_page_for_citizen(_pid("ola-student-trondheim"))

    assert page.gate == "ok"
    assert page.routing.municipality.kommunenummer == "5001"
    assert page.status.outcome == "digital_status_by_letter"


def test_no_registered_address_gets_a_clear_answer_not_a_guess(reference_data):
    page = start_page_for_citizen(_pid("uten-adresse"))

    assert page.gate == "ok"
    assert page.routing.outcome == "no_address"
    assert page.routing.office is None
    assert page.status is None


@pytest.mark.parametrize("key", ["fortrolig-adresse", "strengt-fortrolig"])
def test_address_protection_stops_routing_and_hides_the_address(reference_data, client, key):
    page = start_page_for_citizen(_pid(key))
    assert page.gate == "address_protection"
    assert page.routing is None

    _log_in(client, key)
    html = client.get("/").content.decode()
    assert "Du har adressebeskyttelse" in html
    assert 'data-testid="nav-office"' not in html
    address = page.person.bostedsadresse
    if address is not None:
        assert address.street_name not in html
        assert address.postnummer not in html


def test_under_18_cannot_apply_digitally(reference_data):
    assert start_page_for_citizen(_pid("under-18")).gate == "under_18"


def test_a_pid_missing_from_the_folkeregister_is_told_so(reference_data, client):
    assert start_page_for_citizen("01817099993").gate == "not_found"


def test_logged_in_citizen_sees_name_office_and_municipality_status(reference_data, client):
    _log_in(client, "kari-leier-oslo")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hei, Kari Nordmann" in html
    assert "Grünerløkka" in html
    assert 'data-outcome="digital_with_innsyn"' in html
    assert _pid("kari-leier-oslo") not in html


def test_anonymous_visitor_is_offered_login(client):
    html = client.get("/").content.decode()
    assert "Logg inn med ID-porten" in html


def test_start_page_query_count_is_small_and_does_not_grow_with_applications(
    reference_data, client, django_assert_num_queries, document_settings
):
    from digisos.accounts.models import User
    from digisos.application import services

    _log_in(client, "familie-bergen")
    # The first visit also saves the register facts in the session (savepoint, update, release).
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
    user = User.objects.get(pid__isnull=False)
    for _ in range(5):
        services.start_application(user=user)
    # Session, user, the applications, the office and the municipality's flags: five, however many.
    with django_assert_num_queries(5):
        html = client.get("/").content.decode()
    assert html.count("Søknad påbegynt") >= 5


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("nb", "Søk om økonomisk sosialhjelp"),
        ("nn", "Søk om økonomisk sosialhjelp"),
        ("en", "Apply for financial assistance"),
    ],
)
def test_start_page_in_three_languages(client, language, heading):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    assert heading in html
    assert f'<html lang="{language}">' in html
    if language == "nn":
        assert "Hopp til hovudinnhald" in html


def _resumed_at(client, owner) -> str:
    """The step that "Fortsett der du slapp" on the start page opens (its link, followed)."""
    client.force_login(owner)
    html = client.get(reverse("application:start")).content.decode()
    drafts = html[html.index('data-testid="drafts"') :]
    link = re.search(r'href="([^"]+)"', drafts).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0] if response.redirect_chain else link


def _steps(*slugs: str) -> dict:
    return {slug: ANSWERS[slug] for slug in slugs}


@pytest.mark.parametrize(
    ("saved", "opens"),
    [
        # Came to step 6: the first five are saved.
        (("personalia", "behov", "arbeid-og-utdanning", "familie", "bosituasjon"), "inntekt-og-formue"),
        # A later step saved, an earlier one not (jumped ahead in the list of steps): the one still missing.
        (("personalia", "behov", "familie", "bosituasjon"), "arbeid-og-utdanning"),
        # Every step with a form: the documents.
        (tuple(ANSWERS), "dokumentasjon"),
    ],
)
def test_resuming_a_draft_opens_the_first_step_not_done(client, reference_data, saved, opens):
    owner = UserFactory(persona="kari-leier-oslo")
    draft = ApplicationFactory(owner=owner, answers=_steps(*saved), upload=False)
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, opens])


def test_resuming_a_draft_whose_address_found_no_office_opens_the_address(client, reference_data):
    """The address step is saved even when the address leads to no NAV office (Svalbard): it is not done, and
    nothing can be sent until it is."""
    owner = UserFactory(persona="kari-leier-oslo")
    nowhere = {
        "adresse_valg": "soknad",
        "gatenavn": "Storgata 1",
        "postnummer": "9170",
        "telefon": "91234567",
    }
    draft = ApplicationFactory(owner=owner, answers={**_steps(*ANSWERS), "personalia": nowhere}, upload=False)
    assert not draft.enhetsnummer
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, "personalia"])


SIX_STEPS = ("personalia", "behov", "arbeid-og-utdanning", "familie", "bosituasjon", "inntekt-og-formue")


@pytest.mark.parametrize(
    ("saved", "paused", "opens"),
    [
        # "Lagre og fortsett senere" on step 6, which was saved: step 6 again, not step 7.
        (SIX_STEPS, "inntekt-og-formue", "inntekt-og-formue"),
        # Paused on step 6, but step 3 was never saved: step 3 first.
        (
            tuple(s for s in SIX_STEPS if s != "arbeid-og-utdanning"),
            "inntekt-og-formue",
            "arbeid-og-utdanning",
        ),
    ],
)
def test_resuming_a_draft_paused_on_a_step_opens_that_step(client, reference_data, saved, paused, opens):
    owner = UserFactory(persona="kari-leier-oslo")
    draft = ApplicationFactory(owner=owner, answers=_steps(*saved), upload=False)
    Application.objects.filter(pk=draft.pk).update(paused_step=paused)
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, opens])


def test_save_and_continue_later_is_where_the_draft_resumes_and_going_on_forgets_it(client, reference_data):
    owner = UserFactory(persona="kari-leier-oslo")
    draft = ApplicationFactory(owner=owner, answers=_steps("personalia", "behov"), upload=False)
    client.force_login(owner)
    later = {**ANSWERS["arbeid-og-utdanning"], "later": ""}
    response = client.post(reverse("application:step", args=[draft.id, "arbeid-og-utdanning"]), later)
    assert response["Location"] == reverse("application:start")
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, "arbeid-og-utdanning"])
    going_on = {**ANSWERS["arbeid-og-utdanning"], "next": ""}
    client.post(reverse("application:step", args=[draft.id, "arbeid-og-utdanning"]), going_on)
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, "familie"])


def test_a_draft_left_after_an_upload_opens_on_the_documents(client, reference_data, document_settings):
    """An upload saves the documentation step's amounts (so it counts as done), but more documents may follow:
    the draft opens there, not on the summary."""
    owner = UserFactory(persona="kari-leier-oslo")
    draft = ApplicationFactory(owner=owner, upload=False)
    client.force_login(owner)
    response = client.post(
        reverse("application:upload", args=[draft.id]),
        {
            "with_amounts": "1",
            "upload": "husleiekontrakt|husleiekontrakt",
            "files": [SimpleUploadedFile("kontrakt.pdf", corpus.pdf())],
        },
    )
    assert response.status_code == 302
    assert "dokumentasjon" in Application.objects.get(pk=draft.pk).answers
    assert _resumed_at(client, owner) == reverse("application:step", args=[draft.id, "dokumentasjon"])
