"""The case page tells the truth (issue 17): no "it takes longer" once the case is done; every open
documentation requirement has its own upload and "nothing to send" only when there is nothing; the payments
table says its month once; a forward to an office the register lacks still says which; documents sent from
the page are in the history. The simulator's side of it is in tests/exchange/test_simulator_realism.py."""

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digisos.exchange.models import Case, Delivery
from digisos.soker import builders
from digisos.soker.constants import EventType, KravStatus, SoknadsStatus, UtbetalingStatus
from digisos.soker.fold import fold
from tests.documents import corpus
from tests.fixtures.exchange import upload_letter
from tests.innsyn import test_pages
from tests.innsyn.test_pages import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

sofie_case = test_pages.sofie_case  # the case page's fixture: a request, a decision, two payments

NOTHING_TO_SEND = "Du har ingen dokumenter å sende nå."


def _report(exchange_api, case, *events) -> None:
    document = dict(Case.objects.get(pk=case.id).soker)
    document["hendelser"] = [*document["hendelser"], *events]
    response = exchange_api("4601").post(f"/saker/{case.id}/digisos-soker", document)
    assert response.status_code == 200, response.content


def _page(client, case, query: str = "") -> str:
    response = client.get(reverse("innsyn:case", args=[case.id]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_finished_case_no_longer_says_processing_takes_longer(client, sofie_case, exchange_api):
    letter = upload_letter(exchange_api("4601"), sofie_case.id, "saksbehandlingstid.pdf")
    _report(exchange_api, sofie_case, builders.forelopig_svar(letter, at=at(6)))
    assert "Saksbehandlingen tar lengre tid" in _page(client, sofie_case)

    _report(exchange_api, sofie_case, builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at=at(7)))
    html = _page(client, sofie_case)
    assert "Saksbehandlingen tar lengre tid" not in html
    # The letter itself stays: among the letters and in the history.
    assert reverse("documents:download", args=[letter]) in html


def test_a_documentation_requirement_of_a_finished_case_has_its_own_upload(client, sofie_case, exchange_api):
    _report(
        exchange_api,
        sofie_case,
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at=at(7)),
        builders.dokumentasjonkrav(
            "krav-1",
            saksreferanse="sak-1",
            utbetalingsreferanse=["u1"],
            tittel="Husleiekvittering",
            beskrivelse="For desember.",
            frist="2026-12-06T22:59:00.000Z",
            status=KravStatus.RELEVANT,
            at=at(8),
        ),
    )
    html = _page(client, sofie_case)
    tasks = html.split('data-testid="tasks"')[1].split("</section>")[0]
    assert NOTHING_TO_SEND not in tasks
    assert "Husleiekvittering" in tasks and "6. desember 2026" in tasks
    task_id = tasks.split('name="oppgave" value="')[1].split('"')[0]

    response = client.post(
        reverse("innsyn:send", args=[sofie_case.id]),
        {"oppgave": task_id, "filer": [SimpleUploadedFile("kvittering.pdf", corpus.pdf())]},
    )
    assert response.status_code == 302
    (entry,) = Delivery.objects.get(case=sofie_case, kind="ettersendelse").vedlegg_json["vedlegg"]
    assert (entry["type"], entry["tilleggsinfo"], entry["hendelseType"], entry["hendelseReferanse"]) == (
        "Husleiekvittering",
        "For desember.",
        EventType.DOKUMENTASJONKRAV,
        "krav-1",
    )
    assert 'data-testid="task-sent"' in _page(client, sofie_case)


def test_nothing_to_send_only_when_nothing_is_asked_for(client, sofie_case, exchange_api):
    assert NOTHING_TO_SEND not in _page(client, sofie_case)  # the caseworker's request is open
    _report(exchange_api, sofie_case, builders.dokumentasjon_etterspurt([], at=at(7)))
    assert NOTHING_TO_SEND in _page(client, sofie_case)


def test_the_payments_table_says_its_month_once(client, sofie_case):
    payments = _page(client, sofie_case, "?utbetalinger=alle").split('data-testid="payments"')[1]
    payments = payments.split("</section>")[0]
    november = payments.split("</table>")[0]
    assert "<caption" not in november
    assert len(re.findall("november", november, flags=re.IGNORECASE)) == 1
    assert re.search(r'<time datetime="2026-11-27">27\.</time>', november)


def test_a_forward_to_an_office_the_register_lacks_still_says_which(client, sofie_case, exchange_api):
    _report(exchange_api, sofie_case, builders.tildelt_nav_kontor("1201", at=at(9)))
    timeline = _page(client, sofie_case).split('data-testid="timeline"')[1]
    assert "et annet Nav-kontor" not in timeline
    assert "1201" in timeline


def test_documents_sent_from_the_case_page_are_in_the_history(client, sofie_case):
    before = _page(client, sofie_case)
    response = client.post(
        reverse("innsyn:send", args=[sofie_case.id]),
        {
            "filer": [
                SimpleUploadedFile("a.pdf", corpus.pdf()),
                SimpleUploadedFile("b.pdf", corpus.pdf(text="Kvittering")),
            ]
        },
    )
    assert response.status_code == 302
    assert "Du sendte 2 dokumenter." not in before
    timeline = _page(client, sofie_case).split('data-testid="timeline"')[1].split("</ol>")[0]
    first = timeline.split("</li>")[0]  # newest first: the upload is the latest thing that happened
    assert "Du sendte 2 dokumenter." in first
    assert "Du sendte 2 dokumenter." in _page(client, sofie_case, "?historikk=alle")


def test_the_fold_keeps_nav_s_rule_for_requests_and_makes_requirements_tasks():
    """A request open when the case is decided ends with the processing (NAV); a dokumentasjonkrav is a task
    whatever the status, and answers as dokumentasjonkrav."""
    moment = "2026-11-21T10:0{}:00.000Z".format
    document = builders.document(
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=moment(0)),
        builders.dokumentasjon_etterspurt(
            [builders.dokument("kontooversikt", innsendelsesfrist="2026-11-30T22:00:00.000Z")], at=moment(1)
        ),
        builders.utbetaling("u1", status=UtbetalingStatus.PLANLAGT_UTBETALING, at=moment(2)),
        builders.dokumentasjonkrav("krav-1", tittel="Husleiekvittering", frist=moment(9), at=moment(3)),
        builders.dokumentasjonkrav("krav-2", tittel="Gammel", status=KravStatus.ANNULLERT, at=moment(3)),
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at=moment(4)),
    )
    view = fold(document, now=datetime(2026, 11, 22, tzinfo=UTC))
    assert [(t.document_type, t.event_type, t.reference) for t in view.tasks] == [
        ("Husleiekvittering", EventType.DOKUMENTASJONKRAV, "krav-1")
    ]
    assert view.tasks[0].requested_at == datetime(2026, 11, 21, 10, 3, tzinfo=UTC)
