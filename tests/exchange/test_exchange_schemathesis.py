"""Schemathesis over the committed docs/api/exchange-v1.yaml against the running app (live server): whatever
a client sends, no 5xx, and every response matches the spec (status, content type, body schema)."""

from pathlib import Path

import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from digisos.exchange import services
from tests.fixtures.exchange import connect, signer
from tests.fixtures.personas import persona_pid

ROOT = Path(__file__).resolve().parents[2]
schema = schemathesis.openapi.from_path(ROOT / "docs" / "api" / "exchange-v1.yaml")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def bergen(live_server, municipality_keys):
    """A connected Bergen with one paper case, and an access token for its case system."""
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)
    connect(municipality_keys)
    system = services.register_client(
        kommunenummer="4601",
        name="fuzz",
        public_key_pem=(municipality_keys["4601"] / "klient.pub.pem").read_text(),
        client_id="test-fagsystem-4601",
    ).user
    case = services.create_paper_case(
        actor=system, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen")
    )
    response = requests.post(
        f"{live_server.url}/api/exchange/v1/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": signer(municipality_keys, "4601").assertion(),
        },
        timeout=10,
    )
    response.raise_for_status()
    return {"token": response.json()["access_token"], "case": str(case.id), "url": live_server.url}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_exchange_api_never_errors_and_matches_its_spec(case, bergen):
    # Aim the generated requests at a case that exists, so bodies reach validation instead of a 404.
    if "digisos_id" in (case.path_parameters or {}):
        case.path_parameters["digisos_id"] = bergen["case"]
    case.call_and_validate(
        base_url=bergen["url"], headers={"Authorization": f"Bearer {bergen['token']}"}, checks=CHECKS
    )
