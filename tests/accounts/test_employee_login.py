"""Employee login: roles from the token become groups; only operators reach the admin."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from digisos.accounts.models import User

pytestmark = pytest.mark.django_db


def _log_in_as(client, sub: str, next_url: str = "/") -> None:
    authorize = client.get("/auth/ansatt/login/", {"next": next_url})["Location"]
    page = requests.get(authorize, timeout=10)
    assert "Velg testansatt" in page.text
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    callback = urlsplit(answer.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302, response.content.decode()


def _groups(sub: str) -> list[str]:
    user = get_user_model().objects.get(username=f"employee-{sub}")
    return sorted(user.groups.values_list("name", flat=True))


def test_operator_gets_the_operator_group_and_reaches_the_admin(client, idporten_settings, reference_data):
    _log_in_as(client, "ole-operator", "/admin/")
    assert _groups("ole-operator") == ["operator"]
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/municipalities/serviceconfiguration/0301/change/").status_code == 200


def test_veileder_is_kept_out_of_the_admin(client, idporten_settings):
    _log_in_as(client, "vera-veileder")
    assert _groups("vera-veileder") == ["veileder"]
    user = get_user_model().objects.get(username="employee-vera-veileder")
    assert not user.is_staff
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


def test_admin_sends_anonymous_visitors_to_the_employee_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/auth/ansatt/login/") or any(
        "/auth/ansatt/login/" in url for url, _ in response.redirect_chain
    )


def test_groups_follow_the_roles_at_every_login(client, idporten_settings, local_idporten):
    _log_in_as(client, "sara-saksbehandler")
    assert _groups("sara-saksbehandler") == ["kommune_saksbehandler"]
    # Her municipality comes from the token: it decides whose documents she may read.
    assert User.objects.get(username="employee-sara-saksbehandler").municipality_id == "0301"
    # The provider now says Sara is an analyst only (the mock's user API changes her claims).
    sara = {"name": "Sara Saksbehandler", "roles": ["kommune_saksbehandler"], "municipality": "0301"}
    requests.put(
        f"{local_idporten}/users/sara-saksbehandler", json={**sara, "roles": ["analyst"]}, timeout=10
    ).raise_for_status()
    try:
        client.logout()
        _log_in_as(client, "sara-saksbehandler")
        assert _groups("sara-saksbehandler") == ["analyst"]
    finally:
        # The provider lives for the whole session; later tests log in as the real Sara.
        requests.put(f"{local_idporten}/users/sara-saksbehandler", json=sara, timeout=10).raise_for_status()


def test_an_employee_without_a_known_role_is_refused(client, idporten_settings, local_idporten):
    requests.put(
        f"{local_idporten}/users/uten-rolle", json={"name": "Uten Rolle", "roles": ["kantine"]}, timeout=10
    ).raise_for_status()
    authorize = client.get("/auth/ansatt/login/")["Location"]
    answer = requests.post(authorize, data={"sub": "uten-rolle"}, allow_redirects=False, timeout=10)
    callback = urlsplit(answer.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 403
    assert "ingen rolle" in response.content.decode()


@pytest.mark.parametrize(
    ("claimed", "stored"), [("0301", "0301"), ("9999", None), ("oslo", None), ("", None)]
)
def test_the_token_municipality_is_kept_only_if_the_register_has_it(reference_data, claimed, stored):
    # User.municipality is a foreign key: a number the register lacks would break the login, so it is
    # treated as no municipality, as a malformed one always was.
    from digisos.accounts.services import employee_from_claims

    user = employee_from_claims({"sub": "kari", "roles": ["kommune_saksbehandler"], "municipality": claimed})

    assert User.objects.get(pk=user.pk).municipality_id == stored
