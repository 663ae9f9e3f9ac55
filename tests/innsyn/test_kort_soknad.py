"""Kort søknad: a person with a payment from the same municipality in the last 50 days (or one planned within
14) gets the short application, decided from their folded cases; one without gets the standard one."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.application.filformat_validation import soknad_errors, vedlegg_errors
from digisos.application.models import Application
from digisos.exchange.services.clients import register_client
from digisos.exchange.services.delivery import create_paper_case
from digisos.exchange.services.reporting import report_case_events
from digisos.soker import builders
from digisos.soker.constants import EventType, SoknadsStatus, UtbetalingStatus
from tests.application.test_application_flow import ANSWERS
from tests.documents import corpus
from tests.fixtures.personas import citizen, persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def earlier_case_with_payment(key: str, kommunenummer: str, *, status: str, days: int) -> None:
    system = register_client(
        kommunenummer=kommunenummer, name="t", public_key_pem="x", client_id=f"c{kommunenummer}"
    ).user
    case = create_paper_case(actor_id=system.pk, kommunenummer=kommunenummer, fodselsnummer=persona_pid(key))
    when = timezone.localdate() + timedelta(days=days)
    payment = {
        "type": EventType.UTBETALING,
        "utbetalingsreferanse": "u1",
        "status": status,
        "belop": 3000,
        "annenMottaker": False,
        "hendelsestidspunkt": "2026-10-01T10:00:00.000Z",
        **(
            {"utbetalingsdato": str(when)}
            if status == UtbetalingStatus.UTBETALT
            else {"forfallsdato": str(when)}
        ),
    }
    document = builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-10-01T09:00:00.000Z"),
        payment,
        avsender={"systemnavn": "t", "systemversjon": "1"},
    )
    report_case_events(actor_id=system.pk, case_id=case.id, document=document)


def start(client, key: str) -> Application:
    client.force_login(citizen(key))
    assert client.post(reverse("application:new")).status_code == 302
    application = Application.objects.filter(owner__pid=persona_pid(key)).latest("created_at")
    response = client.post(
        reverse("application:step", args=[application.id, "personalia"]), ANSWERS["personalia"]
    )
    assert response.status_code == 302
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    ("status", "days"), [(UtbetalingStatus.UTBETALT, -10), (UtbetalingStatus.PLANLAGT_UTBETALING, 5)]
)
def test_recent_help_in_the_same_municipality_gives_the_short_application(client, status, days):
    earlier_case_with_payment("familie-bergen", "4601", status=status, days=days)
    application = start(client, "familie-bergen")
    assert application.variant == "kort"
    page = client.get(reverse("application:step", args=[application.id, "behov"])).content.decode()
    assert "Steg 2 av 5" in page and "Har noe endret seg i situasjonen din siden sist du søkte?" in page

    behov = {"hva": "Mat og strøm", "endret": "ja"}
    refused = client.post(reverse("application:step", args=[application.id, "behov"]), behov)
    assert refused.status_code == 200 and "Skriv kort hva som har endret seg." in refused.content.decode()
    response = client.post(
        reverse("application:step", args=[application.id, "behov"]), {**behov, "hva_endret": "Mistet jobben"}
    )
    assert response["Location"].endswith("/steg/arbeid-og-familie/")
    response = client.post(
        reverse("application:step", args=[application.id, "arbeid-og-familie"]), {"kommentar": ""}
    )
    assert response["Location"].endswith("/steg/dokumentasjon/")
    upload = client.post(
        reverse("application:upload", args=[application.id]),
        {"requirement": "kontooversikt|brukskonto", "files": [SimpleUploadedFile("konto.pdf", corpus.pdf())]},
    )
    assert upload.status_code == 302
    assert client.post(reverse("application:send", args=[application.id])).status_code == 302
    application.refresh_from_db()
    assert application.status == "ready"
    soknad, vedlegg = application.soknad_json, application.vedlegg_json
    assert soknad_errors(soknad) == [] and vedlegg_errors(vedlegg) == []
    assert soknad["data"]["soknadstype"] == "kort"
    assert soknad["data"]["situasjonendring"] == {
        "kilde": "bruker",
        "harNoeEndretSeg": True,
        "hvaHarEndretSeg": "Mistet jobben",
    }
    # Only the categories with files go to the municipality.
    assert [(v["type"], v["tilleggsinfo"], v["status"]) for v in vedlegg["vedlegg"]] == [
        ("kontooversikt", "brukskonto", "LastetOpp")
    ]


@pytest.mark.parametrize(
    ("key", "kommunenummer", "status", "days"),
    [
        ("familie-bergen", None, None, None),  # no earlier case
        ("familie-bergen", "4601", UtbetalingStatus.UTBETALT, -60),  # paid too long ago
        ("familie-bergen", "4601", UtbetalingStatus.PLANLAGT_UTBETALING, 30),  # planned too far ahead
        ("familie-bergen", "5501", UtbetalingStatus.UTBETALT, -5),  # another municipality
    ],
)
def test_without_recent_help_here_the_standard_application(client, key, kommunenummer, status, days):
    if kommunenummer:
        earlier_case_with_payment(key, kommunenummer, status=status, days=days)
    application = start(client, key)
    assert application.variant == "standard"
    page = client.get(reverse("application:step", args=[application.id, "behov"])).content.decode()
    assert "Steg 2 av 9" in page


@pytest.mark.parametrize(
    ("status", "days", "short"),
    [
        (UtbetalingStatus.UTBETALT, -50, True),  # paid 50 days ago: still within the window
        (UtbetalingStatus.UTBETALT, -51, False),  # 51 days ago: too long
        ("PLANLAGT_UTBETALING", 14, True),  # planned 14 days ahead: within the window
        ("PLANLAGT_UTBETALING", 15, False),  # 15 days ahead: too far
    ],
)
def test_the_edges_of_the_kort_soknad_windows(status, days, short):
    from digisos.application.eligibility import qualifies_for_short

    earlier_case_with_payment("familie-bergen", "4601", status=status, days=days)
    user = citizen("familie-bergen")
    assert qualifies_for_short(user, "4601", timezone.localdate()) is short
