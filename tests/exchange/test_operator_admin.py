"""Operators' changes to a municipality's connection (the case system's key, municipality and scopes; the
receiving certificate deliveries are encrypted to) are audited with before and after, as the service flags
are; the keys appear as SHA-256 fingerprints, never as PEM. What cannot be read is refused with a plain error."""

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.core.management import call_command

from digisos.core.models import AuditEntry
from digisos.exchange.keys import generate_municipality_keys
from digisos.exchange.models import ApiClient, Receiver

# Receivers and clients name a municipality of the register.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("ole", kind="employee")
    client.force_login(user)
    return user


@pytest.fixture
def other_keys(tmp_path):
    certificate, public_key = generate_municipality_keys(tmp_path / "ny")
    return certificate.read_text(), public_key.read_text()


def certificate_fingerprint(pem: str) -> str:
    return hashlib.sha256(
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    ).hexdigest()


def key_fingerprint(pem: str) -> str:
    der = serialization.load_pem_public_key(pem.encode()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def client_form(client: ApiClient, **changes) -> dict:
    form = {
        "client_id": client.client_id,
        "municipality": client.municipality_id,
        "name": client.name,
        "public_key_pem": client.public_key_pem,
        "scopes": client.scopes,
        "active": "on" if client.active else "",
        **changes,
    }
    return {name: value for name, value in form.items() if value != ""}


def receiver_form(receiver: Receiver, **changes) -> dict:
    form = {
        "municipality": receiver.municipality_id,
        "channel": receiver.channel,
        "certificate_pem": receiver.certificate_pem,
        "inbox_email": receiver.inbox_email,
        **changes,
    }
    return form


def test_a_case_systems_key_municipality_and_scopes_changed_in_admin_are_audited(
    client, operator, connected, other_keys
):
    api_client = ApiClient.objects.get(client_id="test-fagsystem-4601")
    old_key = api_client.public_key_pem
    form = client_form(
        api_client, public_key_pem=other_keys[1], municipality="5501", scopes="exchange:collect"
    )

    response = client.post(f"/admin/exchange/apiclient/{api_client.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    api_client.refresh_from_db()
    assert (api_client.municipality_id, api_client.scopes) == ("5501", "exchange:collect")
    entry = AuditEntry.objects.filter(action="exchange.client_changed").latest("pk")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        "ole",
        "exchange.ApiClient",
        "test-fagsystem-4601",
    )
    assert entry.before == {
        "kommunenummer": "4601",
        "scopes": "exchange:collect exchange:report",
        "public_key_sha256": key_fingerprint(old_key),
    }
    assert entry.after == {
        "kommunenummer": "5501",
        "scopes": "exchange:collect",
        "public_key_sha256": key_fingerprint(other_keys[1]),
    }
    assert "BEGIN" not in str(entry.before) + str(entry.after)


def test_saving_a_case_system_unchanged_writes_no_audit_entry(client, operator, connected):
    api_client = ApiClient.objects.get(client_id="test-fagsystem-4601")
    before = AuditEntry.objects.count()
    response = client.post(f"/admin/exchange/apiclient/{api_client.pk}/change/", client_form(api_client))
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


def test_a_receiving_certificate_changed_in_admin_is_audited(client, operator, connected, other_keys):
    receiver = Receiver.objects.get(pk="4601")
    old_certificate = receiver.certificate_pem

    response = client.post(
        "/admin/exchange/receiver/4601/change/", receiver_form(receiver, certificate_pem=other_keys[0])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    receiver.refresh_from_db()
    assert receiver.certificate_pem == other_keys[0]
    entry = AuditEntry.objects.filter(action="exchange.receiver_changed").latest("pk")
    assert (entry.actor, entry.object_type, entry.object_id) == ("ole", "exchange.Receiver", "4601")
    assert entry.before == {"certificate_sha256": certificate_fingerprint(old_certificate)}
    assert entry.after == {"certificate_sha256": certificate_fingerprint(other_keys[0])}


def test_a_receiver_added_in_admin_is_audited(client, operator, other_keys):
    response = client.post(
        "/admin/exchange/receiver/add/",
        {"municipality": "1103", "channel": "api", "certificate_pem": other_keys[0], "inbox_email": ""},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.filter(object_type="exchange.Receiver", object_id="1103").latest("pk")
    assert entry.actor == "ole"
    assert entry.before is None
    assert entry.after == {
        "channel": "api",
        "inbox_email": "",
        "certificate_sha256": certificate_fingerprint(other_keys[0]),
    }


def test_a_case_system_added_in_admin_gets_its_user_and_is_audited(client, operator, other_keys):
    response = client.post(
        "/admin/exchange/apiclient/add/",
        {
            "client_id": "nytt-fagsystem",
            "municipality": "1103",
            "name": "Nytt fagsystem",
            "public_key_pem": other_keys[1],
            "scopes": "exchange:collect exchange:report",
            "active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert ApiClient.objects.get(client_id="nytt-fagsystem").user.kind == "system"
    entry = AuditEntry.objects.filter(object_type="exchange.ApiClient", object_id="nytt-fagsystem").latest(
        "pk"
    )
    assert entry.actor == "ole"
    assert entry.before is None
    assert entry.after["public_key_sha256"] == key_fingerprint(other_keys[1])


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/admin/exchange/receiver/4601/change/", "certificate_pem", "Sertifikatet kan ikke leses"),
        (
            "/admin/exchange/apiclient/{pk}/change/",
            "public_key_pem",
            "Den offentlige nøkkelen kan ikke leses",
        ),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_plain_error(client, operator, connected, url, field, message):
    api_client = ApiClient.objects.get(client_id="test-fagsystem-4601")
    receiver = Receiver.objects.get(pk="4601")
    form = receiver_form(receiver) if "receiver" in url else client_form(api_client)
    form[field] = "-----BEGIN CERTIFICATE-----\nikke en nøkkel\n-----END CERTIFICATE-----"
    before = AuditEntry.objects.count()

    response = client.post(url.format(pk=api_client.pk), form)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_a_case_system_receiver_needs_a_certificate(client, operator):
    response = client.post(
        "/admin/exchange/receiver/add/",
        {"municipality": "1103", "channel": "api", "certificate_pem": "", "inbox_email": ""},
    )
    assert response.status_code == 200
    assert "trenger et sertifikat" in response.content.decode()
    assert not Receiver.objects.filter(pk="1103").exists()


def test_connecting_again_with_a_new_key_is_audited_with_before_and_after(connected, other_keys, tmp_path):
    (tmp_path / "ny.crt").write_text(other_keys[0])
    (tmp_path / "ny.pub.pem").write_text(other_keys[1])
    old_key = ApiClient.objects.get(client_id="test-fagsystem-4601").public_key_pem

    call_command(
        "exchange_connect",
        "4601",
        "--certificate",
        str(tmp_path / "ny.crt"),
        "--client-public-key",
        str(tmp_path / "ny.pub.pem"),
        "--client-id",
        "test-fagsystem-4601",
        "--name",
        "Testfagsystem 4601",
        verbosity=0,
    )

    entry = AuditEntry.objects.filter(
        object_type="exchange.ApiClient", object_id="test-fagsystem-4601"
    ).latest("pk")
    assert entry.before == {"public_key_sha256": key_fingerprint(old_key)}
    assert entry.after == {"public_key_sha256": key_fingerprint(other_keys[1])}
    receiver_entry = AuditEntry.objects.filter(object_type="exchange.Receiver", object_id="4601").latest("pk")
    assert receiver_entry.after == {"certificate_sha256": certificate_fingerprint(other_keys[0])}
