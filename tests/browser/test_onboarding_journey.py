"""Onboarding in Chromium, axe on every page: Drammen's kommunedirektør starts the path, invites the local
administrator, ticks the decision by keyboard alone and signs the agreements (each signature shown verified);
the administrator configures; and records the baseline (nullpunktsmåling) before test mode; the vendor connects the simulator, sends a test application and the test
checklist fills itself as the simulator collects it, reports and collects an ettersendelse; the NAV office leader books a batch day; the operator approves the batch; on the
day (time moved) the scheduled switch turns Drammen on and citizens read that they can apply digitally."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from tests.fixtures.browser import check_accessibility, tab_to
from tests.fixtures.personas import citizen
from tests.onboarding.conftest import (  # noqa: F401  (the signing test CA is autouse)
    DRAMMEN,
    drammen_folder,
    drammen_keys,
    signing_test_ca,
)

from digisos.accounts.models import User
from digisos.exchange.models import ApiClient
from digisos.onboarding import services
from digisos.onboarding.models import Onboarding, Role, Stage
from digisos.onboarding.path import batch_days
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos_simulator.simulator import CaseStory, FagsystemClient, collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, path: str, persona: str, *, employee: bool = False) -> None:
    """Logs out whoever was in (cookies gone) and logs `persona` in through the local ID-porten."""
    page.context.clear_cookies()
    page.goto(path)
    if not employee:
        expect(page.get_by_role("heading", name="Velg testperson")).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Velg testansatt")).to_be_visible()
    check_accessibility(page)
    page.locator(f"#sub-{persona}").check()
    page.get_by_role("button", name="Logg inn").click()


def shown(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(message)
    check_accessibility(page)


def test_drammen_goes_from_decision_to_live(
    page,
    idporten_settings,
    municipalities_loaded,
    mailoutbox,
    live_server,
    document_settings,
    drammen_folder,  # noqa: F811 (the fixture)
    drammen_keys,  # noqa: F811 (the fixture)
):
    # The kommunedirektør: Altinn says she may sign for Drammen kommune.
    log_in(page, "/auth/login/?next=/pakobling/", "kommunedirektor-drammen")
    expect(page.get_by_role("heading", name="Start påkoblingen for Drammen kommune")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Din e-postadresse på jobb").fill("randi.bakke@drammen.example.no")
    page.get_by_role("button", name="Start påkoblingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drammen: påkobling til digital søknad")
    check_accessibility(page)
    expect(page.locator('[aria-current="step"]')).to_contain_text("Beslutning (nå)")
    expect(page.locator('[data-item="administrator_named"]')).to_contain_text("Mangler:")

    # She invites the local administrator through the form.
    page.get_by_role("link", name="Inviter en person til en rolle").click()
    check_accessibility(page)
    page.get_by_label("Rolle").select_option(Role.LOCAL_ADMINISTRATOR)
    page.get_by_label("Navn").fill("Tor Lie")
    page.get_by_label("E-postadresse").fill("tor.lie@drammen.example.no")
    page.get_by_role("button", name="Send invitasjonen").click()
    shown(page, "Invitasjonen er sendt på e-post.")
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/pakobling/invitasjon/" in line)
    invitation_path = link[link.index("/pakobling/") :]

    # The other roles are invited and taken without the browser (the form is the same).
    onboarding = Onboarding.objects.get(municipality_id=DRAMMEN)
    director = User.objects.get(first_name="Randi", kind=User.Kind.CITIZEN)
    people = {}
    for role, persona in (
        (Role.FAGANSVARLIG, "fagansvarlig-drammen"),
        (Role.TEKNISK_ANSVARLIG, "teknisk-drammen"),
        (Role.VENDOR, "leverandor-fagsystem"),
        (Role.NAV_OFFICE_LEADER, "navleder-drammen"),
    ):
        people[role] = citizen(persona)
        _invitation, token = services.invite(
            actor=director,
            onboarding_id=onboarding.pk,
            role=role,
            email=f"{persona}@example.no",
            name=persona,
        )
        services.accept_invitation(actor=people[role], token=token)

    # Tor takes his role through the link in the mail.
    log_in(page, invitation_path, "kommuneadmin-drammen")
    expect(page.get_by_role("heading", name="Ta imot invitasjonen")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Ta imot rollen").click()
    shown(page, "Du er nå lokal administrator.")

    # The kommunedirektør's part by keyboard alone: tick the decision items and complete the step.
    log_in(page, "/auth/login/?next=/pakobling/3301/", "kommunedirektor-drammen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drammen: påkobling til digital søknad")
    check_accessibility(page)
    tab_to(page, "^Marker som ferdig: Kommunen har besluttet")
    page.keyboard.press("Enter")
    shown(page, "Punktet er krysset av.")
    tab_to(page, "^Marker som ferdig: Leverandøren av fagsystemet er kontaktet")
    page.keyboard.press("Enter")
    shown(page, "Punktet er krysset av.")
    tab_to(page, "^Fullfør steget og gå videre$")
    page.keyboard.press("Enter")
    shown(page, "Steget er fullført.")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Avtaler (nå)")

    # She signs the four agreements; each shows its signature verified.
    for label in (
        "KS: tjenestevedlegg for Digisos",
        "Nav: samarbeidsavtale om digitale tjenester",
        "Nav: databehandleravtale",
        "Nav: avtale om innsynsflate for NKS",
    ):
        page.get_by_role("button", name=f"Signer elektronisk: {label}").click()
        shown(page, "Avtalen er signert, og signaturen er bekreftet.")
    expect(page.locator('[data-verified="true"]')).to_have_count(4)
    page.get_by_role("button", name="Fullfør steget og gå videre").click()
    shown(page, "Steget er fullført.")

    # The local administrator configures: an error first, then a good configuration.
    log_in(page, "/auth/login/?next=/pakobling/3301/oppsett/", "kommuneadmin-drammen")
    expect(page.get_by_role("heading", name="Oppsett for digital søknad")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Fiks IO (anbefalt): fagsystemet henter søknadene").check()
    page.get_by_role("button", name="Lagre oppsettet").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Skriv Fiks IO-kontoen, eller velg en annen kanal."
    )
    check_accessibility(page)
    page.get_by_label("Fiks IO-konto (bare for Fiks IO)").fill("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    page.get_by_label("E-post til fagansvarlig").fill("sara.holm@drammen.example.no")
    page.get_by_label("E-post til teknisk ansvarlig").fill("ali.rahimi@drammen.example.no")
    page.get_by_label("Fagsystemet sender status, så søkerne kan følge saken på nett").check()
    page.get_by_role("button", name="Lagre oppsettet").click()
    shown(page, "Oppsettet er lagret.")

    # The baseline (nullpunktsmåling) before test mode begins: a share over 100 first, then good figures.
    expect(page.locator('[data-item="baseline_recorded"]')).to_have_attribute("data-done", "false")
    page.get_by_role("link", name="Registrer nullpunktet").click()
    expect(page.get_by_role("heading", name="Nullpunktsmåling før digital søknad")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Søknader om økonomisk sosialhjelp per måned").fill("120")
    page.get_by_label("Andel som kommer digitalt (prosent)").fill("150")
    page.get_by_label("Minutter for å registrere eller skanne én papirsøknad").fill("15")
    page.get_by_label("Besøk på Nav-kontoret om søknader per måned").fill("80")
    page.get_by_label("Hvem målte").fill("Tor Lie, lokal administrator")
    page.get_by_label("Hvordan dere målte").fill("Søknadene talt i arkivet, tiden tatt på ti søknader.")
    page.get_by_label("Måleperioden begynte").fill("2026-09-01")
    page.get_by_label("Måleperioden sluttet").fill("2026-10-31")
    page.get_by_role("button", name="Lagre nullpunktet").click()
    expect(page.locator("#error-summary")).to_contain_text("Skriv andelen som et tall fra 0 til 100")
    check_accessibility(page)
    page.get_by_label("Andel som kommer digitalt (prosent)").fill("0")
    page.get_by_role("button", name="Lagre nullpunktet").click()
    shown(page, "Nullpunktet er lagret.")
    expect(page.locator('[data-item="baseline_recorded"]')).to_have_attribute("data-done", "true")
    expect(page.get_by_test_id("baseline")).to_contain_text("Målt av Tor Lie, lokal administrator")

    page.get_by_role("button", name="Fullfør steget og gå videre").click()
    shown(page, "Steget er fullført.")

    # The vendor connects the case system on its page (the simulator's keys).
    log_in(page, "/auth/login/?next=/pakobling/3301/", "leverandor-fagsystem")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drammen: påkobling til digital søknad")
    check_accessibility(page)
    page.get_by_role("link", name="Koble til fagsystemet").click()
    check_accessibility(page)
    page.get_by_label("Navn på fagsystemet").fill("Simulatoren")
    page.get_by_label("Sertifikat (PEM) som søknadene krypteres til").fill(drammen_keys["certificate_pem"])
    page.get_by_label("Offentlig nøkkel (PEM) som fagsystemets innlogging sjekkes mot").fill(
        drammen_keys["public_key_pem"]
    )
    page.get_by_role("button", name="Koble til").click()
    shown(page, "Fagsystemet er koblet til.")
    expect(page.locator('[data-item="case_system_connected"]')).to_have_attribute("data-done", "true")

    # In test mode only test persons may apply; the vendor sends a test application with the button, and the
    # simulator (the case system, over HTTP) collects and acknowledges it, reports MOTTATT and posts a letter,
    # then collects the test person's ettersendelse. The checklist ticks itself as each happens.
    expect(page.locator('[data-item="test_collected"]')).to_have_attribute("data-done", "false")
    page.get_by_role("button", name="Send en testsøknad").click()
    shown(page, "er sendt.")
    simulator = FagsystemClient(
        base_url=live_server.url,
        client_id=ApiClient.objects.get(municipality_id=DRAMMEN).client_id,
        client_key_pem=(drammen_folder / "klient.pem").read_bytes(),
        log=lambda _line: None,
    )
    receiver_key = (drammen_folder / "mottak.pem").read_bytes()
    (collected,) = collect(simulator, receiver_key)
    page.reload()
    expect(page.locator('[data-item="test_collected"]')).to_have_attribute("data-done", "true")
    expect(page.locator('[data-item="test_status_reported"]')).to_have_attribute("data-done", "false")
    story = CaseStory(simulator, collected.delivery["fiksDigisosId"])
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    story.add(builders.forelopig_svar(story.letter("svar.pdf", "Foreløpig svar", ["Testbrev."])))
    page.reload()
    expect(page.locator('[data-item="test_status_reported"]')).to_have_attribute("data-done", "true")
    expect(page.locator('[data-item="test_letter_posted"]')).to_have_attribute("data-done", "true")
    # Nothing moves on while one test is missing.
    page.get_by_role("button", name="Fullfør steget og gå videre").click()
    shown(page, "Fagsystemet har hentet en ettersendelse")
    page.get_by_role("button", name="Send en ettersendelse til testsøknaden").click()
    shown(page, "Ettersendelsen til testsøknaden er sendt.")
    (ettersendelse,) = collect(simulator, receiver_key)
    assert ettersendelse.delivery["type"] == "ettersendelse"
    page.reload()
    expect(page.locator('[data-item="test_ettersendelse_collected"]')).to_have_attribute("data-done", "true")
    check_accessibility(page)
    page.get_by_role("button", name="Fullfør steget og gå videre").click()
    shown(page, "Steget er fullført.")

    # The NAV office leader: training done, a batch day booked.
    day = batch_days(timezone.localdate())[0]
    log_in(page, "/auth/login/?next=/pakobling/3301/", "navleder-drammen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drammen: påkobling til digital søknad")
    check_accessibility(page)
    page.get_by_role("button", name="Marker som ferdig: De ansatte har fått opplæring").click()
    shown(page, "Punktet er krysset av.")
    page.get_by_role("link", name="Bestill dato for oppstart").click()
    check_accessibility(page)
    page.get_by_label("Ønsket dato for oppstart").fill(day.isoformat())
    page.get_by_role("button", name="Bestill datoen").click()
    shown(page, "Datoen er bestilt.")

    # The operator approves the week's batch on the board.
    log_in(page, "/auth/ansatt/login/?next=/pakobling/tavle/", "ole-operator", employee=True)
    expect(page.get_by_role("heading", name="Påkoblingstavle")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name=f"Godkjenn puljen {day.day}.").click()
    shown(page, "Puljen er godkjent: 1 kommuner.")

    # On the day (time moved), the scheduled switch turns Drammen on; citizens can apply.
    assert services.go_live_due(today=day - timedelta(days=1)) == 0
    assert services.go_live_due(today=day) == 1
    onboarding.refresh_from_db()
    assert onboarding.stage == Stage.LIVE
    page.goto("/kommuner/3301/")
    expect(page.locator('[data-outcome="digital_with_innsyn"]')).to_contain_text("Du kan søke digitalt")
    check_accessibility(page)

    # The public summary counts Drammen among the live municipalities.
    page.goto("/pakobling/oversikt/")
    expect(page.get_by_test_id("inhabitants")).to_contain_text("innbyggere kan søke digitalt i dag")
    expect(page.get_by_test_id("over-time")).to_be_visible()
    check_accessibility(page)
