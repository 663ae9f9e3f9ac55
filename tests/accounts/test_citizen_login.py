"""Citizen login against the real local ID-porten process: the happy path and every way it can fail."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from digisos.core.metrics import LOGIN_FAILURES
from digisos.core.models import AuditEntry

pytestmark = pytest.mark.django_db

KARI_PID = "14839110090"


def _authorize_url(client) -> str:
    response = client.get("/auth/login/", {"next": "/kommuner/"})
    assert response.status_code == 302
    return response["Location"]


def _choose_at_provider(authorize_url: str, sub: str) -> str:
    """Does what the person does on the provider's page: picks a person and presses «Logg inn»."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200
    assert "Velg testperson" in page.text
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def _callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def _failures(reason: str) -> float:
    return LOGIN_FAILURES.labels(client="citizen", reason=reason)._value.get()


def test_authorize_request_follows_idporten_conventions(client, idporten_settings):
    query = parse_qs(urlsplit(_authorize_url(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"][0])
    assert query["acr_values"] == ["idporten-loa-high"]
    assert query["nonce"][0] and query["state"][0]
    assert query["scope"] == ["openid profile"]


def test_login_as_a_persona_creates_the_citizen_and_goes_on(client, idporten_settings):
    location = _choose_at_provider(_authorize_url(client), "kari-leier-oslo")

    response = client.get(_callback_path(location))

    assert response.status_code == 302
    assert response["Location"] == "/kommuner/"
    user = get_user_model().objects.get(pid=KARI_PID)
    assert user.kind == "citizen"
    assert KARI_PID not in user.username
    assert user.first_name == "Kari"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="citizen.login", object_id=str(user.pk)).exists()
    assert "Hei, Kari Nordmann" in client.get("/").content.decode()


def test_a_second_login_finds_the_same_citizen(client, idporten_settings):
    for _ in range(2):
        client.get(_callback_path(_choose_at_provider(_authorize_url(client), "kari-leier-oslo")))
    assert get_user_model().objects.filter(pid=KARI_PID).count() == 1


def test_wrong_state_ends_on_a_clear_page(client, idporten_settings):
    location = _choose_at_provider(_authorize_url(client), "kari-leier-oslo")
    before = _failures("wrong_state")
    tampered = re.sub(r"state=[^&]+", "state=forged", _callback_path(location))

    response = client.get(tampered)

    assert response.status_code == 400
    assert "Innloggingen mislyktes" in response.content.decode()
    assert _failures("wrong_state") == before + 1
    assert "_auth_user_id" not in client.session


def test_provider_error_ends_on_a_clear_page(client, idporten_settings):
    authorize_url = _authorize_url(client)
    denied = requests.post(authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=10)
    response = client.get(_callback_path(denied.headers["Location"]))
    assert response.status_code == 400
    assert 'data-reason="provider_error"' in response.content.decode()


def test_a_used_code_cannot_be_used_again(client, idporten_settings, django_user_model):
    location = _choose_at_provider(_authorize_url(client), "kari-leier-oslo")
    client.get(_callback_path(location))
    client.logout()
    # Replay: a fresh login attempt (new state in the session) with the old, spent code.
    state = parse_qs(urlsplit(_authorize_url(client)).query)["state"][0]
    code = parse_qs(urlsplit(location).query)["code"][0]
    before = _failures("invalid_code")

    response = client.get("/auth/callback/", {"code": code, "state": state})

    assert response.status_code == 400
    assert _failures("invalid_code") == before + 1


def test_too_low_level_of_assurance_is_refused(client, idporten_settings):
    location = _choose_at_provider(_authorize_url(client), "kari-leier-oslo.lavt-niva")
    response = client.get(_callback_path(location))
    assert response.status_code == 403
    assert "for lavt sikkerhetsnivå" in response.content.decode()
    assert not get_user_model().objects.filter(pid=KARI_PID).exists()


def test_an_invalid_pid_is_refused(client, idporten_settings):
    location = _choose_at_provider(_authorize_url(client), "test-ugyldig-fodselsnummer")
    response = client.get(_callback_path(location))
    assert response.status_code == 403
    assert 'data-reason="invalid_pid"' in response.content.decode()


def test_a_synthetic_pid_is_refused_when_synthetic_numbers_are_off(client, idporten_settings, settings):
    settings.ALLOW_SYNTHETIC_IDENTITY_NUMBERS = False
    location = _choose_at_provider(_authorize_url(client), "kari-leier-oslo")
    assert client.get(_callback_path(location)).status_code == 403


def test_a_person_missing_from_the_register_is_told_so_after_login(client, idporten_settings):
    location = _choose_at_provider(_authorize_url(client), "test-ukjent-person")
    assert client.get(_callback_path(location)).status_code == 302
    assert "Vi fant deg ikke i Folkeregisteret" in client.get("/").content.decode()


def test_provider_down_ends_on_a_clear_page(client, settings):
    settings.IDPORTEN = {**settings.IDPORTEN, "ISSUER": "http://127.0.0.1:9"}
    before = _failures("provider_unavailable")
    response = client.get("/auth/login/")
    assert response.status_code == 502
    assert "svarer ikke" in response.content.decode()
    assert _failures("provider_unavailable") == before + 1


def test_logout_ends_the_session_here_and_at_the_provider(client, idporten_settings):
    client.get(_callback_path(_choose_at_provider(_authorize_url(client), "kari-leier-oslo")))

    response = client.post("/auth/logout/")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}" == idporten_settings
    assert target.path == "/oauth2/end_session"
    query = parse_qs(target.query)
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"][0].endswith("/auth/logget-ut/")
    assert "_auth_user_id" not in client.session
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.headers["Location"].endswith("/auth/logget-ut/")


def test_logout_needs_post(client):
    assert client.get("/auth/logout/").status_code == 405


def test_session_ends_after_the_idle_limit(client, settings):
    user = get_user_model().objects.create(username="citizen-x", kind="citizen", pid=KARI_PID)
    client.force_login(user)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 3600
    session = client.session
    session.set_expiry(-1)  # as if 60 idle minutes had passed
    session.save()
    assert "Logg inn med ID-porten" in client.get("/").content.decode()
