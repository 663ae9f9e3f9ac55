"""Employees specially authorised for persons with address protection: a grant per employee and level
(fortrolig, strengt fortrolig), granted and withdrawn by an operator and audited; the policy permits the
authorised level only, on the same conditions as any look, and denies everyone else exactly as before."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings

from digisos.accounts.models import User
from digisos.core.models import AuditEntry
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.audit import audit_logger, parse_cef
from digisos.followup.models import AccessDecision, ProtectedAccessGrant
from digisos.followup.policy import NAV_OFFICE_ROLE, NKS_ROLE, DataKind, Purpose, Reason, decide
from digisos.followup.selectors import my_lookups
from digisos.followup.services import check_access, grant_protected_access, withdraw_protected_access
from digisos.municipalities.models import NavOffice
from tests.fixtures.personas import citizen, persona_pid

from .conftest import case_for, employee, nks_agreement

pytestmark = pytest.mark.django_db

FORTROLIG, STRENGT = "fortrolig-adresse", "strengt-fortrolig"
Level = ProtectedAccessGrant.Level


class Utland:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        return "strengt_fortrolig_utland"


class UnknownGrading:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        return "hemmelig"


class SkjermetEveryone:
    flow = "register.skjerming"

    def is_skjermet(self, pid):
        return True


class BrokenAddressProtection:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        raise ConnectionError("PDL is down")


class NoFolkeregister:
    """Fails any test that reads a person's name or address: the overview must not."""

    flow = "register.folkeregister"

    def __getattr__(self, name):
        raise AssertionError(f"the overview asked Folkeregisteret for {name}")


def adapters(**override):
    from django.conf import settings

    return override_settings(REGISTER_ADAPTERS={**settings.REGISTER_ADAPTERS, **override})


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("ole", kind="employee")


def caseworker(username="sara"):
    return employee(username, MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")


def authorise(who, level, by=None) -> ProtectedAccessGrant:
    return grant_protected_access(
        User.objects.get(pk=who.user_id), level, by=by, reason="Enhet for kode 6-saker"
    )


def ask(who, key, purpose=Purpose.CASEWORK):
    return decide(who, pid=persona_pid(key), purpose=purpose, kind=DataKind.CASES)


def test_a_fortrolig_grant_permits_fortrolig_and_not_the_higher_level(reference_data, admin_user):
    case_for(FORTROLIG, "0301")
    case_for(STRENGT, "0301")
    sara = caseworker()
    authorise(sara, Level.FORTROLIG, admin_user)

    permitted = ask(sara, FORTROLIG)
    assert (permitted.permitted, permitted.reason, permitted.outcome) == (
        True,
        Reason.PERMITTED_FORTROLIG,
        "PERMIT",
    )
    assert ask(sara, STRENGT).reason == Reason.STRENGT_FORTROLIG


def test_a_strengt_fortrolig_grant_permits_kode_6_also_abroad_and_only_kode_6(reference_data, admin_user):
    case_for(STRENGT, "0301")
    case_for(FORTROLIG, "0301")
    sara = caseworker()
    authorise(sara, Level.STRENGT_FORTROLIG, admin_user)

    assert ask(sara, STRENGT).reason == Reason.PERMITTED_STRENGT_FORTROLIG
    with adapters(address_protection=f"{__name__}.Utland"):
        assert ask(sara, STRENGT).reason == Reason.PERMITTED_STRENGT_FORTROLIG
    # One level does not imply the other (as NAV's two groups): kode 7 needs its own grant.
    assert ask(sara, FORTROLIG).reason == Reason.FORTROLIG


def test_everyone_without_a_grant_is_denied_with_the_same_reason_as_before(reference_data, admin_user):
    case_for(FORTROLIG, "0301")
    authorise(caseworker("sara"), Level.FORTROLIG, admin_user)
    # Another caseworker of the same municipality, without a grant.
    assert ask(caseworker("siri"), FORTROLIG).reason == Reason.FORTROLIG
    # NKS is never cleared, even with a grant (Modia denies every graded person).
    nks_agreement("0301", active=True)
    nils = employee("nils", NKS_ROLE)
    authorise(nils, Level.FORTROLIG, admin_user)
    assert ask(nils, FORTROLIG, purpose=Purpose.PHONE_CALL).reason == Reason.FORTROLIG


def test_a_grant_keeps_every_other_condition(reference_data, admin_user):
    case_for(FORTROLIG, "4601")  # a case in Bergen only: no relation to Oslo
    sara = caseworker()
    authorise(sara, Level.FORTROLIG, admin_user)
    assert ask(sara, FORTROLIG).reason == Reason.NO_RELATION
    assert ask(sara, FORTROLIG, purpose=None).reason == Reason.NO_PURPOSE
    case_for(FORTROLIG, "0301")
    with adapters(skjerming=f"{__name__}.SkjermetEveryone"):
        assert ask(sara, FORTROLIG).reason == Reason.SKJERMET
    with adapters(address_protection=f"{__name__}.BrokenAddressProtection"):
        assert ask(sara, FORTROLIG).reason == Reason.REGISTER_UNAVAILABLE
    with adapters(address_protection=f"{__name__}.UnknownGrading"):
        assert ask(sara, FORTROLIG).reason == Reason.FORTROLIG  # a grading we do not know is never cleared


def test_a_withdrawal_takes_effect_at_the_next_look(reference_data, admin_user):
    case_for(FORTROLIG, "0301")
    sara = caseworker()  # the same Employee throughout: no new login
    grant = authorise(sara, Level.FORTROLIG, admin_user)
    assert ask(sara, FORTROLIG).permitted

    assert withdraw_protected_access(grant, by=admin_user) is True

    assert ask(sara, FORTROLIG).reason == Reason.FORTROLIG
    assert withdraw_protected_access(grant, by=admin_user) is False  # already withdrawn: nothing written


def test_grant_and_withdrawal_are_audited(reference_data, admin_user):
    sara = caseworker()
    grant = authorise(sara, Level.STRENGT_FORTROLIG, admin_user)
    withdraw_protected_access(grant, by=admin_user)

    entries = list(
        AuditEntry.objects.filter(object_type="followup.ProtectedAccessGrant")
        .order_by("id")
        .values("action", "actor_id", "object_id", "after")
    )
    assert [(entry["action"], entry["actor_id"], entry["object_id"]) for entry in entries] == [
        ("followup.protected_access.granted", admin_user.pk, str(grant.pk)),
        ("followup.protected_access.withdrawn", admin_user.pk, str(grant.pk)),
    ]
    assert entries[0]["after"]["level"] == "strengt_fortrolig" and entries[0]["after"]["employee"] == "sara"
    assert entries[1]["after"]["active"] is False
    grant.refresh_from_db()
    assert grant.withdrawn_by == admin_user and grant.withdrawn_at is not None


def test_a_grant_is_refused_for_a_citizen_a_second_time_or_without_a_reason(reference_data, admin_user):
    sara = User.objects.get(pk=caseworker().user_id)
    with pytest.raises(ValidationError):
        grant_protected_access(citizen("kari-leier-oslo"), Level.FORTROLIG, by=admin_user, reason="x")
    with pytest.raises(ValidationError):
        grant_protected_access(sara, Level.FORTROLIG, by=admin_user, reason="  ")
    with pytest.raises(ValidationError):  # four eyes: no one authorises themselves
        grant_protected_access(sara, Level.FORTROLIG, by=sara, reason="x")
    grant_protected_access(sara, Level.FORTROLIG, by=admin_user, reason="x")
    with pytest.raises(ValidationError):
        grant_protected_access(sara, Level.FORTROLIG, by=admin_user, reason="x")
    assert AuditEntry.objects.filter(action="followup.protected_access.granted").count() == 1


def test_the_authorised_look_is_audited_and_the_citizen_sees_it_by_office(
    reference_data, oslo_office, admin_user
):
    case_for(FORTROLIG, "0301", oslo_office)
    vera = employee("vera.veileder", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    authorise(vera, Level.FORTROLIG, admin_user)

    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    audit_logger().addHandler(handler)
    try:
        decision = check_access(
            vera, pid=persona_pid(FORTROLIG), purpose=Purpose.CASEWORK, kind=DataKind.CASES
        )
    finally:
        audit_logger().removeHandler(handler)

    assert decision.permitted
    [line] = lines
    _, fields = parse_cef(line)
    assert (fields["flexString1"], fields["flexString2"], fields["suid"]) == (
        "PERMIT",
        "permitted_fortrolig",
        "vera.veileder",
    )
    stored = AccessDecision.objects.get()
    assert (stored.outcome, stored.reason, stored.actor_ident) == (
        "PERMIT",
        "permitted_fortrolig",
        "vera.veileder",
    )
    looks = my_lookups(citizen(FORTROLIG))
    assert [look.looked_by for look in looks] == [NavOffice.objects.get(pk=oslo_office).name]
    assert "vera" not in looks[0].looked_by


def test_an_operator_grants_and_withdraws_in_the_admin(reference_data, client, admin_user):
    sara = User.objects.get(pk=caseworker().user_id)
    client.force_login(admin_user)

    response = client.post(
        "/admin/followup/protectedaccessgrant/add/",
        {"user": sara.pk, "level": "strengt_fortrolig", "reason": "Særskilt autorisert av leder"},
    )
    assert response.status_code == 302
    grant = ProtectedAccessGrant.objects.get()
    assert (grant.user, grant.level, grant.granted_by, grant.active) == (
        sara,
        "strengt_fortrolig",
        admin_user,
        True,
    )
    # A second grant in force for the same level is refused in the form, in Norwegian.
    again = client.post(
        "/admin/followup/protectedaccessgrant/add/",
        {"user": sara.pk, "level": "strengt_fortrolig", "reason": "igjen"},
    )
    assert again.status_code == 200 and "allerede denne tilgangen" in again.content.decode()
    to_self = client.post(
        "/admin/followup/protectedaccessgrant/add/",
        {"user": admin_user.pk, "level": "fortrolig", "reason": "meg selv"},
    )
    assert to_self.status_code == 200 and "gi deg selv" in to_self.content.decode()

    client.post(
        "/admin/followup/protectedaccessgrant/",
        {"action": "withdraw", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    assert not grant.active and grant.withdrawn_by == admin_user
    assert (
        client.post(f"/admin/followup/protectedaccessgrant/{grant.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert list(
        AuditEntry.objects.filter(object_type="followup.ProtectedAccessGrant")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["followup.protected_access.granted", "followup.protected_access.withdrawn"]


def test_an_authorised_look_shows_the_overview_never_the_address(
    reference_data, client, oslo_office, admin_user
):
    case_for(FORTROLIG, "0301", oslo_office)
    case_for(STRENGT, "0301", oslo_office)
    vera = employee("vera.veileder", NAV_OFFICE_ROLE, enhetsnummer=oslo_office)
    authorise(vera, Level.FORTROLIG, admin_user)
    authorise(vera, Level.STRENGT_FORTROLIG, admin_user)
    user = User.objects.get(pk=vera.user_id)
    user.nav_office_id = oslo_office
    user.save()
    client.force_login(user)

    for key in (FORTROLIG, STRENGT):
        # The overview never asks Folkeregisteret (where the address is): no address can reach the page.
        with adapters(folkeregister=f"{__name__}.NoFolkeregister"):
            response = client.post("/oppfolging/", {"fnr": persona_pid(key), "purpose": "casework"})
        html = response.content.decode()
        overview = html.split('data-testid="overview"')[1]
        assert 'data-testid="case"' in overview, key
        assert 'data-testid="protected-notice"' in overview
        # Mona's registered address (Skogveien 3, 1352 Kolsås) is never on the page.
        for part in ("Skogveien", "1352", "KOLSÅS", "Kolsås"):
            assert part not in html
    assert list(
        AccessDecision.objects.filter(data_kind__startswith="cases").values_list("reason", flat=True)
    ) == [
        "permitted_strengt_fortrolig",
        "permitted_fortrolig",
    ]
