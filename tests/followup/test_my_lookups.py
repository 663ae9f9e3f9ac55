"""Hvem har sett opplysningene mine: the citizen sees exactly the permitted looks at their own data, by
office or service, never the employee; the looks are deleted after the register's retention."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NAV_OFFICE_ROLE, NKS_ROLE, DataKind, Purpose
from digisos.followup.selectors import my_lookups
from digisos.followup.services import check_access, check_access_kinds, delete_expired_access_decisions
from digisos.municipalities.models import NavOffice
from tests.fixtures.personas import citizen, persona_pid

from .conftest import case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db

KARI, OLA = "kari-leier-oslo", "oslo-bydel-frogner"


def _looks(oslo_office: str) -> None:
    """Kari is looked at by the municipality, her NAV office and NKS; Ola by the municipality; one denied."""
    case_for(KARI, "0301", oslo_office)
    case_for(OLA, "0301")
    nks_agreement("0301", active=True)
    sara = employee("sara.saksbehandler", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    vera = employee("vera.veileder", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    nils = employee("nils.nks", NKS_ROLE)
    check_access(sara, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kind=DataKind.CASES)
    check_access(vera, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kind=DataKind.PAYMENTS)
    check_access(nils, pid=persona_pid(KARI), purpose=Purpose.PHONE_CALL, kind=DataKind.CASES)
    check_access(nils, pid=persona_pid(KARI), purpose=None, kind=DataKind.CASES)  # denied: not a look
    check_access(sara, pid=persona_pid(OLA), purpose=Purpose.CASEWORK, kind=DataKind.CASES)


def test_the_citizen_sees_exactly_the_looks_at_their_own_data(reference_data, oslo_office, client):
    _looks(oslo_office)
    office_name = NavOffice.objects.get(pk=oslo_office).name
    client.force_login(citizen(KARI))

    response = client.get(reverse("followup:my-lookups"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="lookup"') == 3
    assert "Nav Kontaktsenter" in html and office_name in html and "Oslo kommune" in html
    assert "Innbyggeren er i telefonen" in html and "Utbetalinger av sosialhjelp" in html
    for name in ("sara.saksbehandler", "vera.veileder", "nils.nks"):
        assert name not in html  # the unit, never the employee
    assert persona_pid(KARI) not in html


def test_another_citizen_sees_only_their_own(reference_data, oslo_office):
    _looks(oslo_office)
    assert [look.looked_by for look in my_lookups(citizen(OLA))] == ["Oslo kommune"]
    assert my_lookups(citizen("familie-bergen")) == []


def test_the_list_is_read_in_constant_queries(reference_data, oslo_office):
    _looks(oslo_office)
    kari = citizen(KARI)
    with CaptureQueriesContext(connection) as queries:
        assert len(my_lookups(kari)) == 3
    assert len(queries) == 3


def test_the_page_needs_a_logged_in_citizen(reference_data, client):
    response = client.get(reverse("followup:my-lookups"))
    assert response.status_code == 302
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    client.force_login(User.objects.get(username="sara"))
    assert client.get(reverse("followup:my-lookups")).status_code == 404


def test_looks_are_deleted_after_the_retention(reference_data, oslo_office, settings):
    settings.AUDIT_RETENTION_DAYS = 730
    _looks(oslo_office)
    old = AccessDecision.objects.filter(subject_pid=persona_pid(OLA))
    old.update(at=timezone.now() - timedelta(days=731))
    assert delete_expired_access_decisions() == 1
    assert not AccessDecision.objects.filter(subject_pid=persona_pid(OLA)).exists()
    assert AccessDecision.objects.count() == 4


def test_one_look_at_several_kinds_of_data_is_one_line(reference_data, oslo_office, client):
    """The person overview asks the policy once per kind of data it shows (one audit row for the look, naming
    the kinds); the citizen sees one line per look, naming every kind that look showed — not one line per panel."""
    case_for(KARI, "0301", oslo_office)
    vera = employee("vera.veileder", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    kinds = [DataKind.CASES, DataKind.PAYMENTS, DataKind.DOCUMENTS]
    check_access_kinds(vera, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kinds=kinds)
    check_access_kinds(vera, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kinds=kinds[:1])
    assert AccessDecision.objects.filter(subject_pid=persona_pid(KARI)).count() == 2  # one row per look

    looks = my_lookups(citizen(KARI))

    assert len(looks) == 2
    newest, first = looks
    assert newest.data_kind == "Søknader, saker og vedtak"
    assert first.data_kind == "Søknader, saker og vedtak, Utbetalinger av sosialhjelp, Dokumenter"
    client.force_login(citizen(KARI))
    assert client.get(reverse("followup:my-lookups")).content.decode().count('data-testid="lookup"') == 2
