"""The idle limit is kept without writing the session on every request."""

import time

import pytest
from django.contrib.sessions.models import Session

from digisos.accounts.models import User

pytestmark = pytest.mark.django_db


def test_session_expiry_moves_at_most_once_per_refresh_interval(client, settings):
    settings.SESSION_REFRESH_SECONDS = 300
    client.force_login(User.objects.create(username="citizen-x", kind=User.Kind.CITIZEN, pid="14839110090"))
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    client.get("/")
    assert Session.objects.get(pk=key).expire_date == first  # no write inside the interval

    session = client.session
    session["_refreshed_at"] = int(time.time()) - 301
    session.save()
    written = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    client.get("/")
    assert Session.objects.get(pk=key).expire_date > written  # moved forward after the interval
