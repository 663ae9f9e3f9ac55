"""Gates, register failures, idempotent send and draft retention."""

import threading
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from digisos.application import services
from digisos.application.models import Application, RequirementDocument
from digisos.documents.models import Document, Folder
from digisos.municipalities.models import ServiceConfiguration
from digisos.municipalities.selectors import offices_of
from digisos.municipalities.services import update_service_configuration
from tests.application.test_application_flow import ANSWERS, upload_rental_contract, walk_through


@pytest.fixture
def kari(citizen_of):
    return citizen_of("kari-leier-oslo")


def started(client, user) -> Application:
    client.force_login(user)
    client.post(reverse("application:new"))
    return Application.objects.filter(owner=user).latest("created_at")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "reason", "text"),
    [
        ("under-18", "under_18", "Du må være 18 år"),
        ("fortrolig-adresse", "address_protection", "Du har adressebeskyttelse"),
        ("strengt-fortrolig", "address_protection", "ring 55 55 33 33"),
    ],
)
def test_gates_give_a_clear_page_and_start_nothing(client, citizen_of, reference_data, key, reason, text):
    client.force_login(citizen_of(key))
    response = client.post(reverse("application:new"))
    html = response.content.decode()
    assert f'data-gate="{reason}"' in html and text in html
    assert not Application.objects.exists() and not Folder.objects.exists()


@pytest.mark.django_db
def test_address_protection_set_after_start_deletes_the_draft_at_send(
    client, kari, reference_data, document_settings, settings, tmp_path
):
    import copy
    import json

    from digisos.registers.adapters.local import load_population

    application = started(client, kari)
    walk_through(client, application)
    population = {"about": "", "personas": copy.deepcopy(list(load_population().values()))}
    for persona in population["personas"]:
        if persona["pid"] == kari.pid:
            persona["folkeregister"] = {**persona["folkeregister"], "address_protection": "fortrolig"}
    changed = tmp_path / "population.json"
    changed.write_text(json.dumps(population), encoding="utf-8")
    settings.DEMO_POPULATION_FILE = changed

    response = client.post(reverse("application:send", args=[application.id]))
    assert 'data-gate="address_protection"' in response.content.decode()
    assert not Application.objects.filter(pk=application.pk).exists()


@pytest.mark.django_db
def test_closed_municipality_shows_paper_alternative_and_office_contact(
    client, citizen_of, reference_data, document_settings
):
    user = citizen_of("uten-konto-stavanger")
    # Started before Stavanger closed (a closed municipality refuses the start: tests/application/test_dead_ends)
    stavanger = ServiceConfiguration.objects.get(pk="1103")
    update_service_configuration(actor=None, configuration=stavanger, receiving_temporarily_disabled=False)
    application = started(client, user)
    update_service_configuration(actor=None, configuration=stavanger, receiving_temporarily_disabled=True)
    walk_through(
        client,
        application,
        {**ANSWERS, "personalia": {"adresse_valg": "folkeregistrert", "har_ikke_konto": "on"}},
    )
    summary = client.get(reverse("application:step", args=[application.id, "oppsummering"])).content.decode()
    assert 'data-testid="cannot-send"' in summary and "midlertidig stengt" in summary
    assert "Postboks 8001" in summary  # the paper address from Stavanger's configuration
    assert "Send søknaden</span>" not in summary
    response = client.post(reverse("application:send", args=[application.id]))
    assert 'data-gate="municipality_closed"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.django_db
def test_at_most_two_applications_in_24_hours(client, kari, reference_data, document_settings):
    for _ in range(2):
        application = started(client, kari)
        walk_through(client, application)
        assert client.post(reverse("application:send", args=[application.id])).status_code == 302
    assert 'data-testid="rate-limited"' in client.get(reverse("application:start")).content.decode()
    response = client.post(reverse("application:new"))
    assert 'data-gate="rate_limited"' in response.content.decode()
    Application.objects.filter(owner=kari).update(sent_at=timezone.now() - timedelta(hours=25))
    assert client.post(reverse("application:new")).status_code == 302


@pytest.mark.django_db
def test_skatteetaten_failure_asks_for_payslip_and_is_reported(
    client, citizen_of, reference_data, document_settings
):
    user = citizen_of("skatt-feiler")
    application = started(client, user)
    walk_through(client, application)
    page = client.get(
        reverse("application:step", args=[application.id, "inntekt-og-formue"])
    ).content.decode()
    assert 'data-testid="skatt-failed"' in page
    docs = client.get(reverse("application:step", args=[application.id, "dokumentasjon"])).content.decode()
    assert 'data-requirement="lonnslipp|arbeid"' in docs
    client.post(reverse("application:send", args=[application.id]))
    application.refresh_from_db()
    assert application.soknad_json["driftsinformasjon"]["inntektFraSkatteetatenFeilet"] is True
    assert any(
        v["type"] == "lonnslipp" and v["tilleggsinfo"] == "arbeid" and v["status"] == "VedleggKreves"
        for v in application.vedlegg_json["vedlegg"]
    )


@pytest.mark.django_db
def test_husbanken_failure_asks_for_the_decision(client, citizen_of, reference_data, document_settings):
    user = citizen_of("husbanken-feiler")
    application = started(client, user)
    walk_through(client, application)
    page = client.get(
        reverse("application:step", args=[application.id, "inntekt-og-formue"])
    ).content.decode()
    assert 'data-testid="husbanken-failed"' in page
    client.post(reverse("application:send", args=[application.id]))
    application.refresh_from_db()
    assert application.soknad_json["driftsinformasjon"]["stotteFraHusbankenFeilet"] is True
    assert any(
        v["type"] == "husbanken" and v["status"] == "VedleggKreves"
        for v in application.vedlegg_json["vedlegg"]
    )


class BrokenKrr:
    def get_contact(self, pid):
        raise TimeoutError("KRR did not answer in time")


@pytest.mark.django_db
def test_a_register_that_times_out_never_blocks_the_application(client, kari, reference_data, settings):
    settings.REGISTER_ADAPTERS = {
        **settings.REGISTER_ADAPTERS,
        "krr": "tests.application.test_application_rules.BrokenKrr",
    }
    application = started(client, kari)
    assert application.registers["failed"] == ["krr"]
    page = client.get(reverse("application:step", args=[application.id, "personalia"])).content.decode()
    assert "Vi fikk ikke hentet telefonnummeret ditt" in page


@pytest.mark.django_db
def test_every_error_names_the_field_and_what_to_do(client, kari, reference_data):
    application = started(client, kari)
    response = client.post(
        reverse("application:step", args=[application.id, "personalia"]),
        {
            "adresse_valg": "soknad",
            "gatenavn": "",
            "postnummer": "99",
            "telefon": "123",
            "kontonummer": "12345678900",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Skriv gateadressen der du bor",
        "Skriv et gyldig postnummer med fire siffer",
        "Skriv et norsk telefonnummer med 8 siffer",
        "Kontonummeret er ikke gyldig",
    ):
        assert message in html
    assert 'href="#id_gatenavn"' in html and 'aria-invalid="true"' in html
    # Digits of another script (str.isdigit() takes them) are no telephone number nor postal code.
    other_digits = {
        "postnummer": "\u0660\u0665\u0665\u0665",
        "telefon": "\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
    }
    page = client.post(
        reverse("application:step", args=[application.id, "personalia"]),
        {"adresse_valg": "soknad", "gatenavn": "Storgata 1", **other_digits},
    ).content.decode()
    assert (
        "Skriv et gyldig postnummer med fire siffer" in page
        and "Skriv et norsk telefonnummer med 8 siffer" in page
    )
    response = client.post(reverse("application:step", args=[application.id, "behov"]), {"hva": ""})
    assert "Hva søker du om?: Skriv kort hva du søker om" in response.content.decode()
    # A NUL pasted in with a text (nobody types one): Django's own "Null-tegn er ikke tillatt." said what was
    # wrong, not what to do.
    response = client.post(
        reverse("application:step", args=[application.id, "behov"]), {"hva": "Mat\x00 og husleie"}
    )
    assert "Skriv teksten inn på nytt i stedet for å lime den inn" in response.content.decode()
    response = client.post(
        reverse("application:step", args=[application.id, "dokumentasjon"]), {"r1_brutto": "-5"}
    )
    assert "Beløpet kan ikke være negativt." in response.content.decode()


@pytest.mark.django_db
def test_other_people_get_404(client, kari, citizen_of, reference_data):
    application = started(client, kari)
    client.force_login(citizen_of("ola-student-trondheim"))
    for name in ("application:receipt", "application:delete"):
        assert client.get(reverse(name, args=[application.id])).status_code == 404
    assert client.get(reverse("application:step", args=[application.id, "behov"])).status_code == 404
    assert client.post(reverse("application:send", args=[application.id])).status_code == 404
    client.logout()
    assert client.get(reverse("application:step", args=[application.id, "behov"])).status_code == 302


@pytest.mark.django_db
def test_draft_is_listed_resumable_and_deletable_with_its_documents(
    client, kari, reference_data, document_settings, django_capture_on_commit_callbacks
):
    application = started(client, kari)
    walk_through(client, application)
    upload_rental_contract(client, application)
    start = client.get(reverse("application:start")).content.decode()
    assert 'data-testid="drafts"' in start and str(application.id) in start
    stored = Document.objects.get().storage_name
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("application:delete", args=[application.id])).status_code == 302
    assert not Application.objects.exists() and not Document.objects.exists() and not Folder.objects.exists()
    assert not storages["documents"].exists(stored)


@pytest.mark.django_db
def test_draft_started_15_days_ago_is_gone_with_its_documents(
    client, kari, reference_data, document_settings, django_capture_on_commit_callbacks
):
    old = started(client, kari)
    walk_through(client, old)
    upload_rental_contract(client, old)
    new = started(client, kari)
    Application.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    stored = Document.objects.get(folder=old.folder).storage_name
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_expired_drafts() == 1
    assert list(Application.objects.values_list("pk", flat=True)) == [new.pk]
    assert not RequirementDocument.objects.exists()
    assert not storages["documents"].exists(stored)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_make_exactly_one_application(document_settings, citizen_of, client):
    from django.core.management import call_command

    call_command("load_municipalities", verbosity=0)
    call_command("load_demo_service_flags", verbosity=0)
    kari = citizen_of("kari-leier-oslo")
    application = started(client, kari)
    walk_through(client, application)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            results.append(services.send_application(actor=kari, application_id=application.id))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(result.already_sent for result in results) == [False, True]
    assert Application.objects.filter(status=Application.Status.READY).count() == 1
    assert len({result.application.reference for result in results}) == 1
    assert Document.objects.filter(original_name__startswith="Soknad-").count() == 1
    # A reload or a retry of the POST lands on the same receipt.
    response = client.post(reverse("application:send", args=[application.id]))
    assert response["Location"] == reverse("application:receipt", args=[application.id])


@pytest.mark.django_db
def test_uploads_for_a_document_no_longer_asked_for_are_removed(
    client, kari, reference_data, document_settings
):
    application = started(client, kari)
    walk_through(client, application)
    upload_rental_contract(client, application)
    assert RequirementDocument.objects.count() == 1
    # Kari now says she owns her home: no rental contract is needed, and the uploaded one goes.
    client.post(reverse("application:step", args=[application.id, "bosituasjon"]), {"botype": "eier"})
    assert not RequirementDocument.objects.exists()
    assert not Document.objects.filter(folder=application.folder).exists()


@pytest.mark.django_db
def test_an_address_that_leads_to_no_nav_office_is_said_on_the_address_step(client, kari, reference_data):
    """Storgata 1, 9170 Longyearbyen: Svalbard has no NAV office of its own. The step saves the address and
    shows itself again with what to do, instead of letting all nine steps be filled in for an application the
    summary then cannot send; "save and continue later" still leaves."""
    application = started(client, kari)
    url = reverse("application:step", args=[application.id, "personalia"])
    nowhere = {"adresse_valg": "soknad", "gatenavn": "Storgata 1", "postnummer": "9170"}

    response = client.post(url, nowhere)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vi finner ikke Nav-kontoret for denne adressen" in html and 'href="#id_postnummer"' in html
    application.refresh_from_db()
    assert application.answers["personalia"]["annen_adresse"]["postnummer"] == "9170"
    assert client.post(url, {**nowhere, "later": "1"}).status_code == 302
    # Oslo: a typed address names no bydel, so the office is chosen; the select offers Oslo's offices.
    oslo = client.post(url, {**nowhere, "postnummer": "0155"}).content.decode()
    assert "Velg Nav-kontoret som skal få søknaden." in oslo and 'href="#id_nav_kontor"' in oslo
    office = offices_of("0301")[0]
    assert f'<option value="{office.enhetsnummer}"' in oslo
    chosen = client.post(url, {**nowhere, "postnummer": "0155", "nav_kontor": office.enhetsnummer})
    assert chosen.status_code == 302 and chosen["Location"].endswith("/behov/")


@pytest.mark.django_db
def test_a_draft_sent_while_the_retention_job_runs_is_left_to_its_case(
    client, kari, reference_data, document_settings, monkeypatch
):
    """The job read the draft; the citizen sent it before the job took its lock. The job leaves it (and goes
    on), and does not count it as removed."""
    old = started(client, kari)
    Application.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    delete = services.delete_draft

    def sent_first(*, actor, application):
        Application.objects.filter(pk=application.pk).update(status=Application.Status.READY)
        return delete(actor=actor, application=application)

    monkeypatch.setattr(services, "delete_draft", sent_first)
    assert services.remove_expired_drafts() == 0
    assert Application.objects.filter(pk=old.pk).exists()
