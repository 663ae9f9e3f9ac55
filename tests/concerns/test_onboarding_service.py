"""The child-welfare service in the onboarding pages: the municipality's local administrator turns it on and
sets the office up (audited, a plain error per field); nobody else may."""

import pytest
from django.urls import reverse

from digisos.concerns.models import ChildWelfareOffice
from digisos.concerns.onboarding import configure_office
from digisos.core.models import AuditEntry
from digisos.onboarding import services as onboarding_services
from digisos.onboarding.models import Role
from digisos.onboarding.service_registry import ServiceRefused
from tests.fixtures.personas import citizen

pytestmark = pytest.mark.django_db

DRAMMEN = "3301"
SETTINGS = {
    "active": "on",
    "bydelsnavn": "Barneverntjenesten i Drammen",
    "channel": "inbox",
    "alert_emails": "barnevern-varsel@drammen.example.no\nvakt@drammen.example.no",
    "postal_address": "Drammen kommune, barneverntjenesten\nPostboks 7500\n3008 Drammen",
    "phone": "32 04 00 00",
    "barnevernvakt_phone": "32 80 60 00",
}


@pytest.fixture
def drammen(reference_data):
    """Drammen's onboarding started by its kommunedirektør, with a local administrator and a fagansvarlig."""
    director = citizen("kommunedirektor-drammen")
    onboarding = onboarding_services.start_onboarding(
        actor=director, kommunenummer=DRAMMEN, email="randi.bakke@drammen.example.no"
    )
    people = {}
    for role, key in (
        (Role.LOCAL_ADMINISTRATOR, "kommuneadmin-drammen"),
        (Role.FAGANSVARLIG, "fagansvarlig-drammen"),
    ):
        _invitation, token = onboarding_services.invite(
            actor=director, onboarding_id=onboarding.pk, role=role, email=f"{key}@example.no", name="Navn"
        )
        people[role] = citizen(key)
        onboarding_services.accept_invitation(actor=people[role], token=token)
    return people


def test_the_local_administrator_turns_the_service_on_and_the_urgency_page_offers_the_form(client, drammen):
    start = reverse("concerns:start")
    page = client.get(start, {"kommune": DRAMMEN}).content.decode()
    assert 'data-testid="choice"' not in page  # not activated: phone or letter
    client.force_login(drammen[Role.LOCAL_ADMINISTRATOR])
    detail = client.get(reverse("onboarding:detail", args=[DRAMMEN])).content.decode()
    service_url = reverse("onboarding:service", args=[DRAMMEN, "barnevern"])
    assert service_url in detail
    listing = client.get(service_url).content.decode()
    assert "Barneverntjenesten i Drammen" in listing and "Ikke slått på" in listing
    office_url = reverse("onboarding:service-unit", args=[DRAMMEN, "barnevern", "00"])
    assert client.get(office_url).status_code == 200

    # Turning it on without an alert address or the barnevernvakt's number: a plain error on each field.
    response = client.post(office_url, {**SETTINGS, "alert_emails": "", "barnevernvakt_phone": ""})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["alert_emails"] == ["Skriv minst én e-postadresse for varsel før du slår på tjenesten."]
    assert "barnevernvakten" in errors["barnevernvakt_phone"][0]
    response = client.post(office_url, {**SETTINGS, "alert_emails": "ikke en adresse", "phone": "ring meg"})
    assert "«ikke en adresse» er ikke en e-postadresse" in response.context["form"].errors["alert_emails"][0]
    assert "med siffer" in response.context["form"].errors["phone"][0]
    # A case system must be connected (its certificate registered) before it can be the channel.
    response = client.post(office_url, {**SETTINGS, "channel": "exchange"})
    assert "Fagsystemet er ikke koblet til" in response.context["form"].errors["channel"][0]
    assert not ChildWelfareOffice.objects.filter(municipality_id=DRAMMEN).exists()

    response = client.post(office_url, SETTINGS)
    assert response.status_code == 302 and response["Location"] == service_url
    office = ChildWelfareOffice.objects.get(municipality_id=DRAMMEN)
    assert office.active and office.standard_receiver and office.bydelsnummer == "00"
    assert office.alert_emails == ["barnevern-varsel@drammen.example.no", "vakt@drammen.example.no"]
    entry = AuditEntry.objects.get(action="concerns.office.configured")
    assert entry.actor == drammen[Role.LOCAL_ADMINISTRATOR].username and entry.before is None
    assert entry.after["active"] is True and entry.object_id == str(office.pk)

    page = client.get(start, {"kommune": DRAMMEN}).content.decode()
    assert 'data-testid="choice"' in page and "32 80 60 00" in page
    assert reverse("concerns:before", args=[DRAMMEN, "privat"]) in page

    # Turned off again: audited with before and after, and the urgency page says phone or letter.
    client.post(office_url, {**SETTINGS, "active": ""})
    assert AuditEntry.objects.filter(action="concerns.office.configured").count() == 2
    assert 'data-testid="choice"' not in client.get(start, {"kommune": DRAMMEN}).content.decode()


def test_someone_without_the_role_is_refused(client, drammen):
    service_url = reverse("onboarding:service", args=[DRAMMEN, "barnevern"])
    office_url = reverse("onboarding:service-unit", args=[DRAMMEN, "barnevern", "00"])
    client.force_login(drammen[Role.FAGANSVARLIG])
    assert client.get(service_url).status_code == 403
    assert client.post(office_url, SETTINGS).status_code == 403
    client.force_login(citizen("kari-leier-oslo"))
    assert client.get(service_url).status_code == 403
    client.logout()
    assert client.get(service_url).status_code == 302  # login first
    # The service checks the role itself, whoever calls it.
    with pytest.raises(ServiceRefused, match="lokale administratoren"):
        configure_office(
            actor=drammen[Role.FAGANSVARLIG],
            kommunenummer=DRAMMEN,
            bydelsnummer="00",
            settings={**SETTINGS, "active": True, "alert_emails": []},
        )
    assert not ChildWelfareOffice.objects.filter(municipality_id=DRAMMEN).exists()
    assert not AuditEntry.objects.filter(action="concerns.office.configured").exists()


def test_an_unknown_service_or_office_is_not_found(client, drammen):
    client.force_login(drammen[Role.LOCAL_ADMINISTRATOR])
    assert client.get(reverse("onboarding:service", args=[DRAMMEN, "ukjent"])).status_code == 404
    assert (
        client.get(reverse("onboarding:service-unit", args=[DRAMMEN, "barnevern", "07"])).status_code == 404
    )


def test_the_local_administrator_adds_a_district_registers_its_certificate_and_removes_another(
    client, drammen, tmp_path
):
    from digisos.exchange.keys import certificate_fingerprint, generate_municipality_keys

    admin = drammen[Role.LOCAL_ADMINISTRATOR]
    client.force_login(admin)
    service_url = reverse("onboarding:service", args=[DRAMMEN, "barnevern"])
    add_url = reverse("onboarding:service-unit-add", args=[DRAMMEN, "barnevern"])
    assert add_url in client.get(service_url).content.decode()

    # A plain error per field.
    response = client.post(add_url, {"bydelsnummer": "3", "bydelsnavn": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "bydelsnummer": ["Skriv bydelsnummeret med to siffer, for eksempel 03."],
        "bydelsnavn": ["Skriv navnet på barneverntjenesten."],
    }
    # The first office is the standard receiver; a second is a district, switched off until set up.
    client.post(add_url, {"bydelsnummer": "00", "bydelsnavn": "Barneverntjenesten i Drammen"})
    response = client.post(add_url, {"bydelsnummer": "01", "bydelsnavn": "Barnevernet Strømsø"})
    assert response["Location"] == reverse("onboarding:service-unit", args=[DRAMMEN, "barnevern", "01"])
    response = client.post(add_url, {"bydelsnummer": "01", "bydelsnavn": "Igjen"})
    assert "allerede et kontor med bydelsnummer 01" in response.context["form"].errors["bydelsnummer"][0]
    offices = {o.bydelsnummer: o for o in ChildWelfareOffice.objects.filter(municipality_id=DRAMMEN)}
    assert offices["00"].standard_receiver and not offices["01"].standard_receiver
    assert not offices["01"].active

    # The vendor's certificate registered with the settings makes the case system a possible channel.
    office_url = reverse("onboarding:service-unit", args=[DRAMMEN, "barnevern", "01"])
    response = client.post(
        office_url, {**SETTINGS, "bydelsnavn": "Barnevernet Strømsø", "certificate_pem": "ikke et sertifikat"}
    )
    assert "Sertifikatet kan ikke leses" in response.context["form"].errors["certificate_pem"][0]
    certificate, _ = generate_municipality_keys(tmp_path / "stromso")
    pem = certificate.read_text()
    response = client.post(
        office_url,
        {**SETTINGS, "bydelsnavn": "Barnevernet Strømsø", "channel": "exchange", "certificate_pem": pem},
    )
    assert response.status_code == 302
    office = ChildWelfareOffice.objects.get(municipality_id=DRAMMEN, bydelsnummer="01")
    assert office.channel == "exchange" and office.certificate_pem.strip() == pem.strip()
    entry = AuditEntry.objects.filter(action="concerns.office.configured", object_id=str(office.pk)).latest(
        "id"
    )
    assert entry.after["certificate"] == certificate_fingerprint(pem) and pem not in str(entry.after)
    # Saving again without the certificate keeps it.
    client.post(office_url, {**SETTINGS, "bydelsnavn": "Barnevernet Strømsø", "channel": "exchange"})
    office.refresh_from_db()
    assert office.certificate_pem.strip() == pem.strip()

    # The standard receiver cannot be removed; a district without reports can.
    listing = client.get(service_url).content.decode()
    assert reverse("onboarding:service-unit-remove", args=[DRAMMEN, "barnevern", "01"]) in listing
    assert reverse("onboarding:service-unit-remove", args=[DRAMMEN, "barnevern", "00"]) not in listing
    with pytest.raises(ServiceRefused, match="standardmottakeren"):
        from digisos.concerns.onboarding import remove_office

        remove_office(actor=admin, kommunenummer=DRAMMEN, bydelsnummer="00")
    response = client.post(reverse("onboarding:service-unit-remove", args=[DRAMMEN, "barnevern", "01"]))
    assert response["Location"] == service_url
    assert list(
        ChildWelfareOffice.objects.filter(municipality_id=DRAMMEN).values_list("bydelsnummer", flat=True)
    ) == ["00"]
    assert AuditEntry.objects.filter(action="concerns.office.removed").count() == 1


def test_only_the_local_administrator_adds_or_removes_offices(client, drammen):
    client.force_login(drammen[Role.FAGANSVARLIG])
    add_url = reverse("onboarding:service-unit-add", args=[DRAMMEN, "barnevern"])
    assert client.get(add_url).status_code == 403
    assert client.post(add_url, {"bydelsnummer": "01", "bydelsnavn": "X"}).status_code == 403
    remove_url = reverse("onboarding:service-unit-remove", args=[DRAMMEN, "barnevern", "01"])
    assert client.post(remove_url).status_code == 403
    assert not ChildWelfareOffice.objects.filter(municipality_id=DRAMMEN).exists()


def test_an_office_that_has_received_reports_is_switched_off_not_removed(offices, reference_data):
    from digisos.concerns.onboarding import remove_office
    from tests.concerns.test_staff_inbox import report_to

    report_to(citizen, "01")
    with pytest.raises(ServiceRefused):  # nobody but a local administrator, and then: it has reports
        remove_office(actor=citizen("kari-leier-oslo"), kommunenummer="0301", bydelsnummer="01")
    assert ChildWelfareOffice.objects.filter(municipality_id="0301", bydelsnummer="01").exists()
