"""Integration and test: test mode (only synthetic test persons may send), the "send a test application"
button, and the test checklist ticking itself from what the exchange stores — never by hand."""

import pytest
from django.urls import reverse

from digisos.core.identifiers import is_synthetic_identity_number
from digisos.exchange.models import Case
from digisos.municipalities.models import ServiceConfiguration
from digisos.onboarding import selectors, services
from digisos.onboarding.models import Role, Stage
from tests.factories import ApplicationFactory
from tests.fixtures.personas import citizen
from tests.onboarding.conftest import CONFIGURATION, DRAMMEN, play_integration_tests, record_baseline

TESTS = ("test_collected", "test_status_reported", "test_letter_posted", "test_ettersendelse_collected")


def _test_mode() -> bool:
    return ServiceConfiguration.objects.get(pk=DRAMMEN).test_mode


@pytest.fixture
def integration(walk, staff, drammen_keys):
    """Drammen in integration and test with the vendor's case system connected (keys in drammen_folder)."""
    onboarding = walk(Stage.INTEGRATION)
    services.connect_case_system(
        actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, name="Testfagsystem", **drammen_keys
    )
    return onboarding


def _ticked(onboarding) -> set[str]:
    onboarding.refresh_from_db()
    return {line.item.key for line in selectors.checklist(onboarding) if line.done} & set(TESTS)


def test_a_test_person_is_one_with_a_synthetic_number():
    assert is_synthetic_identity_number("14839110090")  # Tenor (month + 80): the demo Kari
    assert not is_synthetic_identity_number("01019010046")  # a valid real-range fødselsnummer
    assert not is_synthetic_identity_number("not a number")


def test_integration_turns_test_mode_on(walk, staff):
    onboarding = walk(Stage.CONFIGURATION)
    assert not _test_mode()
    admin = staff[Role.LOCAL_ADMINISTRATOR]
    services.save_configuration(actor=admin, onboarding_id=onboarding.pk, **CONFIGURATION)
    record_baseline(onboarding, staff[Role.FAGANSVARLIG])
    services.complete_configuration(actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk)
    assert _test_mode()
    # Citizens still read that Drammen takes paper applications only.
    assert ServiceConfiguration.objects.get(pk=DRAMMEN).accepts_applications is False


def test_test_mode_ends_on_the_go_live_day(walk):
    walk(Stage.LIVE)
    configuration = ServiceConfiguration.objects.get(pk=DRAMMEN)
    assert not configuration.test_mode and configuration.accepts_applications


def test_in_test_mode_only_a_test_person_may_send(walk, client, document_settings, monkeypatch):
    walk(Stage.INTEGRATION)
    person = citizen("ikke-nordisk-drammen")
    application = ApplicationFactory(owner=person, upload=False)
    assert application.municipality_id == DRAMMEN
    client.force_login(person)
    # Someone who is not a test person (a real fødselsnummer) meets the gate with a plain message.
    monkeypatch.setattr("digisos.application.services.is_test_person", lambda _user: False)
    summary = client.get(reverse("application:step", args=[application.id, "oppsummering"]))
    assert b"data-send-form" not in summary.content
    refused = client.post(reverse("application:send", args=[application.id]))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert 'data-gate="test_mode"' in page
    assert "tester nå med testpersoner" in page and "Send søknaden på papir" in page
    assert not Case.objects.filter(municipality_id=DRAMMEN).exists()
    # The synthetic demo person may: the application goes through the real send path to Drammen.
    monkeypatch.undo()
    summary = client.get(reverse("application:step", args=[application.id, "oppsummering"]))
    assert b"data-send-form" in summary.content
    sent = client.post(reverse("application:send", args=[application.id]))
    assert sent.status_code == 302
    assert Case.objects.filter(municipality_id=DRAMMEN, owner=person).exists()


def test_the_test_items_cannot_be_ticked_by_hand(walk, staff):
    onboarding = walk(Stage.INTEGRATION)
    for key in TESTS:
        with pytest.raises(services.InvalidInput) as refused:
            services.tick(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk, key=key)
        assert "kan ikke krysses av for hånd" in refused.value.message
    assert _ticked(onboarding) == set()


def test_the_checklist_ticks_itself_as_the_case_system_works(integration, staff, drammen_folder):
    onboarding = integration
    seen: dict[str, set[str]] = {}
    play_integration_tests(
        onboarding,
        staff[Role.VENDOR],
        drammen_folder,
        seen=lambda step: seen.update({step: _ticked(onboarding)}),
    )
    assert seen == {
        "sent": set(),
        "collected": {"test_collected"},
        "reported": {"test_collected", "test_status_reported"},
        "letter": {"test_collected", "test_status_reported", "test_letter_posted"},
        "ettersendelse": set(TESTS),
    }
    assert (
        services.complete_integration(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk).stage
        == Stage.GO_LIVE
    )


def test_nothing_moves_on_while_one_test_is_missing(integration, staff, drammen_folder, monkeypatch):
    onboarding = integration
    # The case system does everything but collect the ettersendelse.
    monkeypatch.setattr(services, "send_test_ettersendelse", lambda **_kwargs: None)
    with pytest.raises(ValueError):
        play_integration_tests(onboarding, staff[Role.VENDOR], drammen_folder)
    assert _ticked(onboarding) == set(TESTS) - {"test_ettersendelse_collected"}
    with pytest.raises(services.ChecklistIncomplete) as refused:
        services.complete_integration(actor=staff[Role.VENDOR], onboarding_id=onboarding.pk)
    assert refused.value.message == "Dette mangler før neste steg: Fagsystemet har hentet en ettersendelse."
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.INTEGRATION and _test_mode()


def test_the_test_application_button(walk, client, staff, document_settings):
    onboarding = walk(Stage.INTEGRATION)
    page = reverse("onboarding:detail", args=[DRAMMEN])
    act = reverse("onboarding:act", args=[DRAMMEN])
    client.force_login(staff[Role.FAGANSVARLIG])
    assert 'data-testid="send-test"' not in client.get(page).content.decode()
    refused = client.post(act, {"action": "send_test"}, follow=True).content.decode()
    assert "Bare " in refused and not Case.objects.filter(municipality_id=DRAMMEN).exists()
    client.force_login(staff[Role.VENDOR])
    assert 'data-testid="send-test"' in client.get(page).content.decode()
    early = client.post(act, {"action": "send_test_ettersendelse"}, follow=True).content.decode()
    assert "Send en testsøknad først" in early
    sent = client.post(act, {"action": "send_test"}, follow=True).content.decode()
    case = Case.objects.get(municipality_id=DRAMMEN)
    assert f"Testsøknaden {case.application.reference} er sendt." in sent
    assert is_synthetic_identity_number(case.owner.pid)
    assert case.deliveries.count() == 1
    client.post(act, {"action": "send_test_ettersendelse"}, follow=True)
    assert case.deliveries.filter(kind="ettersendelse").count() == 1
    assert onboarding.stage == Stage.INTEGRATION


def test_a_paper_case_reported_on_proves_nothing(integration, drammen_folder):
    from digisos.soker import builders
    from digisos.soker.constants import SoknadsStatus
    from digisos_simulator.simulator import CaseStory
    from tests.onboarding.conftest import case_system

    simulator = case_system(drammen_folder)
    paper = simulator.create_paper_case("01019010046")  # a real-range number: a paper application
    story = CaseStory(simulator, paper["fiksDigisosId"])
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    story.add(builders.forelopig_svar(story.letter("svar.pdf", "Foreløpig svar", ["Brev."])))
    assert Case.objects.filter(municipality_id=DRAMMEN, application__isnull=True).exists()
    assert _ticked(integration) == set()
