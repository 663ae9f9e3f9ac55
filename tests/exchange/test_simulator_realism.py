"""The case-system simulator sends what a case system would (issue 17): each case paid to an account of its
own, nothing marked paid on a day still to come, offices that exist, and no request for documents left open
under a decision. Its story folds to a case page that tells the truth."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from digisos.core.identifiers import validate_account_number
from digisos.municipalities.models import NavOffice
from digisos.soker.constants import EventType, UtbetalingStatus
from digisos.soker.fold import fold
from digisos_simulator.simulator import play_full_case

TODAY = date(2026, 11, 29)


class Recorder:
    """The two calls play_full_case makes of a FagsystemClient, kept instead of sent."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    def upload_letter(self, case_id: str, filename: str, pdf: bytes) -> str:
        return str(uuid.uuid4())

    def post_case_events(self, case_id: str, document: dict[str, Any]) -> dict[str, Any]:
        self.documents.append(document)
        return {}


def _events(case_id: str, **kwargs: Any) -> list[dict[str, Any]]:
    recorder = Recorder()
    play_full_case(recorder, case_id, today=TODAY, **kwargs)
    return recorder.documents[-1]["hendelser"]


def test_each_case_is_paid_to_an_account_of_its_own_and_never_paid_in_the_future():
    accounts = set()
    for case_id in (str(uuid.uuid4()) for _ in range(5)):
        payments = [e for e in _events(case_id) if e["type"] == EventType.UTBETALING]
        accounts |= {validate_account_number(p["kontonummer"]) for p in payments}
        paid = [p for p in payments if p["status"] == UtbetalingStatus.UTBETALT]
        assert paid and all(date.fromisoformat(p["utbetalingsdato"]) <= TODAY for p in paid)
    assert len(accounts) == 5


def test_a_request_for_documents_is_closed_before_the_decision():
    events = _events(str(uuid.uuid4()))
    kinds = [e["type"] for e in events]
    decision = kinds.index(EventType.VEDTAK_FATTET)
    last_request = max(i for i, kind in enumerate(kinds) if kind == EventType.DOKUMENTASJON_ETTERSPURT)
    assert last_request < decision and events[last_request]["dokumenter"] == []


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_the_office_it_assigns_exists_and_its_story_folds_to_a_truthful_page():
    events = _events(str(uuid.uuid4()))
    (assigned,) = [e["navKontor"] for e in events if e["type"] == EventType.TILDELT_NAV_KONTOR]
    assert NavOffice.objects.filter(enhetsnummer=assigned).exists()

    view = fold({"hendelser": events}, now=datetime(2026, 11, 29, 23, tzinfo=UTC))
    assert not view.shows_preliminary_answer  # done
    assert [t.event_type for t in view.tasks] == [EventType.DOKUMENTASJONKRAV]  # the receipt, with an upload
