"""The person overview shows statuses, outcomes and the titles DigiSos itself gives in words, in the page's
language, as the applicant's pages do (soker/labels.py): an application the case system has not received yet is
"Sendt", a case's decisions and the decisions panel say "Innvilget", the inbox's default sak title is "Financial
assistance" on an English page, and conditions and payments have their statuses in words. A case system's own
title is shown as it came.

Before, the case table showed "SENDT" and "Økonomisk sosialhjelp INNVILGET", the decisions panel the default
title in bokmål in every language, the conditions and NKS's payments their codes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case
from digisos.followup.policy import NKS_ROLE
from digisos.soker import builders as b
from digisos.soker.constants import (
    SENDT,
    KravStatus,
    SaksStatus,
    SoknadsStatus,
    UtbetalingStatus,
    Utfall,
)
from digisos.soker.labels import DEFAULT_SAK_TITLE, STATUS_LABELS
from tests.factories import CaseFactory, LetterFactory, decision_events, report

from .conftest import nks_agreement
from .test_person_overview import KARI, login, lookup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

CELL = '<td class="aksel-table__data-cell">'
# One of the application's own requirement titles, which a caseworker's request may carry back.
OUR_REQUIREMENT = "Kvittering eller faktura for husleie"

SHOWN = {
    "nb": {
        "application": "Søknad",
        "sent": "Sendt",
        "in_progress": "Under behandling",
        "default_title": "Økonomisk sosialhjelp",
        "granted": "Innvilget",
        "refused": "Avslått",
        "requirement": OUR_REQUIREMENT,
        "relevant": "Relevant",
        "paid": "Utbetalt",
        "planned": "Planlagt utbetaling",
    },
    "nn": {
        "application": "Søknad",
        "sent": "Send",
        "in_progress": "Under behandling",
        "default_title": "Økonomisk sosialhjelp",
        "granted": "Innvilga",
        "refused": "Avslått",
        "requirement": "Kvittering eller faktura for husleige",
        "relevant": "Relevant",
        "paid": "Utbetalt",
        "planned": "Planlagd utbetaling",
    },
    "en": {
        "application": "Application",
        "sent": "Sent",
        "in_progress": "Being processed",
        "default_title": "Financial assistance",
        "granted": "Granted",
        "refused": "Refused",
        "requirement": "Receipt or invoice for rent",
        "relevant": "Relevant",
        "paid": "Paid",
        "planned": "Planned payment",
    },
}
CODES = (
    SENDT,
    "UNDER_BEHANDLING",
    "INNVILGET",
    "AVSLATT",
    "RELEVANT",
    "UTBETALT",
    "PLANLAGT_UTBETALING",
)


def kari_sent() -> Case:
    """Kari's application, sent and not yet reported on by the case system (SENDT)."""
    return CaseFactory(persona=KARI)


def kari_decided() -> Case:
    """Kari's application under processing with two saker: the inbox's default title, granted, and a case
    system's own title ("Livsopphold"), refused; a request for one of our documents, a condition and two
    payments."""
    case = CaseFactory(persona=KARI)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    at = (start + timedelta(minutes=minute) for minute in range(0, 100, 2))
    letter = str(LetterFactory(case=case, name="vedtak.pdf", title="Vedtak").id)
    today = timezone.localdate()
    return report(
        case,
        [
            b.soknads_status(SoknadsStatus.MOTTATT, at=next(at)),
            b.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=next(at)),
            *decision_events(letter, start=next(at), tittel=DEFAULT_SAK_TITLE, utfall=Utfall.INNVILGET),
            *decision_events(
                letter, start=next(at), saksreferanse="sak-2", tittel="Livsopphold", utfall=Utfall.AVSLATT
            ),
            b.dokumentasjon_etterspurt(
                [
                    b.dokument(
                        OUR_REQUIREMENT, innsendelsesfrist=start + timedelta(days=7), dokumentreferanse="d1"
                    )
                ],
                forvaltningsbrev=letter,
                at=next(at),
            ),
            b.vilkar(
                "v1", saksreferanse="sak-1", tittel="Søke jobb", status=KravStatus.RELEVANT, at=next(at)
            ),
            b.utbetaling(
                "u1",
                status=UtbetalingStatus.UTBETALT,
                belop=1000,
                saksreferanse="sak-1",
                utbetalingsdato=today.isoformat(),
                mottaker="Kari",
                at=next(at),
            ),
            b.utbetaling(
                "u2",
                status=UtbetalingStatus.PLANLAGT_UTBETALING,
                belop=2000,
                saksreferanse="sak-1",
                forfallsdato=(today + timedelta(days=10)).isoformat(),
                mottaker="Kari",
                at=next(at),
            ),
        ],
    )


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def case_row(html: str, application) -> str:
    rows = [row.split("</tr>")[0] for row in html.split('data-testid="case"')[1:]]
    [row] = [row for row in rows if application.reference in row]
    return row


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_an_application_not_yet_received_has_the_status_the_applicant_sees_not_its_code(client, language):
    case = kari_sent()
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)
    client.cookies["digisos_language"] = language

    row = case_row(lookup(client), case.application)

    assert f"{CELL}{SHOWN[language]['sent']}</td>" in row, row
    assert SENDT not in row


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_decisions_say_their_outcome_in_words_and_our_sak_title_in_the_pages_language(client, language):
    case = kari_decided()
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)
    client.cookies["digisos_language"] = language
    shown = SHOWN[language]

    html = lookup(client)

    # The case table: its status, and each sak's title with its decision's outcome.
    row = case_row(html, case.application)
    assert f"{CELL}{shown['in_progress']}</td>" in row, row
    decisions = row.rsplit(CELL, 1)[1]
    assert f"{shown['default_title']}: {shown['granted']}" in decisions, decisions
    assert f"Livsopphold: {shown['refused']}" in decisions, decisions  # the case system's own title, as sent
    # The decisions panel: the same title and outcomes.
    panel = section(html, "panel-decisions")
    assert (
        f"{case.application.reference}: {shown['default_title']}</td>{CELL}{shown['granted']}</td>" in panel
    )
    assert f"{case.application.reference}: Livsopphold</td>{CELL}{shown['refused']}</td>" in panel
    # The document asked for, one of the application's titles, and the condition's status.
    assert f"{CELL}{shown['requirement']}</td>" in section(html, "panel-requests")
    case_title = f"{shown['application']} {case.application.reference}"
    assert f"Søke jobb ({case_title}): {shown['relevant']}</li>" in section(html, "panel-conditions")
    overview = html.split('data-testid="overview"')[1]
    for code in CODES:
        assert code not in overview, code
    if language == "en":
        assert DEFAULT_SAK_TITLE not in overview and OUR_REQUIREMENT not in overview


@pytest.mark.parametrize("language", ["nb", "en"])
def test_nks_sees_the_payments_statuses_in_words(client, language):
    kari_decided()
    nks_agreement("0301", active=True)
    login(client, "nina", NKS_ROLE, kommunenummer=None)
    client.cookies["digisos_language"] = language

    payments = section(lookup(client, "phone_call"), "panel-payments")

    assert payments.count('data-testid="payment"') == 2
    assert f"{CELL}{SHOWN[language]['paid']}</td>" in payments, payments
    assert f"{CELL}{SHOWN[language]['planned']}</td>" in payments, payments
    assert "UTBETALT" not in payments and "PLANLAGT_UTBETALING" not in payments


def test_every_status_and_outcome_of_the_format_has_words():
    """Each code a page may show is labelled in soker/labels.py, so none reaches a page as its code."""
    codes = {SENDT, *SoknadsStatus, *SaksStatus, *Utfall, *UtbetalingStatus, *KravStatus}
    assert codes - set(STATUS_LABELS) == set()
