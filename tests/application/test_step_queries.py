"""What a step costs in database statements: every step page and every saved step is the application's
busiest request (bench/run.py's steps part), so its statements are counted here and must not grow."""

import pytest
from django.urls import reverse

from digisos.application.models import Application
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

STEP_SLUGS = (
    "personalia",
    "behov",
    "arbeid-og-utdanning",
    "familie",
    "bosituasjon",
    "inntekt-og-formue",
    "utgifter",
)


@pytest.fixture
def draft(reference_data, client) -> Application:
    application = ApplicationFactory(upload=False)
    client.force_login(application.owner)
    client.get(reverse("application:step", args=[application.id, "behov"]))  # the session's idle refresh
    return application


@pytest.mark.parametrize("slug", [s for s in STEP_SLUGS if s != "personalia"])
def test_a_step_page_reads_the_session_the_user_and_the_draft_with_its_municipality(
    client, draft, django_assert_num_queries, slug
):
    # The draft and its municipality's service flags (is the step blocked?) in one statement.
    with django_assert_num_queries(3):
        response = client.get(reverse("application:step", args=[draft.id, slug]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_the_personalia_step_also_reads_the_municipalitys_offices(client, draft, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get(reverse("application:step", args=[draft.id, "personalia"]))
    assert response.status_code == 200
    assert "Velg Nav-kontor" in response.content.decode()


def test_a_saved_step_locks_the_draft_once_and_writes_it_once(client, draft, django_assert_num_queries):
    url = reverse("application:step", args=[draft.id, "behov"])
    # Session, user, the draft read and locked in one statement, its UPDATE; the savepoint around them (a
    # transaction in production). No second read of the draft, and no look for uploads to drop when it has none.
    with django_assert_num_queries(6) as captured:
        response = client.post(url, {"hva": "Penger til strøm", "hvorfor": "", "nodhjelp": "mat"})
    assert response.status_code == 302
    statements = [q["sql"] for q in captured.captured_queries]
    assert sum("FOR UPDATE" in sql for sql in statements) == 1, statements
    assert sum(sql.startswith("UPDATE") for sql in statements) == 1, statements
    draft.refresh_from_db()
    assert draft.answers["behov"]["hva"] == "Penger til strøm"


def test_a_step_with_an_error_saves_nothing_and_says_what_to_do(client, draft):
    before = draft.answers["personalia"]
    response = client.post(
        reverse("application:step", args=[draft.id, "personalia"]),
        {"adresse_valg": "folkeregistrert", "telefon": "123"},
    )
    assert response.status_code == 200
    assert "Skriv et norsk telefonnummer med 8 siffer" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers["personalia"] == before


def test_someone_elses_draft_is_not_found_and_not_saved(client, draft, citizen_of):
    client.force_login(citizen_of("kari-leier-oslo"))
    url = reverse("application:step", args=[draft.id, "behov"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"hva": "Noe annet", "nodhjelp": "mat"}).status_code == 404
    draft.refresh_from_db()
    assert draft.answers["behov"]["hva"] == "Penger til mat og husleie"
