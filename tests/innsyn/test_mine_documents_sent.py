"""Mine søknader counts only the documents still to send: those the person sent from the case page (an
ettersendelse) are answered there by the case page's own rule ("Sendt 1. desember"), and the list says the same
(session 24: the list said "Du må sende 1 dokument." after it was sent)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digisos.exchange.models import Case, Delivery
from digisos.exchange.services.delivery import create_paper_case
from digisos.innsyn import selectors
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos.soker.fold import Task
from tests.factories import CaseFactory, EttersendelseFactory, case_system, report
from tests.fixtures.personas import persona_pid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

NOW = datetime.now(UTC).replace(microsecond=0)
ASKED_AT = NOW - timedelta(hours=1)
FIRST_DEADLINE, SECOND_DEADLINE = NOW + timedelta(days=5), NOW + timedelta(days=10)


def _ask_for_two(case: Case, *, first: datetime = FIRST_DEADLINE, second: datetime = SECOND_DEADLINE) -> Case:
    """The case received and in progress, and the caseworker's request for two documents (dok-1, dok-2)."""
    return report(
        case,
        [
            builders.soknads_status(SoknadsStatus.MOTTATT, at=ASKED_AT - timedelta(minutes=2)),
            builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=ASKED_AT - timedelta(minutes=1)),
            builders.dokumentasjon_etterspurt(
                [
                    builders.dokument(
                        "Kontoutskrift",
                        tilleggsinformasjon="Brukskonto, siste tre måneder",
                        innsendelsesfrist=first,
                        dokumentreferanse="dok-1",
                    ),
                    builders.dokument("Husleiekontrakt", innsendelsesfrist=second, dokumentreferanse="dok-2"),
                ],
                at=ASKED_AT,
            ),
        ],
    )


def _task(case: Case, reference: str) -> Task:
    """The case's task as its page shows it (the page's form sends its id; the factory takes the task)."""
    page = selectors.case_page(case.owner, case.id)
    return next(task for task in page.view.tasks if task.reference == reference)


@pytest.fixture
def asked(client) -> Case:
    case = _ask_for_two(CaseFactory(state="sent"))
    client.force_login(case.owner)
    client.get(reverse("innsyn:mine"))  # a session's first request stamps its idle limit (one write)
    return case


def _card(client, case: Case) -> str:
    html = client.get(reverse("innsyn:mine")).content.decode()
    return html.split(str(case.id))[1].split("</li>")[0]


def _listed(case: Case) -> selectors.ListedCase:
    listed = selectors.my_applications(case.owner, now=timezone.now())
    return next(c for c in [*listed.active, *listed.earlier] if c.id == case.id)


def test_one_of_two_requested_documents_sent_leaves_one_to_send(client, asked):
    EttersendelseFactory(case=asked, task=_task(asked, "dok-1"))

    card = _card(client, asked)
    assert "Du må sende 1 dokument." in card
    # The first deadline left is the second document's: the first one is sent.
    assert _listed(asked).next_deadline == SECOND_DEADLINE
    # The case page marks that same one sent (one rule for both pages).
    sent = selectors.case_page(asked.owner, asked.id).tasks_sent
    assert set(sent) == {_task(asked, "dok-1").id}
    # The quick start's SQLite writes the sent documents' times without an offset (UTC, as Django stores them
    # there); PostgreSQL with one. The same instants.
    vedlegg = {"vedlegg": [{"type": "Kontoutskrift"}]}
    on_postgresql = selectors._sent_documents([["2026-12-01T07:16:29.252+00:00", vedlegg]])
    on_sqlite = selectors._sent_documents([["2026-12-01 07:16:29.252000", vedlegg]])
    assert (
        on_sqlite
        == on_postgresql
        == [selectors.SentDocuments(datetime(2026, 12, 1, 7, 16, 29, 252000, UTC), vedlegg)]
    )


def test_both_requested_documents_sent_leaves_nothing_to_send(client, asked):
    EttersendelseFactory(case=asked, task=_task(asked, "dok-1"))
    EttersendelseFactory(case=asked, task=_task(asked, "dok-2"))

    card = _card(client, asked)
    assert 'data-testid="open-tasks"' not in card and "Du må sende" not in card
    assert _listed(asked).open_tasks == 0


def test_a_document_sent_before_the_request_does_not_answer_it(client, asked):
    early = EttersendelseFactory(case=asked, task=_task(asked, "dok-1"))
    # Sent a week before the caseworker asked (for an earlier request of the same document, say).
    Delivery.objects.filter(pk=early.pk).update(created_at=ASKED_AT - timedelta(days=7))
    EttersendelseFactory(case=asked, task=_task(asked, "dok-2"))

    assert "Du må sende 1 dokument." in _card(client, asked)
    assert _listed(asked).next_deadline == FIRST_DEADLINE
    assert set(selectors.case_page(asked.owner, asked.id).tasks_sent) == {_task(asked, "dok-2").id}


def test_a_document_sent_on_the_persons_own_initiative_answers_nothing(client, asked):
    EttersendelseFactory(case=asked, task=None)
    EttersendelseFactory(case=asked, task=_task(asked, "dok-2"))

    assert "Du må sende 1 dokument." in _card(client, asked)


def test_a_case_whose_documents_are_all_sent_is_listed_after_one_still_waiting_for_a_document(client, asked):
    """The list puts first the case with the nearest deadline of something still to send: a case whose
    documents are all sent has nothing due, whatever deadlines its request had."""
    EttersendelseFactory(case=asked, task=_task(asked, "dok-1"))
    EttersendelseFactory(case=asked, task=_task(asked, "dok-2"))
    waiting = _paper_case_asking_for_two(first=NOW + timedelta(days=8), second=NOW + timedelta(days=9))

    active = selectors.my_applications(asked.owner, now=timezone.now()).active
    assert [case.id for case in active][:2] == [waiting.id, asked.id]
    assert (active[0].open_tasks, active[1].open_tasks) == (2, 0)
    assert active[1].next_deadline is None


def _paper_case_asking_for_two(**deadlines: datetime) -> Case:
    """Another case of the same person (a paper case: a person sends at most two applications a day)."""
    paper = create_paper_case(
        actor_id=case_system("4601").pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen")
    )
    return _ask_for_two(paper, **deadlines)


def _queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("innsyn:mine")).status_code == 200
    return len(captured)


def test_the_list_reads_every_cases_sent_documents_in_a_fixed_number_of_queries(client, asked):
    EttersendelseFactory(case=asked, task=_task(asked, "dok-1"))
    one = _queries(client)
    more = [_paper_case_asking_for_two() for _ in range(4)]
    for case in more:
        EttersendelseFactory(case=case, task=_task(case, "dok-2"))

    assert _queries(client) == one
    listed = selectors.my_applications(asked.owner, now=timezone.now()).active
    assert {case.id: case.open_tasks for case in listed} == {case.id: 1 for case in [asked, *more]}
    html = client.get(reverse("innsyn:mine")).content.decode()
    assert html.count("Du må sende 1 dokument.") == 5 and "Du må sende 2" not in html
