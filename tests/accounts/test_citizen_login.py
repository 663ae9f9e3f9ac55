"""Citizen login against the real local ID-porten process: the happy path and every way it can fail."""

import re
from html.parser import HTMLParser
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


class _Forms(HTMLParser):
    """The forms of a page: action, method, hidden fields and button texts; and every URL the page names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "action")]
        if tag == "form":
            self.forms.append(
                {"action": attributes.get("action"), "method": attributes.get("method"), "fields": {}}
            )
        elif tag == "input" and self.forms and attributes.get("type") == "hidden":
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")


def _forms(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def test_logout_ends_the_session_here_and_posts_to_the_provider(client, idporten_settings):
    client.get(_callback_path(_choose_at_provider(_authorize_url(client), "kari-leier-oslo")))
    id_token = client.session["oidc_id_token"]

    response = client.post("/auth/logout/")

    assert "_auth_user_id" not in client.session
    # The ID token carries the fødselsnummer: it goes to the provider in a form POST, never in a URL that
    # the provider's access log, the browser history or a Referer header would keep.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    page = _forms(html)
    assert not any(id_token in url for url in page.urls)
    assert "Location" not in response
    form = next(f for f in page.forms if f["action"].endswith("/oauth2/end_session"))
    assert form["method"] == "post"
    assert f"{urlsplit(form['action']).scheme}://{urlsplit(form['action']).netloc}" == idporten_settings
    assert form["fields"]["id_token_hint"] == id_token
    assert form["fields"]["post_logout_redirect_uri"].endswith("/auth/logget-ut/")
    assert "Fortsett utlogging" in html  # works without JavaScript
    assert re.search(r'<script src="[^"]*/accounts/logout\.js"', html)  # a file, so the CSP allows it
    back = requests.post(form["action"], data=form["fields"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert back.headers["Location"].endswith("/auth/logget-ut/")


def test_logout_with_the_provider_down_still_ends_the_session_here(client, settings):
    settings.IDPORTEN = {**settings.IDPORTEN, "ISSUER": "http://127.0.0.1:9"}  # nothing listens there
    client.force_login(get_user_model().objects.create(username="citizen-x", kind="citizen", pid=KARI_PID))
    session = client.session
    session["oidc_id_token"] = "a.b.c"
    session.save()

    response = client.post("/auth/logout/")

    assert response.status_code == 302
    assert response["Location"].endswith("/auth/logget-ut/")
    assert "_auth_user_id" not in client.session and "oidc_id_token" not in client.session


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
