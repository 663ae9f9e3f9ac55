"""The access policy (followup.policy.decide): one PERMIT, and a test for every reason it denies."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.policy import NAV_OFFICE_ROLE, NKS_ROLE, DataKind, Purpose, Reason, decide
from digisos.registers.ports import RegisterUnavailable
from tests.fixtures.personas import persona_pid

from .conftest import case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db

KARI = "kari-leier-oslo"
LOCAL = "digisos.registers.adapters.local"


class FailingAddressProtection:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        raise RegisterUnavailable("PDL is down")


class BrokenSkjerming:
    flow = "register.skjerming"

    def is_skjermet(self, pid):
        raise ValueError("unexpected answer")


class Utland:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        return "strengt_fortrolig_utland"


class UnknownPerson:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        return None


class SkjermetEveryone:
    flow = "register.skjerming"

    def is_skjermet(self, pid):
        return True


class AmbiguousSkjerming:
    """Anything but a plain False is skjermet (as Modia treats any body other than the literal `false`)."""

    flow = "register.skjerming"

    def is_skjermet(self, pid):
        return "false"


def adapters(**override):
    from django.conf import settings

    return override_settings(REGISTER_ADAPTERS={**settings.REGISTER_ADAPTERS, **override})


def caseworker():
    return employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")


def ask(who, key=KARI, purpose=Purpose.CASEWORK, kind=DataKind.CASES):
    return decide(who, pid=persona_pid(key), purpose=purpose, kind=kind)


def test_a_caseworker_may_see_a_person_with_a_case_in_their_municipality(reference_data):
    case_for(KARI, "0301")
    decision = ask(caseworker())
    assert (decision.permitted, decision.reason, decision.outcome) == (True, Reason.PERMITTED, "PERMIT")
    assert decision.flow == "employee.nav_office"


def test_a_nav_office_employee_may_see_a_person_with_a_case_at_their_office(reference_data, oslo_office):
    case_for(KARI, "0301", oslo_office)
    veileder = employee("vera", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    assert ask(veileder).permitted


@pytest.mark.parametrize("purpose", [None, ""])
def test_no_purpose_is_denied(reference_data, purpose):
    case_for(KARI)
    assert ask(caseworker(), purpose=purpose).reason == Reason.NO_PURPOSE


def test_a_user_without_an_access_role_is_denied(reference_data):
    case_for(KARI)
    assert ask(employee("ole", "operator", kommunenummer="0301")).reason == Reason.NOT_AN_EMPLOYEE


def test_a_purpose_the_role_may_not_use_is_denied(reference_data):
    case_for(KARI)
    nks_agreement("0301", active=True)
    assert ask(employee("nils", NKS_ROLE), purpose=Purpose.CASEWORK).reason == Reason.PURPOSE_NOT_ALLOWED
    assert ask(caseworker(), purpose="curiosity").reason == Reason.PURPOSE_NOT_ALLOWED


def test_nks_may_not_see_documents_or_state_registers(reference_data):
    case_for(KARI)
    nks_agreement("0301", active=True)
    nks = employee("nils", NKS_ROLE)
    assert ask(nks, purpose=Purpose.PHONE_CALL, kind=DataKind.DOCUMENTS).reason == Reason.KIND_NOT_ALLOWED
    assert (
        ask(nks, purpose=Purpose.PHONE_CALL, kind=DataKind.STATE_REGISTERS).reason == Reason.KIND_NOT_ALLOWED
    )
    assert ask(nks, purpose=Purpose.PHONE_CALL, kind=DataKind.CASES).permitted


def test_a_person_without_a_case_in_the_employees_municipality_is_denied(reference_data):
    case_for(KARI, "4601")  # Bergen
    assert ask(caseworker()).reason == Reason.NO_RELATION


def test_a_case_older_than_the_relation_window_is_no_relation(reference_data):
    case = case_for(KARI, "0301")
    type(case).objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=500))
    assert ask(caseworker()).reason == Reason.NO_RELATION


def test_a_nav_office_employee_without_an_office_or_case_there_is_denied(reference_data, oslo_office):
    case_for(KARI, "0301")  # no office on the case
    assert ask(employee("vera", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)).reason == Reason.NO_RELATION
    assert ask(employee("vidar", NAV_OFFICE_ROLE)).reason == Reason.NO_RELATION


def test_nks_is_denied_for_a_municipality_without_the_agreement(reference_data):
    case_for(KARI, "0301")
    nks = employee("nils", NKS_ROLE)
    assert ask(nks, purpose=Purpose.PHONE_CALL).reason == Reason.NKS_AGREEMENT_OFF  # no agreement at all
    nks_agreement("0301", active=False)
    assert ask(nks, purpose=Purpose.PHONE_CALL).reason == Reason.NKS_AGREEMENT_OFF
    nks_agreement("0301", active=True)
    assert ask(nks, purpose=Purpose.PHONE_CALL).permitted


def test_nks_without_any_case_for_the_person_is_no_relation(reference_data):
    nks_agreement("0301", active=True)
    assert ask(employee("nils", NKS_ROLE), purpose=Purpose.PHONE_CALL).reason == Reason.NO_RELATION


def test_fortrolig_address_is_denied(reference_data):
    case_for("fortrolig-adresse", "0301")
    assert ask(caseworker(), key="fortrolig-adresse").reason == Reason.FORTROLIG


def test_strengt_fortrolig_address_is_denied(reference_data):
    case_for("strengt-fortrolig", "0301")
    assert ask(caseworker(), key="strengt-fortrolig").reason == Reason.STRENGT_FORTROLIG


def test_strengt_fortrolig_utland_is_denied(reference_data):
    case_for(KARI)
    with adapters(address_protection=f"{__name__}.Utland"):
        assert ask(caseworker()).reason == Reason.STRENGT_FORTROLIG


def test_a_person_the_register_does_not_know_is_denied(reference_data):
    case_for(KARI)
    with adapters(address_protection=f"{__name__}.UnknownPerson"):
        assert ask(caseworker()).reason == Reason.PERSON_NOT_FOUND


def test_a_skjermet_person_is_denied(reference_data):
    case_for(KARI)
    with adapters(skjerming=f"{__name__}.SkjermetEveryone"):
        assert ask(caseworker()).reason == Reason.SKJERMET


def test_an_answer_from_skjerming_other_than_false_is_skjermet(reference_data):
    case_for(KARI)
    with adapters(skjerming=f"{__name__}.AmbiguousSkjerming"):
        assert ask(caseworker()).reason == Reason.SKJERMET


@pytest.mark.parametrize(
    "override",
    [
        {"address_protection": f"{__name__}.FailingAddressProtection"},
        {"skjerming": f"{__name__}.BrokenSkjerming"},
    ],
)
def test_an_error_from_either_register_denies(reference_data, override):
    case_for(KARI)
    with adapters(**override):
        assert ask(caseworker()).reason == Reason.REGISTER_UNAVAILABLE


def test_the_local_skjerming_adapter_reads_the_persona_and_fails_closed_on_an_outage(
    reference_data, tmp_path
):
    import json

    from django.conf import settings

    from digisos.registers import registry

    population = json.loads(settings.DEMO_POPULATION_FILE.read_text(encoding="utf-8"))
    for persona in population["personas"]:
        if persona["key"] == KARI:
            persona["skjerming"] = {"skjermet": True}
        if persona["key"] == "oslo-bydel-frogner":
            persona["address_protection_register"] = {"status": "fails"}
    path = tmp_path / "population.json"
    path.write_text(json.dumps(population), encoding="utf-8")
    case_for(KARI)
    case_for("oslo-bydel-frogner")
    with override_settings(DEMO_POPULATION_FILE=path):
        assert registry.skjerming().is_skjermet(persona_pid(KARI)) is True
        assert ask(caseworker()).reason == Reason.SKJERMET
        assert ask(caseworker(), key="oslo-bydel-frogner").reason == Reason.REGISTER_UNAVAILABLE


def test_a_grading_the_policy_does_not_know_is_denied(reference_data):
    case_for(KARI)
    with adapters(address_protection=f"{__name__}.NewGrading"):
        assert ask(caseworker()).reason == Reason.FORTROLIG


class NewGrading:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        return "en_ny_gradering"


def test_a_nav_office_employees_relation_is_one_query_by_the_cases_office_or_the_reported_one(
    reference_data, oslo_office
):
    """The case at the office, by its own office or the one the case system reported (CaseState.office), is
    looked for in one query, compiled once per process (policy._OFFICE_CASE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digisos.exchange.models import CaseState
    from digisos.followup.policy import _relation

    veileder = employee("vera", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    reported = case_for(KARI, "0301")  # no office of its own: the case system reported the office
    CaseState.objects.create(
        case=reported,
        municipality_id="0301",
        case_created_at=reported.created_at,
        status="MOTTATT",
        office=oslo_office,
    )
    with CaptureQueriesContext(connection) as seen:
        assert _relation(veileder, persona_pid(KARI), timezone.now()) == Reason.PERMITTED
    assert len(seen) == 1
    CaseState.objects.filter(case=reported).update(office="")
    with CaptureQueriesContext(connection) as seen:
        assert _relation(veileder, persona_pid(KARI), timezone.now()) == Reason.NO_RELATION
    assert len(seen) == 1
