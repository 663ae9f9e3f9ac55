"""The person overview's state-register panels (NAV payments, Aa-registeret, Husbanken): shown to NAV office
staff only (NAV-loven § 16, dataflows "employee.state_registers"), each labelled with its register and the legal
basis, asked once per look, audited with the look, and a register that fails says so without breaking the page.
Bostøtte only when the person consented to it in the application: NAV-loven § 16 does not reach Husbanken's
data, so the consent is its basis."""

import pytest

from digisos.accounts.services import employee_from_claims
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NKS_ROLE, DataKind, Purpose
from digisos.followup.selectors import my_lookups
from digisos.registers.adapters import local
from tests.fixtures.personas import citizen, persona_pid

from .conftest import answered_bostotte, case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db
URL = "/oppfolging/"
FAMILY = (
    "familie-bergen"  # one Nav payment, one employment, one bostøtte case and payment in the demo population
)
PANELS = ("register-nav_payments", "register-employment", "register-housing_allowance")


def office_look(client, key: str = FAMILY, *, consent: bool | None = True) -> str:
    """Vera's look at the person's case at her office; `consent`: the application's answer to fetching
    bostøtte (None: the case has no application, as a paper case)."""
    user = employee_from_claims({"sub": "vera", "roles": ["veileder"], "nav_office": "0316"})
    case = case_for(key, "0301", "0316")
    if consent is not None:
        answered_bostotte(case, key, consent=consent)
    client.force_login(user)
    response = client.post(URL, {"fnr": persona_pid(key), "purpose": Purpose.CASEWORK})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def test_office_staff_see_each_register_panel_with_its_source_and_legal_basis(reference_data, client):
    html = office_look(client)

    payments, employment, housing = (section(html, panel) for panel in PANELS)
    assert "Barnetrygd" in payments and "3 450 kr" in payments.replace("\xa0", " ")
    assert "Kilde: Nav (utbetalinger)" in payments
    assert "Demo Sykehus HF" in employment and "60 %" in employment
    assert "Arbeidsgiver- og arbeidstakerregisteret (Nav)" in employment
    assert "BS-1001" in housing and "Husbanken" in housing
    for panel in (payments, employment):
        assert "NAV-loven § 16" in panel and "NAV-loven § 7" in panel
    # Husbanken's data is not NAV's: its panel rests on the applicant's consent, never on NAV-loven § 16.
    assert "samtykke" in housing and "§ 16" not in housing
    for panel in (payments, employment, housing):
        assert 'data-testid="register-unavailable"' not in panel


@pytest.mark.parametrize("consent", [False, None])
def test_bostotte_is_neither_asked_nor_shown_without_the_applicants_consent(
    reference_data, client, monkeypatch, consent
):
    asked: list[str] = []
    monkeypatch.setattr(local.LocalHusbanken, "get_housing_allowance", lambda *args, **kw: asked.append("x"))

    html = office_look(client, consent=consent)

    assert 'data-testid="register-housing_allowance"' not in html and "BS-1001" not in html
    assert asked == []
    assert "Barnetrygd" in section(html, "register-nav_payments")  # NAV's own registers are still shown


def test_a_municipal_caseworker_and_nks_never_see_the_registers(reference_data, client):
    case_for(FAMILY, "0301")
    nks_agreement("0301", active=True)
    for username, role, purpose in (
        ("sara", MUNICIPAL_CASEWORKER_ROLE, Purpose.CASEWORK),
        ("nina", NKS_ROLE, Purpose.PHONE_CALL),
    ):
        from digisos.accounts.models import User

        employee(username, role, kommunenummer="0301")
        client.force_login(User.objects.get(username=username))
        html = client.post(URL, {"fnr": persona_pid(FAMILY), "purpose": purpose}).content.decode()
        assert 'data-testid="overview"' in html  # the look itself was permitted
        assert not any(f'data-testid="{panel}"' in html for panel in PANELS)
        assert "Barnetrygd" not in html and "Demo Sykehus HF" not in html
    # Neither role may ever see them, so their looks do not ask for them (no refusal at every look in the audit).
    assert not AccessDecision.objects.filter(data_kind__contains=DataKind.STATE_REGISTERS).exists()


def test_a_register_that_fails_says_so_and_the_others_are_shown(reference_data, client):
    html = office_look(client, "husbanken-feiler")

    housing = section(html, "register-housing_allowance")
    assert 'data-testid="register-unavailable"' in housing and "kunne ikke hentes" in housing
    assert "Ingen arbeidsforhold" in section(html, "register-employment")
    assert 'data-testid="register-unavailable"' not in section(html, "register-nav_payments")


def test_an_unexpected_register_error_is_a_panel_that_could_not_be_fetched(
    reference_data, client, monkeypatch
):
    def broken(self, pid):
        raise ConnectionResetError("aa-registeret")

    monkeypatch.setattr(local.LocalAaregister, "get_employments", broken)
    html = office_look(client)
    assert 'data-testid="register-unavailable"' in section(html, "register-employment")
    assert "Demo Sykehus HF" not in html and "Barnetrygd" in html


def test_each_register_is_asked_once_per_look(reference_data, client, monkeypatch):
    calls: list[str] = []
    for cls, name in (
        (local.LocalNavUtbetalinger, "get_payments"),
        (local.LocalAaregister, "get_employments"),
        (local.LocalHusbanken, "get_housing_allowance"),
    ):
        original = getattr(cls, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)
    office_look(client)
    assert sorted(calls) == ["get_employments", "get_housing_allowance", "get_payments"]


def test_the_look_is_audited_with_the_registers_and_the_citizen_sees_them(reference_data, client):
    office_look(client)

    [decision] = AccessDecision.objects.all()  # one row for the look, naming each kind and flow
    assert (decision.outcome, decision.data_kind) == ("PERMIT", "cases,payments,documents,state_registers")
    assert decision.flow == "employee.nav_office,employee.state_registers"
    [look] = my_lookups(citizen(FAMILY))
    assert "Opplysninger fra statlige registre" in look.data_kind


def test_the_policy_gives_the_registers_to_office_staff_only(reference_data):
    from digisos.followup.policy import NAV_OFFICE_ROLE, Reason
    from digisos.followup.services import check_access

    case_for(FAMILY, "0301", "0316")
    nks_agreement("0301", active=True)
    answers = {
        role: check_access(
            employee(f"u-{role}", role, kommunenummer="0301", enhetsnummer="0316"),
            pid=persona_pid(FAMILY),
            purpose=Purpose.PHONE_CALL if role == NKS_ROLE else Purpose.CASEWORK,
            kind=DataKind.STATE_REGISTERS,
        )
        for role in (NAV_OFFICE_ROLE, MUNICIPAL_CASEWORKER_ROLE, NKS_ROLE)
    }
    assert answers[NAV_OFFICE_ROLE].permitted
    assert answers[MUNICIPAL_CASEWORKER_ROLE].reason == Reason.KIND_NOT_ALLOWED
    assert answers[NKS_ROLE].reason == Reason.KIND_NOT_ALLOWED
    assert {answer.flow for answer in answers.values()} == {"employee.state_registers"}


def test_current_employment_is_listed_before_ended_employment(monkeypatch):
    from datetime import date

    from digisos.followup.selectors import state_register_panels
    from digisos.registers.ports import Employment

    ended = Employment("1", "Ended AS", date(2024, 1, 1), date(2024, 6, 30), 100)
    current = Employment("2", "Current AS", date(2020, 1, 1), None, 50)
    monkeypatch.setattr(local.LocalAaregister, "get_employments", lambda self, pid: [ended, current])

    [panel] = [p for p in state_register_panels(persona_pid(FAMILY)) if p.key == "employment"]
    assert [row.employer_name for row in panel.rows] == ["Current AS", "Ended AS"]
