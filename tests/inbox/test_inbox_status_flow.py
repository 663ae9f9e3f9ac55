"""The manual inbox moves the application's status as a case system would (issue 17): received, then under
processing when the caseworker first acts on it, then done when every sak has a decision; the caseworker can
still set the status by hand, and the applicant's page never says "Mottatt" beside a decision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.exchange.models import CaseState
from digisos.soker.constants import EventType, SoknadsStatus, Utfall
from tests.documents import corpus
from tests.inbox.test_inbox import case_of, case_url, events, in_a_week, kari, sara  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def _status(application) -> str:
    return CaseState.objects.get(case=case_of(application)).status


def _statuses(application) -> list[str]:
    return [e["status"] for e in events(application) if e["type"] == EventType.SOKNADS_STATUS]


def _decide(client, application, sak: str = "sak-1", outcome: str = Utfall.INNVILGET) -> None:
    response = client.post(
        case_url(application, "decision"),
        {
            "vedtak-utfall": outcome,
            "vedtak-saksreferanse": sak,
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.pdf", corpus.pdf(text=f"Vedtak {sak}")),
        },
    )
    assert response.status_code == 302


def test_asking_for_documents_puts_a_received_application_under_processing(client, sara, kari):  # noqa: F811
    client.post(case_url(kari, "mark-received"))
    assert _status(kari) == SoknadsStatus.MOTTATT
    response = client.post(
        case_url(kari, "request-documents"),
        {
            "dokumentasjon-dokumenttype": "Kontoutskrift",
            "dokumentasjon-frist": in_a_week().isoformat(),
            "dokumentasjon-brev": SimpleUploadedFile("brev.pdf", corpus.pdf(text="Brev")),
        },
    )
    assert response.status_code == 302
    assert _statuses(kari) == [SoknadsStatus.MOTTATT, SoknadsStatus.UNDER_BEHANDLING]


def test_a_decision_in_every_sak_finishes_the_application_and_the_applicant_sees_it(client, sara, kari):  # noqa: F811
    _decide(client, kari)
    assert _statuses(kari) == [
        SoknadsStatus.MOTTATT,
        SoknadsStatus.UNDER_BEHANDLING,
        SoknadsStatus.FERDIGBEHANDLET,
    ]
    assert _status(kari) == SoknadsStatus.FERDIGBEHANDLET

    client.force_login(kari.owner)
    html = client.get(reverse("innsyn:case", args=[case_of(kari).id])).content.decode()
    assert "Ferdig behandlet" in html and "Innvilget" in html
    assert "neste steg er at en saksbehandler" not in html.lower()


def test_an_open_sak_keeps_the_application_under_processing(client, sara, kari):  # noqa: F811
    client.post(
        case_url(kari, "payment"),
        {
            "utbetaling-belop": "4500",
            "utbetaling-beskrivelse": "Husleie",
            "utbetaling-forfallsdato": timezone.localdate().isoformat(),
            "utbetaling-status": "PLANLAGT_UTBETALING",
            "utbetaling-saksreferanse": "sak-2",
        },
    )
    _decide(client, kari, "sak-1")
    assert _status(kari) == SoknadsStatus.UNDER_BEHANDLING  # sak-2 has no decision yet
    _decide(client, kari, "sak-2", Utfall.AVSLATT)
    assert _status(kari) == SoknadsStatus.FERDIGBEHANDLET


def test_the_caseworker_can_still_set_the_status_by_hand(client, sara, kari):  # noqa: F811
    _decide(client, kari)
    response = client.post(case_url(kari, "status"), {"status-status": SoknadsStatus.UNDER_BEHANDLING})
    assert response.status_code == 302
    assert _status(kari) == SoknadsStatus.UNDER_BEHANDLING
    html = client.get(case_url(kari)).content.decode()
    assert "Under behandling" in html
