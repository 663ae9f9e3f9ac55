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


# --- The groups and the relation in one statement (policy.employee_and_relation, session 16) ----------------


@pytest.mark.parametrize(
    "role, unit, case_at",
    [
        (MUNICIPAL_CASEWORKER_ROLE, "0301", "0301"),  # a case at the caseworker's municipality
        (MUNICIPAL_CASEWORKER_ROLE, "0301", "4601"),  # the person's case is elsewhere
        (MUNICIPAL_CASEWORKER_ROLE, None, "0301"),  # no municipality: no relation
        (NAV_OFFICE_ROLE, "office", "office"),  # a case at the office
        (NAV_OFFICE_ROLE, "office", "reported"),  # the case system reported the office (CaseState.office)
        (NAV_OFFICE_ROLE, "office", None),  # no case at the office
        (NKS_ROLE, None, "0301"),  # NKS's relation is its own two lookups: not read here
        ("operator", None, "0301"),  # no access role
    ],
)
def test_the_groups_and_the_relation_read_in_one_statement_answer_as_employee_of_and_the_relation_check(
    reference_data, oslo_office, role, unit, case_at
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digisos.accounts.models import User
    from digisos.exchange.models import CaseState
    from digisos.followup.policy import KnownRelation, _relation, employee_and_relation, employee_of

    office = oslo_office if unit == "office" else None
    employee("eva", role, kommunenummer=unit if unit != "office" else None)
    user = User.objects.get(username="eva")
    if office:
        user.nav_office_id = office
        user.save(update_fields=["nav_office"])
    if case_at == "office":
        case_for(KARI, "0301", enhetsnummer=office)
    elif case_at == "reported":
        reported = case_for(KARI, "0301")
        CaseState.objects.create(
            case=reported, municipality_id="0301", case_created_at=reported.created_at, office=office
        )
    elif case_at:
        case_for(KARI, case_at)
    now = timezone.now()
    since = now - timedelta(days=457)

    with CaptureQueriesContext(connection) as seen:
        found, known = employee_and_relation(user, pid=persona_pid(KARI), since=since)

    assert len(seen) == 1
    expected = employee_of(user)
    assert found == expected
    if role in (MUNICIPAL_CASEWORKER_ROLE, NAV_OFFICE_ROLE):
        assert known == KnownRelation(persona_pid(KARI), since, _relation(expected, persona_pid(KARI), now))
    else:
        assert known is None


def test_a_known_relation_is_used_only_for_its_person_and_its_window(reference_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from digisos.followup.policy import RELATION_WINDOW, KnownRelation

    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    case_for(KARI, "0301")
    now = timezone.now()
    kari = persona_pid(KARI)

    def reason(known: KnownRelation) -> tuple[Reason, int]:
        with CaptureQueriesContext(connection) as seen:
            answer = decide(
                sara, pid=kari, purpose=Purpose.CASEWORK, kind=DataKind.CASES, now=now, known=known
            )
        return answer.reason, sum("exchange_case" in query["sql"] for query in seen)

    # Its own person and window: no relation read, its answer taken.
    assert reason(KnownRelation(kari, now - RELATION_WINDOW, Reason.NO_RELATION)) == (Reason.NO_RELATION, 0)
    # Another person's, or another window's: the relation is read for this look.
    other = persona_pid("familie-bergen")
    assert reason(KnownRelation(other, now - RELATION_WINDOW, Reason.NO_RELATION)) == (Reason.PERMITTED, 1)
    assert reason(KnownRelation(kari, now - RELATION_WINDOW * 2, Reason.NO_RELATION)) == (Reason.PERMITTED, 1)
