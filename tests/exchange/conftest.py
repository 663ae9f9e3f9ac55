# --- Manual inbox (tests/exchange/test_inbox.py, tests/browser/test_inbox_journey.py) ---------------------

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.registers.adapters.local import load_population


def citizen(key: str) -> User:
    pid = next(p["pid"] for p in load_population().values() if p["key"] == key)
    user, _ = User.objects.get_or_create(
        username=f"citizen-{key}", defaults={"kind": User.Kind.CITIZEN, "pid": pid}
    )
    return user


def caseworker(kommunenummer: str, username: str = "sara") -> User:
    """A municipal caseworker as the employee login makes one: kind, municipality and role group."""
    user, _ = User.objects.get_or_create(
        username=username, defaults={"kind": User.Kind.EMPLOYEE, "municipality": kommunenummer}
    )
    user.groups.add(Group.objects.get_or_create(name=MUNICIPAL_CASEWORKER_ROLE)[0])
    return user


def send_application(key: str, *, upload: bool = True) -> Application:
    """The persona applies over HTTP (its own test client) with the standard answers, and sends."""
    from tests.application.test_application_flow import upload_rental_contract, walk_through

    client = Client()
    user = citizen(key)
    client.force_login(user)
    assert client.post(reverse("application:new")).status_code == 302
    application = Application.objects.filter(owner=user).latest("created_at")
    walk_through(client, application)
    if upload:
        upload_rental_contract(client, application)
    response = client.post(reverse("application:send", args=[application.id]))
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    return application


@pytest.fixture
def sent_application(django_capture_on_commit_callbacks):
    """Sends and runs the delivery task (enqueued on commit) right away: a Case and an available Delivery."""

    def make(key: str = "kari-leier-oslo", *, upload: bool = True) -> Application:
        with django_capture_on_commit_callbacks(execute=True):
            return send_application(key, upload=upload)

    return make
