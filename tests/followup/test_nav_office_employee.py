"""A NAV office employee's office comes from the employee login (`nav_office` claim), and with it they see the
persons who have a case at that office, and no others."""

import json

import pytest
from django.conf import settings

from digisos.accounts.models import User
from digisos.accounts.services import employee_from_claims
from digisos.followup.models import AccessDecision
from digisos.followup.policy import employee_of
from tests.fixtures.personas import persona_pid

from .conftest import case_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("claimed", "stored"), [("0316", "0316"), ("9999", None), ("oslo", None), ("", None)]
)
def test_the_token_office_is_kept_only_if_the_office_register_has_it(reference_data, claimed, stored):
    user = employee_from_claims({"sub": "vera", "roles": ["veileder"], "nav_office": claimed})
    assert User.objects.get(pk=user.pk).nav_office_id == stored
    assert employee_of(user).enhetsnummer == stored


def test_the_demo_veileder_works_at_an_oslo_office():
    employees = json.loads((settings.SRC_DIR / "accounts" / "data" / "demo_employees.json").read_text())
    vera = next(e for e in employees["employees"] if e["sub"] == "vera-veileder")
    assert vera["nav_office"] == "0316"


def test_a_veileder_sees_the_persons_with_a_case_at_their_office_only(reference_data, client):
    user = employee_from_claims({"sub": "vera", "roles": ["veileder"], "nav_office": "0316"})
    case_for("kari-leier-oslo", "0301", "0316")
    case_for("oslo-bydel-frogner", "0301", "0315")  # another Oslo office
    client.force_login(user)

    at_office = client.post("/oppfolging/", {"fnr": persona_pid("kari-leier-oslo"), "purpose": "casework"})
    elsewhere = client.post("/oppfolging/", {"fnr": persona_pid("oslo-bydel-frogner"), "purpose": "casework"})

    assert at_office.content.decode().count('data-testid="case"') == 1
    assert 'data-testid="case"' not in elsewhere.content.decode()
    assert list(
        AccessDecision.objects.filter(data_kind__startswith="cases")
        .order_by("id")
        .values_list("reason", "actor_enhetsnummer")
    ) == [
        ("permitted", "0316"),
        ("no_relation", "0316"),
    ]
