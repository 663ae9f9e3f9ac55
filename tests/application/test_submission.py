"""Sending hands the application to the submission backend (exchange registers it at start-up), called
visibly inside the send transaction: the case and its delivery exist exactly when the application is marked
sent, and with no backend at all sending fails instead of leaving an application no municipality receives."""

import pytest

from digisos.application import submission
from digisos.application.models import Application
from digisos.application.services import send_application
from digisos.exchange.models import Case, Delivery
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def test_sending_makes_the_case_and_its_delivery_through_the_registered_backend():
    application = ApplicationFactory(sent=True, upload=False)

    case = Case.objects.get(application=application)
    assert (case.owner_id, case.municipality_id) == (application.owner_id, application.municipality_id)
    delivery = Delivery.objects.get(case=case)
    assert (delivery.kind, delivery.nav_ekstern_ref_id) == (Delivery.Kind.SOKNAD, str(application.id))
    assert delivery.folder_id == application.folder_id


def test_without_a_submission_backend_sending_fails_and_the_application_stays_a_draft(monkeypatch):
    draft = ApplicationFactory(upload=False)
    monkeypatch.setattr(submission, "_backend", None)

    with pytest.raises(submission.NoSubmissionBackend):
        send_application(actor=draft.owner, application_id=draft.id)

    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT and draft.sent_at is None
    assert not Case.objects.exists()


def test_a_backend_that_fails_rolls_the_send_back(monkeypatch):
    draft = ApplicationFactory(upload=False)

    class Unreachable:
        def submit(self, *, application_id: object) -> None:
            raise RuntimeError("the exchange is down")

    monkeypatch.setattr(submission, "_backend", Unreachable())

    with pytest.raises(RuntimeError):
        send_application(actor=draft.owner, application_id=draft.id)

    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT and draft.pdf_id is None
    assert not Case.objects.exists()
