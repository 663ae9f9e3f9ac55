"""The benchmark's exchange baselines (src/digisos/bench_urls.py, used only by `make bench`): the ping checks the
token and nothing else, and the trivial write does the least any stored report does, for real: it parses the
posted document, changes the case's row and writes an audit entry, and refuses another municipality's case."""

import pytest
from django.test import Client
from tests.factories import CaseFactory
from tests.fixtures.exchange import token_for

from digisos.accounts.models import User
from digisos.core.models import AuditEntry
from digisos.exchange.models import Case
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "document_settings"),
    pytest.mark.urls("digisos.bench_urls"),
]


def _post(client: Client, token: str, case_id, document) -> object:
    return client.post(
        f"/bench/exchange/v1/saker/{case_id}/write",
        document,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_trivial_write_changes_the_case_and_audits_it_and_the_ping_only_checks_the_token(connected):
    client = Client()
    token = token_for(client, connected, "4601")
    case = CaseFactory(persona="familie-bergen")
    assert case.municipality_id == "4601"
    before = case.updated_at
    document = builders.document(builders.soknads_status(SoknadsStatus.MOTTATT))

    written = _post(client, token, case.id, document)

    assert written.status_code == 200, written.content
    assert written.json() == {"hendelser": 1}
    assert Case.objects.get(pk=case.id).updated_at > before
    entry = AuditEntry.objects.get(action="bench.write")
    assert (entry.object_type, entry.object_id) == ("case", str(case.id))
    assert entry.actor_id == User.objects.get(api_client__client_id="test-fagsystem-4601").pk
    pinged = client.get("/bench/exchange/v1/ping", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert pinged.status_code == 200
    assert client.get("/bench/exchange/v1/ping").status_code == 401


def test_the_trivial_write_refuses_another_municipalitys_case_and_writes_nothing(connected):
    client = Client()
    other = token_for(client, connected, "5501")
    case = CaseFactory(persona="familie-bergen")
    document = builders.document(builders.soknads_status(SoknadsStatus.MOTTATT))

    refused = _post(client, other, case.id, document)

    assert refused.status_code == 404
    assert not AuditEntry.objects.filter(action="bench.write").exists()
