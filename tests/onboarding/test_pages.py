"""The onboarding pages: where the municipality is, what is missing and who must do it; the forms."""

from datetime import date

import pytest
from django.urls import reverse

from digisos.onboarding import services
from digisos.onboarding.models import Role, Stage
from tests.onboarding.conftest import CONFIGURATION, DRAMMEN

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_stage_what_is_missing_and_who_must_do_it(client, walk, director):
    walk(Stage.DECISION)
    client.force_login(director)
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert 'aria-current="step"><strong>Beslutning (nå)</strong>' in page
    assert 'data-item="decision" data-done="false"' in page
    assert 'data-item="contacts_named" data-done="true"' in page
    assert "Gjøres av: Kommunedirektør" in page
    assert "Marker som ferdig: Kommunen har besluttet" in page
    # Each step shows its owner by name where one is invited.
    assert "Gjøres av: Lokal administrator" not in page  # not in this stage's checklist
    assert "Navn" in page and "@example.no" in page


def test_a_person_without_a_role_is_refused(client, walk, outsider):
    walk(Stage.DECISION)
    client.force_login(outsider)
    assert client.get(reverse("onboarding:detail", args=[DRAMMEN])).status_code == 403


def test_a_wrong_person_is_told_who_may_do_it(client, walk, staff):
    walk(Stage.DECISION)
    client.force_login(staff[Role.VENDOR])
    response = client.post(
        reverse("onboarding:act", args=[DRAMMEN]), {"action": "tick", "key": "decision"}, follow=True
    )
    assert "Bare kommunedirektør for Drammen kan gjøre dette." in response.content.decode()


def test_the_kommunedirektor_starts_from_the_index(client, reference_data, director):
    client.force_login(director)
    page = client.get(reverse("onboarding:index")).content.decode()
    assert "Start påkoblingen for Drammen kommune" in page
    response = client.post(reverse("onboarding:start", args=[DRAMMEN]), {"email": "randi@drammen.example.no"})
    assert response.status_code == 302
    assert response.url == reverse("onboarding:detail", args=[DRAMMEN])


def test_the_configuration_form_says_what_to_fix(client, walk, staff):
    walk(Stage.CONFIGURATION)
    client.force_login(staff[Role.LOCAL_ADMINISTRATOR])
    response = client.post(
        reverse("onboarding:configure", args=[DRAMMEN]),
        {"channel": "fiks_io", "fagansvarlig_emails": "ikke-en-adresse", "svarut_organisation_number": "123"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "«ikke-en-adresse» er ikke en gyldig e-postadresse." in page
    assert "Skriv minst én e-postadresse til teknisk ansvarlig." in page
    assert "Skriv Fiks IO-kontoen, eller velg en annen kanal." in page
    assert "Organisasjonsnummeret er ikke gyldig. Det skal ha 9 siffer." in page


def test_a_saved_configuration_shows_at_once_to_citizens(client, walk, staff):
    walk(Stage.CONFIGURATION)
    client.force_login(staff[Role.LOCAL_ADMINISTRATOR])
    form = {
        **CONFIGURATION,
        "can_update_status": "on",
        "paper_address": "Nav Drammen, Postboks 1, 3001 Drammen",
    }
    response = client.post(reverse("onboarding:configure", args=[DRAMMEN]), form)
    assert response.status_code == 302
    citizen_page = client.get(reverse("municipalities:detail", args=[DRAMMEN])).content.decode()
    assert "Send søknaden til: Nav Drammen, Postboks 1, 3001 Drammen" in citizen_page
    detail = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert 'data-item="configuration_complete" data-done="true"' in detail


def test_the_closure_message_is_shown_to_citizens(client, walk, staff):
    walk(Stage.LIVE)
    client.force_login(staff[Role.LOCAL_ADMINISTRATOR])
    response = client.post(reverse("onboarding:close", args=[DRAMMEN]), {"reason": "Bytter fagsystem"})
    assert response.status_code == 302
    client.logout()
    citizen_page = client.get(reverse("municipalities:detail", args=[DRAMMEN])).content.decode()
    assert "Digital søknad er midlertidig stengt i Drammen" in citizen_page


def test_an_invitation_is_taken_through_its_link(client, reference_data, director, outsider, mailoutbox):
    onboarding = services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi@drammen.example.no"
    )
    client.force_login(director)
    response = client.post(
        reverse("onboarding:invite", args=[DRAMMEN]),
        {"role": Role.FAGANSVARLIG, "name": "Kari Nordmann", "email": "kari@drammen.example.no"},
    )
    assert response.status_code == 302
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/pakobling/invitasjon/" in line)
    path = link[link.index("/pakobling/") :]
    client.force_login(outsider)
    assert client.post(path).status_code == 302
    assert onboarding.assignments.filter(role=Role.FAGANSVARLIG, user=outsider).exists()
    again = client.post(path)
    assert again.status_code == 400
    assert "allerede brukt" in again.content.decode()


def test_the_go_live_date_is_booked_and_approved_through_the_pages(client, walk, staff, operator):
    walk(Stage.GO_LIVE)
    client.force_login(staff[Role.NAV_OFFICE_LEADER])
    too_soon = client.post(reverse("onboarding:book", args=[DRAMMEN]), {"go_live_date": "2000-01-01"})
    assert too_soon.status_code == 400
    assert "minst tre uker fram i tid" in too_soon.content.decode()
    assert (
        client.post(reverse("onboarding:book", args=[DRAMMEN]), {"go_live_date": "2099-03-03"}).status_code
        == 302
    )
    client.force_login(operator)
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert "Godkjenn oppstartsdatoen" in page
    client.post(reverse("onboarding:act", args=[DRAMMEN]), {"action": "approve"})
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert "Godkjent av DigiSos" in page


def test_the_kommunedirektor_signs_on_the_page_and_sees_the_signature_verified(client, walk, director):
    walk(Stage.AGREEMENTS)
    client.force_login(director)
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert "Signer elektronisk: Nav: databehandleravtale" in page
    draft = client.get(reverse("onboarding:agreement-pdf", args=[DRAMMEN, "nav_data_processing", "utkast"]))
    assert draft["Content-Type"] == "application/pdf" and draft.content.startswith(b"%PDF")
    response = client.post(
        reverse("onboarding:agreement-sign", args=[DRAMMEN, "nav_data_processing"]), follow=True
    )
    page = response.content.decode()
    assert "Avtalen er signert, og signaturen er bekreftet." in page
    assert 'data-verified="true"' in page


def test_an_upload_whose_signature_fails_is_refused_on_the_page(client, walk, director):
    from django.core.files.uploadedfile import SimpleUploadedFile

    walk(Stage.AGREEMENTS)
    client.force_login(director)
    draft = client.get(reverse("onboarding:agreement-pdf", args=[DRAMMEN, "nks_access", "utkast"])).content
    response = client.post(
        reverse("onboarding:agreement-sign", args=[DRAMMEN, "nks_access"]),
        {"last_opp": "1", "fil": SimpleUploadedFile("avtale.pdf", draft, "application/pdf")},
        follow=True,
    )
    assert "Signaturen i filen kan ikke bekreftes, så avtalen er ikke lagret." in response.content.decode()


def test_a_signature_that_no_longer_verifies_is_flagged_on_display(client, walk, director):
    from digisos.onboarding.models import Agreement

    onboarding = walk(Stage.AGREEMENTS)
    services.sign_agreement(actor=director, onboarding_id=onboarding.pk, kind="nks_access")
    agreement = Agreement.objects.get(onboarding=onboarding, kind="nks_access")
    tampered = bytearray(agreement.signed_pdf)
    position = bytes(tampered).rindex(b"/Reason")
    tampered[position + 9] ^= 0x01
    Agreement.objects.filter(pk=agreement.pk).update(signed_pdf=bytes(tampered))
    client.force_login(director)
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert 'data-verified="false"' in page
    assert "Signaturen kan ikke bekreftes." in page


def test_the_board_shows_batches_to_operators_only(client, walk, staff, operator):
    onboarding = walk(Stage.GO_LIVE)
    services.request_go_live(
        actor=staff[Role.NAV_OFFICE_LEADER], onboarding_id=onboarding.pk, go_live_date=date(2099, 3, 3)
    )
    client.force_login(staff[Role.NAV_OFFICE_LEADER])
    assert client.get(reverse("onboarding:board")).status_code == 403
    client.force_login(operator)
    page = client.get(reverse("onboarding:board")).content.decode()
    assert 'data-batch="2099-03-03"' in page and "venter på godkjenning" in page
    client.post(reverse("onboarding:board"), {"day": "2099-03-03"})
    assert "Drammen</a>: godkjent" in client.get(reverse("onboarding:board")).content.decode()


def test_the_public_summary_counts_inhabitants_who_can_apply(client, walk):
    walk(Stage.DECISION)
    page = client.get(reverse("onboarding:summary")).content.decode()
    assert "innbyggere kan søke digitalt i dag" in page
    assert (
        '<th scope="row" class="aksel-table__data-cell">Beslutning</th><td class="aksel-table__data-cell">1</td>'
        in page
    )


def test_the_local_administrator_chooses_the_inbox_on_a_page(client, walk, staff):
    walk(Stage.INTEGRATION)
    client.force_login(staff[Role.LOCAL_ADMINISTRATOR])
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert "Uten fagsystem: ta imot søknadene i innboksen" in page
    assert "Koble til fagsystemet" not in page  # the vendor's part
    wrong = client.post(reverse("onboarding:choose-inbox", args=[DRAMMEN]), {"inbox_email": "nei"})
    assert wrong.status_code == 400 and "Skriv e-postadressen som navn@kommune.no." in wrong.content.decode()
    response = client.post(
        reverse("onboarding:choose-inbox", args=[DRAMMEN]),
        {"inbox_email": "sosial@drammen.example.no"},
        follow=True,
    )
    assert "Søknadene kommer til innboksen i DigiSos." in response.content.decode()
    assert 'data-item="case_system_connected" data-done="true"' in response.content.decode()


def test_a_holder_ends_their_own_role_on_the_page(client, walk, staff):
    onboarding = walk(Stage.DECISION)
    vendor = staff[Role.VENDOR]
    client.force_login(vendor)
    page = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    assert page.count("Avslutt rollen til") == 1  # only their own
    assignment = onboarding.assignments.get(user=vendor)
    response = client.post(
        reverse("onboarding:act", args=[DRAMMEN]),
        {"action": "end_role", "assignment": assignment.pk},
        follow=True,
    )
    assert response.status_code == 403  # no role left: the page is closed to them
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_an_operator_starts_an_onboarding_from_the_start_page(client, reference_data, operator, staff):
    from digisos.onboarding.models import Onboarding

    page = reverse("onboarding:operator-start")
    client.force_login(staff[Role.VENDOR])
    assert client.get(page).status_code == 403
    client.force_login(operator)
    assert "Start påkoblingen for en kommune" in client.get(reverse("onboarding:index")).content.decode()
    form = client.get(page)
    assert form.status_code == 200 and f'value="{DRAMMEN}"' in form.content.decode()
    wrong = client.post(page, {"kommunenummer": DRAMMEN, "organisation_number": "123"})
    assert wrong.status_code == 400 and 'id="error-summary"' in wrong.content.decode()
    assert "Kommunens organisasjonsnummer:" in wrong.content.decode()
    assert not Onboarding.objects.exists()
    started = client.post(page, {"kommunenummer": DRAMMEN, "organisation_number": "910000012"}, follow=True)
    assert "Påkoblingen er startet." in started.content.decode()
    onboarding = Onboarding.objects.get(municipality_id=DRAMMEN)
    assert onboarding.stage == Stage.DECISION and onboarding.organisation_number == "910000012"
    # Started municipalities leave the list.
    again = client.post(page, {"kommunenummer": DRAMMEN, "organisation_number": "910000012"})
    assert again.status_code == 400 and "Velg en kommune fra listen" in again.content.decode()
