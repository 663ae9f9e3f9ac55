"""The onboarding path: each state change, who may make it, and a wrong person refused in plain words."""

from datetime import timedelta

import pytest

from digisos.core.models import AuditEntry
from digisos.municipalities.selectors import digital_status
from digisos.onboarding import services
from digisos.onboarding.models import ChecklistTick, Role, Stage
from tests.onboarding.conftest import (
    CONFIGURATION,
    DRAMMEN,
    DRAMMEN_ORGNR,
    TODAY,
    give_role,
    play_integration_tests,
    record_baseline,
)

pytestmark = pytest.mark.django_db


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=f"onboarding.{action}"))


def test_the_kommunedirektor_starts_with_the_organisation_number_from_altinn(reference_data, director):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    assert onboarding.stage == Stage.DECISION
    assert onboarding.organisation_number == DRAMMEN_ORGNR
    assert _audit("started")[0].after == {"stage": "decision", "organisation_number": DRAMMEN_ORGNR}


def test_a_person_without_the_altinn_right_may_not_start(reference_data, outsider):
    with pytest.raises(services.NotAllowed) as refused:
        services.start_onboarding(actor=outsider, kommunenummer=DRAMMEN, email="kari@example.no")
    assert "Bare kommunedirektøren i Drammen" in refused.value.message


def test_an_operator_starts_with_a_valid_organisation_number(reference_data, operator):
    with pytest.raises(services.InvalidInput) as refused:
        services.start_onboarding(actor=operator, kommunenummer=DRAMMEN, organisation_number="123")
    assert "9 siffer" in refused.value.message
    onboarding = services.start_onboarding(
        actor=operator, kommunenummer=DRAMMEN, organisation_number=DRAMMEN_ORGNR
    )
    assert onboarding.stage == Stage.DECISION


def test_decision_needs_its_checklist_and_the_kommunedirektor(walk, director, staff):
    onboarding = walk(Stage.DECISION)
    with pytest.raises(services.ChecklistIncomplete) as incomplete:
        services.complete_decision(actor=director, onboarding_id=onboarding.pk)
    assert "Kommunen har besluttet" in incomplete.value.message
    services.tick(actor=director, onboarding_id=onboarding.pk, key="decision")
    services.tick(actor=director, onboarding_id=onboarding.pk, key="vendor_contacted")
    with pytest.raises(services.NotAllowed) as refused:
        services.complete_decision(actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk)
    assert refused.value.message.startswith("Bare kommunedirektør for Drammen kan gjøre dette.")
    services.complete_decision(actor=director, onboarding_id=onboarding.pk)
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.AGREEMENTS
    assert _audit("decision_completed")[0].before == {"stage": "decision"}


def test_only_the_owner_ticks_an_item(walk, staff):
    onboarding = walk(Stage.DECISION)
    with pytest.raises(services.NotAllowed):
        services.tick(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, key="decision")
    assert not ChecklistTick.objects.exists()


def test_an_item_of_another_stage_cannot_be_ticked(walk, staff):
    onboarding = walk(Stage.DECISION)
    with pytest.raises(services.WrongStage) as refused:
        services.tick(actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk, key="training_done")
    assert "«Beslutning»" in refused.value.message


def test_agreements_are_signed_and_completed_by_the_kommunedirektor(walk, director, staff):
    onboarding = walk(Stage.AGREEMENTS)
    with pytest.raises(services.NotAllowed):
        services.sign_agreement(
            actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk, kind="nks_access"
        )
    for kind in ("ks_service_agreement", "nav_cooperation_agreement", "nav_data_processing"):
        services.sign_agreement(actor=director, onboarding_id=onboarding.pk, kind=kind)
    with pytest.raises(services.ChecklistIncomplete) as incomplete:
        services.complete_agreements(actor=director, onboarding_id=onboarding.pk)
    assert "avtale om innsynsflate for NKS" in incomplete.value.message
    services.sign_agreement(actor=director, onboarding_id=onboarding.pk, kind="nks_access")
    with pytest.raises(services.NotAllowed):
        services.complete_agreements(actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk)
    assert (
        services.complete_agreements(actor=director, onboarding_id=onboarding.pk).stage == Stage.CONFIGURATION
    )


def test_configuration_is_completed_by_the_local_administrator(walk, director, staff):
    onboarding = walk(Stage.CONFIGURATION)
    admin = staff[Role.LOCAL_ADMINISTRATOR]
    with pytest.raises(services.ChecklistIncomplete) as incomplete:
        services.complete_configuration(actor=admin, onboarding_id=onboarding.pk)
    assert "Oppsettet er fylt ut" in incomplete.value.message
    with pytest.raises(services.NotAllowed):
        services.save_configuration(actor=director, onboarding_id=onboarding.pk, **CONFIGURATION)
    services.save_configuration(actor=admin, onboarding_id=onboarding.pk, **CONFIGURATION)
    change = AuditEntry.objects.filter(action="municipality.service_flags.changed", object_id=DRAMMEN).latest(
        "id"
    )
    assert change.before["channel"] == "" and change.after["channel"] == "fiks_io"
    assert change.actor == admin.username
    with pytest.raises(services.NotAllowed) as refused:
        services.complete_configuration(actor=director, onboarding_id=onboarding.pk)
    assert "lokal administrator" in refused.value.message
    # The baseline is measured before test mode begins: without it the step does not complete.
    with pytest.raises(services.ChecklistIncomplete) as incomplete:
        services.complete_configuration(actor=admin, onboarding_id=onboarding.pk)
    assert incomplete.value.message == (
        "Dette mangler før neste steg: Nullpunktet er målt: søknader, tidsbruk og henvendelser før digital søknad."
    )
    record_baseline(onboarding, staff[Role.FAGANSVARLIG])
    assert (
        services.complete_configuration(actor=admin, onboarding_id=onboarding.pk).stage == Stage.INTEGRATION
    )


def test_integration_is_completed_by_the_vendor(walk, staff, drammen_keys, drammen_folder):
    onboarding = walk(Stage.INTEGRATION)
    with pytest.raises(services.InvalidInput) as unreadable:
        services.connect_case_system(
            actor=staff[Role.VENDOR],
            onboarding_id=onboarding.pk,
            name="X",
            certificate_pem="not a certificate",
            public_key_pem=drammen_keys["public_key_pem"],
        )
    assert "Sertifikatet kan ikke leses" in unreadable.value.message
    with pytest.raises(services.NotAllowed):
        services.connect_case_system(
            actor=staff[Role.FAGANSVARLIG], onboarding_id=onboarding.pk, name="X", **drammen_keys
        )
    client_id = services.connect_case_system(
        actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, name="Testfagsystem", **drammen_keys
    )
    from digisos.exchange.models import ApiClient

    assert ApiClient.objects.get(client_id=client_id).municipality_id == DRAMMEN
    with pytest.raises(services.ChecklistIncomplete) as incomplete:
        services.complete_integration(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk)
    assert "testsøknad" in incomplete.value.message
    play_integration_tests(onboarding, staff[Role.VENDOR], drammen_folder)
    with pytest.raises(services.NotAllowed):
        services.complete_integration(actor=staff[Role.FAGANSVARLIG], onboarding_id=onboarding.pk)
    assert (
        services.complete_integration(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk).stage
        == Stage.GO_LIVE
    )


def test_go_live_is_booked_three_weeks_ahead_and_approved_by_an_operator(walk, staff, operator, mailoutbox):
    onboarding = walk(Stage.GO_LIVE)
    leader = staff[Role.NAV_OFFICE_LEADER]
    with pytest.raises(services.InvalidInput) as too_soon:
        services.request_go_live(
            actor=leader, onboarding_id=onboarding.pk, go_live_date=TODAY + timedelta(days=20), today=TODAY
        )
    assert "minst tre uker fram i tid, tidligst 22. desember 2026" in too_soon.value.message
    day = TODAY + timedelta(days=21)
    with pytest.raises(services.NotAllowed):
        services.request_go_live(
            actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, go_live_date=day, today=TODAY
        )
    services.request_go_live(actor=leader, onboarding_id=onboarding.pk, go_live_date=day, today=TODAY)
    with pytest.raises(services.NotAllowed) as refused:
        services.approve_go_live(actor=leader, onboarding_id=onboarding.pk)
    assert "digisos-operatør" in refused.value.message
    services.approve_go_live(actor=operator, onboarding_id=onboarding.pk)
    services.tick(actor=leader, onboarding_id=onboarding.pk, key="training_done")
    with pytest.raises(services.WrongStage):
        services.go_live(onboarding_id=onboarding.pk, today=day - timedelta(days=1))
    assert digital_status(DRAMMEN).outcome == "paper_only"
    mailoutbox.clear()
    assert services.go_live_due(today=day) == 1
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.LIVE
    [live_mail] = [m for m in mailoutbox if "fra i dag" in m.subject]
    assert live_mail.subject == "Drammen tar imot digitale søknader fra i dag"
    assert {"sara.holm@drammen.example.no", "ali.rahimi@drammen.example.no"} <= set(live_mail.to)
    # Citizens can apply from that day: "Kan jeg søke digitalt?" says so.
    assert digital_status(DRAMMEN).outcome == "digital_with_innsyn"
    flags = AuditEntry.objects.filter(action="municipality.service_flags.changed", object_id=DRAMMEN).latest(
        "id"
    )
    assert (
        flags.before["can_receive_applications"] is False and flags.after["can_receive_applications"] is True
    )


def test_go_live_waits_while_training_is_not_ticked(walk, staff, operator):
    onboarding = walk(Stage.GO_LIVE)
    day = TODAY + timedelta(days=21)
    services.request_go_live(
        actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk, go_live_date=day, today=TODAY
    )
    services.approve_go_live(actor=operator, onboarding_id=onboarding.pk)
    assert services.go_live_due(today=day) == 0
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.GO_LIVE


def test_a_new_date_needs_a_new_approval(walk, staff, operator):
    onboarding = walk(Stage.GO_LIVE)
    leader = staff[Role.NAV_OFFICE_LEADER]
    services.request_go_live(
        actor=leader, onboarding_id=onboarding.pk, go_live_date=TODAY + timedelta(days=21), today=TODAY
    )
    services.approve_go_live(actor=operator, onboarding_id=onboarding.pk)
    services.request_go_live(
        actor=leader, onboarding_id=onboarding.pk, go_live_date=TODAY + timedelta(days=28), today=TODAY
    )
    onboarding.refresh_from_db()
    assert onboarding.go_live_approved_at is None


def test_closure_and_reopening_show_to_citizens(walk, staff, director, outsider):
    onboarding = walk(Stage.LIVE)
    with pytest.raises(services.InvalidInput):
        services.close_temporarily(actor=director, onboarding_id=onboarding.pk, reason="  ")
    with pytest.raises(services.NotAllowed):
        services.close_temporarily(actor=outsider, onboarding_id=onboarding.pk, reason="Nytt fagsystem")
    services.close_temporarily(
        actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk, reason="Bytter fagsystem"
    )
    status = digital_status(DRAMMEN)
    assert status.outcome == "temporarily_closed"
    assert "Digital søknad er midlertidig stengt i Drammen" in status.message
    services.reopen(actor=director, onboarding_id=onboarding.pk)
    assert digital_status(DRAMMEN).outcome == "digital_with_innsyn"
    assert [e.after["stage"] for e in _audit("closed_temporarily") + _audit("reopened")] == ["closed", "live"]


def test_only_the_kommunedirektor_leaves(walk, staff, director):
    onboarding = walk(Stage.LIVE)
    with pytest.raises(services.NotAllowed):
        services.leave(actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk)
    services.leave(actor=director, onboarding_id=onboarding.pk)
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.LEFT
    assert digital_status(DRAMMEN).outcome == "paper_only"


def test_invitations_follow_who_may_invite_whom_and_mail_a_link(reference_data, director, staff, mailoutbox):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    admin = staff[Role.LOCAL_ADMINISTRATOR]
    # Not yet holding any role: refused.
    with pytest.raises(services.NotAllowed):
        services.invite(
            actor=admin, onboarding_id=onboarding.pk, role=Role.VENDOR, email="x@example.no", name="X"
        )
    give_role(onboarding, director, Role.LOCAL_ADMINISTRATOR, admin)
    mail = mailoutbox[-1]
    assert "Invitasjon: Lokal administrator for Drammen" in mail.subject
    assert "/pakobling/invitasjon/" in mail.body
    # The local administrator invites the vendor, but may not name the NAV office leader.
    services.invite(
        actor=admin, onboarding_id=onboarding.pk, role=Role.VENDOR, email="v@example.no", name="V"
    )
    with pytest.raises(services.NotAllowed):
        services.invite(
            actor=admin,
            onboarding_id=onboarding.pk,
            role=Role.NAV_OFFICE_LEADER,
            email="n@example.no",
            name="N",
        )


def test_a_role_holder_delegates_their_own_role(reference_data, director, staff, outsider):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    give_role(onboarding, director, Role.NAV_OFFICE_LEADER, staff[Role.NAV_OFFICE_LEADER])
    give_role(onboarding, staff[Role.NAV_OFFICE_LEADER], Role.NAV_OFFICE_LEADER, outsider)
    assert onboarding.assignments.filter(role=Role.NAV_OFFICE_LEADER, ended_at=None).count() == 2


def test_an_invitation_is_used_once(reference_data, director, staff):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    _invitation, token = services.invite(
        actor=director, onboarding_id=onboarding.pk, role=Role.FAGANSVARLIG, email="s@example.no", name="Sara"
    )
    services.accept_invitation(actor=staff[Role.FAGANSVARLIG], token=token)
    with pytest.raises(services.InvalidInvitation) as used:
        services.accept_invitation(actor=staff[Role.TEKNISK_ANSVARLIG], token=token)
    assert "allerede brukt" in used.value.message


def test_the_kommunedirektor_right_is_asked_of_altinn_each_time(reference_data, director, settings):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    settings.REGISTER_ADAPTERS = {
        **settings.REGISTER_ADAPTERS,
        "altinn": "tests.onboarding.test_path.NoRights",
    }
    with pytest.raises(services.NotAllowed):
        services.tick(actor=director, onboarding_id=onboarding.pk, key="decision")


def test_altinn_down_is_said_plainly(reference_data, director, settings):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    settings.REGISTER_ADAPTERS = {
        **settings.REGISTER_ADAPTERS,
        "altinn": "tests.onboarding.test_path.AltinnDown",
    }
    with pytest.raises(services.NotAllowed) as refused:
        services.tick(actor=director, onboarding_id=onboarding.pk, key="decision")
    assert "får ikke sjekket rettighetene dine i Altinn" in refused.value.message


class NoRights:
    def get_authorisations(self, pid: str) -> list:
        return []


class AltinnDown:
    def get_authorisations(self, pid: str) -> list:
        from digisos.registers.ports import RegisterUnavailable

        raise RegisterUnavailable("Altinn")


def test_a_waiting_step_reminds_its_owner_once_per_wait(walk, staff, mailoutbox, settings):
    from django.utils import timezone

    onboarding = walk(Stage.CONFIGURATION)
    admin_mail = f"{staff[Role.LOCAL_ADMINISTRATOR].username}@example.no"
    later = timezone.now() + timedelta(days=settings.ONBOARDING_REMINDER_DAYS, minutes=1)
    mailoutbox.clear()
    assert services.remind_waiting(now=timezone.now()) == 0
    assert services.remind_waiting(now=later) == 1
    assert [m.to for m in mailoutbox] == [[admin_mail]]
    assert mailoutbox[0].subject == "Påminnelse: Drammen: «Oppsett» venter på deg"
    assert services.remind_waiting(now=later + timedelta(days=30)) == 0
    # The next step is a new wait, and gets its own reminder.
    services.save_configuration(
        actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk, **CONFIGURATION
    )
    record_baseline(onboarding, staff[Role.FAGANSVARLIG])
    services.complete_configuration(actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk)
    mailoutbox.clear()
    assert services.remind_waiting(now=later + timedelta(days=30)) == 1
    assert mailoutbox[0].to == [f"{staff[Role.VENDOR].username}@example.no"]


def test_go_live_dates_are_weekly_batch_days(walk, staff):
    onboarding = walk(Stage.GO_LIVE)
    with pytest.raises(services.InvalidInput) as refused:
        services.request_go_live(
            actor=staff[Role.NAV_OFFICE_LEADER],
            onboarding_id=onboarding.pk,
            go_live_date=TODAY + timedelta(days=22),
            today=TODAY,
        )
    assert "ukentlige puljer på tirsdager" in refused.value.message


def test_the_operator_approves_a_batch_and_the_job_switches_it_on_the_day(walk, staff, operator):
    from digisos.onboarding import selectors
    from digisos.onboarding.tasks import switch_on_due_municipalities

    onboarding = walk(Stage.GO_LIVE)
    day = TODAY + timedelta(days=21)
    services.tick(actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk, key="training_done")
    services.request_go_live(
        actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk, go_live_date=day, today=TODAY
    )
    [batch] = selectors.planned_batches(TODAY)
    assert (batch.day, batch.municipalities, batch.pending) == (day, [(DRAMMEN, "Drammen", False)], 1)
    with pytest.raises(services.NotAllowed):
        services.approve_batch(actor=staff[Role.NAV_OFFICE_LEADER], day=day)
    assert services.approve_batch(actor=operator, day=day) == 1
    assert services.go_live_due(today=day - timedelta(days=1)) == 0
    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=day):
        assert switch_on_due_municipalities.call() == 1
    assert digital_status(DRAMMEN).accepts_applications


def test_the_national_board_counts_stages_and_inhabitants_who_can_apply(walk):
    from digisos.municipalities.models import Municipality
    from digisos.onboarding import selectors

    before = selectors.national_board()
    walk(Stage.LIVE)
    board = selectors.national_board()
    assert dict((stage, n) for stage, _label, n in board.by_stage)["live"] == 1
    drammen = Municipality.objects.get(pk=DRAMMEN).population
    assert board.inhabitants_digital == before.inhabitants_digital + drammen
    assert board.municipalities_digital == before.municipalities_digital + 1


def test_a_municipality_without_a_case_system_chooses_the_inbox(walk, staff):
    from digisos.exchange.models import Receiver
    from digisos.onboarding import selectors

    onboarding = walk(Stage.INTEGRATION)
    assert not selectors.automatic_done(onboarding, "case_system_connected")
    with pytest.raises(services.NotAllowed):
        services.choose_manual_inbox(
            actor=staff[Role.NAV_OFFICE_LEADER],
            onboarding_id=onboarding.pk,
            inbox_email="sosial@drammen.example.no",
        )
    services.choose_manual_inbox(
        actor=staff[Role.LOCAL_ADMINISTRATOR],
        onboarding_id=onboarding.pk,
        inbox_email="sosial@drammen.example.no",
    )
    assert Receiver.objects.get(pk=DRAMMEN).channel == Receiver.Channel.INBOX
    assert selectors.automatic_done(onboarding, "case_system_connected")


def test_stages_over_time_come_from_the_audit_log(walk):
    from django.utils import timezone

    from digisos.onboarding import selectors

    walk(Stage.CONFIGURATION)
    rows = selectors.stages_over_time(timezone.localdate(), months=3)
    assert len(rows) == 3
    assert rows[-1] == (timezone.localdate(), {"configuration": 1})
    assert rows[0][1] == {}


def test_an_expired_invitation_is_refused(reference_data, director, staff):
    from digisos.onboarding.models import Invitation

    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    invitation, token = services.invite(
        actor=director, onboarding_id=onboarding.pk, role=Role.FAGANSVARLIG, email="s@example.no", name="Sara"
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=invitation.created_at - timedelta(days=15))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at - timedelta(days=1))
    with pytest.raises(services.InvalidInvitation) as expired:
        services.accept_invitation(actor=staff[Role.FAGANSVARLIG], token=token)
    assert "utløpt" in expired.value.message
    assert not onboarding.assignments.filter(role=Role.FAGANSVARLIG).exists()


def test_an_employee_cannot_take_an_invitation(reference_data, director, operator):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    _invitation, token = services.invite(
        actor=director, onboarding_id=onboarding.pk, role=Role.FAGANSVARLIG, email="s@example.no", name="Sara"
    )
    with pytest.raises(services.NotAllowed) as refused:
        services.accept_invitation(actor=operator, token=token)
    assert "Logg inn med ID-porten" in refused.value.message


def test_a_role_is_ended_by_its_holder_or_by_who_may_invite_to_it(walk, director, staff, outsider):
    onboarding = walk(Stage.DECISION)
    give_role(onboarding, staff[Role.FAGANSVARLIG], Role.FAGANSVARLIG, outsider)  # delegated to a colleague
    mine = onboarding.assignments.get(role=Role.FAGANSVARLIG, user=staff[Role.FAGANSVARLIG])
    theirs = onboarding.assignments.get(role=Role.FAGANSVARLIG, user=outsider)
    with pytest.raises(services.NotAllowed):
        services.end_role(actor=staff[Role.VENDOR], assignment_id=theirs.pk)
    services.end_role(actor=staff[Role.FAGANSVARLIG], assignment_id=mine.pk)  # hands the role over
    services.end_role(actor=director, assignment_id=theirs.pk)
    assert not onboarding.assignments.filter(role=Role.FAGANSVARLIG, ended_at=None).exists()
    with pytest.raises(services.InvalidInput):
        services.end_role(actor=director, assignment_id=theirs.pk)
    assert _audit("role_ended")[-1].before["role"] == "fagansvarlig"


def test_the_integration_tests_tick_themselves_as_the_exchange_sees_them(walk, document_settings):
    from digisos.exchange.models import Delivery
    from digisos.municipalities.models import ServiceConfiguration
    from digisos.onboarding import selectors
    from tests.factories import CaseFactory

    onboarding = walk(Stage.INTEGRATION)
    assert selectors.integration_seen(onboarding) == set()
    # A test application to Drammen (taken for the test: test mode is not built yet), received and decided.
    ServiceConfiguration.objects.filter(pk=DRAMMEN).update(can_receive_applications=True)
    case = CaseFactory(persona="ikke-nordisk-drammen", state="decided")
    assert case.municipality_id == DRAMMEN
    assert selectors.integration_seen(onboarding) == {"test_status_reported", "test_letter_posted"}
    Delivery.objects.filter(case=case, kind=Delivery.Kind.SOKNAD).update(status=Delivery.Status.COLLECTED)
    assert "test_collected" in selectors.integration_seen(onboarding)
    done = {line.item.key for line in selectors.checklist(onboarding) if line.done}
    assert {"test_collected", "test_status_reported", "test_letter_posted"} <= done
    assert "test_ettersendelse_collected" not in done
