# --- Manual inbox (tests/inbox/, tests/browser/test_inbox_journey.py, tests/core/test_cache_control.py) ----------

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from tests.fixtures.exchange import apply
from tests.fixtures.personas import citizen


def caseworker(kommunenummer: str, username: str = "sara") -> User:
    """A municipal caseworker as the employee login makes one: kind, municipality and role group."""
    user, _ = User.objects.get_or_create(
        username=username, defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": kommunenummer}
    )
    user.groups.add(Group.objects.get_or_create(name=MUNICIPAL_CASEWORKER_ROLE)[0])
    return user


def send_application(key: str, *, upload: bool = True) -> Application:
    """The persona applies over HTTP (its own test client) with the standard answers, and sends."""
    return apply(Client(), citizen(key), upload=upload)


@pytest.fixture
def sent_application(django_capture_on_commit_callbacks):
    """Sends and runs the delivery task (enqueued on commit) right away: a Case and an available Delivery."""

    def make(key: str = "kari-leier-oslo", *, upload: bool = True) -> Application:
        with django_capture_on_commit_callbacks(execute=True):
            return send_application(key, upload=upload)

    return make
