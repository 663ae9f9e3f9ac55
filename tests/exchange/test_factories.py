"""The factories make what they say: a sent application with its case and delivery, a case in each reported
state that the fold reads as that state, a delivered delivery and a stored letter the applicant can read."""

from datetime import UTC, datetime

import pytest

from digisos.application.models import Application
from digisos.exchange.models import Delivery
from digisos.soker.constants import SENDT, SoknadsStatus, UtbetalingStatus
from digisos.soker.fold import fold
from tests.factories import ApplicationFactory, CaseFactory, DeliveryFactory, LetterFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def test_a_draft_has_the_answers_and_a_sent_application_has_its_case_and_delivery():
    draft = ApplicationFactory()
    assert draft.status == Application.Status.DRAFT and draft.answers["behov"]["hva"]
    sent = ApplicationFactory(owner=UserFactory(persona="kari-leier-oslo"), sent=True)
    assert sent.status != Application.Status.DRAFT and sent.soknad_json and sent.case.deliveries.count() == 1


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("sent", SENDT),
        ("received", SoknadsStatus.MOTTATT),
        ("in_progress", SoknadsStatus.UNDER_BEHANDLING),
        ("documents_requested", SoknadsStatus.UNDER_BEHANDLING),
        ("decided", SoknadsStatus.UNDER_BEHANDLING),
        ("paid", SoknadsStatus.FERDIGBEHANDLET),
    ],
)
def test_a_case_in_each_reported_state_folds_to_that_state(state, status):
    case = CaseFactory(state=state)
    view = fold(case.soker, now=case.created_at, sent_at=case.application.sent_at)
    assert view.status == status
    if state == "documents_requested":
        (task,) = view.tasks
        assert task.deadline and task.letter and task.letter.document_id
    if state in ("decided", "paid"):
        (sak,) = view.saker
        assert sak.decisions and sak.decisions[0].letter.document_id
    if state == "paid":
        assert [p.status for p in view.payments] == [UtbetalingStatus.UTBETALT]


def test_a_trait_is_a_state():
    assert fold(CaseFactory(received=True).soker, now=datetime.now(UTC)).status == SoknadsStatus.MOTTATT


def test_a_letter_is_stored_encrypted_on_the_case_and_a_delivery_is_delivered():
    case = CaseFactory()
    letter = LetterFactory(case=case)
    assert letter.folder_id == case.letters_id and letter.page_count == 1
    delivery = DeliveryFactory()
    assert delivery.status == Delivery.Status.AVAILABLE
