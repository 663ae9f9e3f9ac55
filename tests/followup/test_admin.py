"""Operators read the access log in the admin with the person masked, and switch NKS agreements."""

import pytest
from django.contrib.auth import get_user_model

from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import DataKind, Purpose
from digisos.followup.services import check_access
from tests.fixtures.personas import persona_pid

from .conftest import case_for, employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(get_user_model().objects.create_superuser("ole", kind="employee"))


def test_the_access_log_is_read_only_and_masks_the_person(reference_data, client, operator):
    case_for("kari-leier-oslo")
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    check_access(sara, pid=persona_pid("kari-leier-oslo"), purpose=Purpose.CASEWORK, kind=DataKind.CASES)
    decision = AccessDecision.objects.get()
    pid = persona_pid("kari-leier-oslo")

    for url in ("/admin/followup/accessdecision/", f"/admin/followup/accessdecision/{decision.pk}/change/"):
        html = client.get(url).content.decode()
        assert pid not in html and pid[:6] + "*****" in html
    assert client.get("/admin/followup/accessdecision/add/").status_code == 403
    assert (
        client.post(f"/admin/followup/accessdecision/{decision.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AccessDecision.objects.count() == 1


def test_an_operator_switches_on_a_municipalitys_nks_agreement(reference_data, client, operator):
    response = client.post("/admin/followup/nksagreement/add/", {"municipality": "0301", "active": "on"})
    assert response.status_code == 302
    from digisos.followup.models import NksAgreement

    assert NksAgreement.objects.get(municipality_id="0301").active
