"""Every access decision, PERMIT and DENY, is kept in the database and written as ArcSight CEF to the
dedicated audit logger, which never reaches the ordinary log."""

import logging
from datetime import UTC, datetime

import pytest
from django.test import RequestFactory, override_settings

from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.audit import AUDIT_LOGGER, audit_logger, cef_line, parse_cef
from digisos.followup.models import AccessDecision
from digisos.followup.policy import DataKind, Decision, Employee, Purpose, Reason
from digisos.followup.services import check_access
from tests.fixtures.personas import persona_pid

from .conftest import case_for, employee

pytestmark = pytest.mark.django_db

KARI = "kari-leier-oslo"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def cef():
    handler = Capture()
    logger = audit_logger()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def _request():
    request = RequestFactory().post("/personer/oppslag/", {"fnr": "ignored"})
    request.request_id = "req-123"
    return request


@pytest.mark.parametrize(
    ("key", "outcome", "reason"),
    [(KARI, "PERMIT", "permitted"), ("strengt-fortrolig", "DENY", "strengt_fortrolig")],
)
def test_each_decision_is_kept_and_written_as_cef(reference_data, cef, key, outcome, reason):
    case_for(key, "0301")
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    pid = persona_pid(key)
    at = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

    check_access(sara, pid=pid, purpose=Purpose.CASEWORK, kind=DataKind.PAYMENTS, request=_request(), now=at)

    stored = AccessDecision.objects.get()
    assert (stored.subject_pid, stored.actor_ident, stored.outcome, stored.reason) == (
        pid,
        "sara",
        outcome,
        reason,
    )
    assert (stored.purpose, stored.data_kind, stored.flow, stored.at) == (
        "casework",
        "payments",
        "employee.nav_office",
        at,
    )
    assert stored.actor_kommunenummer == "0301" and stored.request_id == "req-123"

    [line] = cef
    header, fields = parse_cef(line)
    assert header[:6] == ["CEF:0", "DigiSos", "sporingslogg", "1.0", "audit:access", "Sosialhjelp oppslag"]
    assert header[6] == ("INFO" if outcome == "PERMIT" else "WARN")
    assert fields["suid"] == "sara"  # who
    assert fields["duid"] == pid  # whose
    assert fields["cs5"] == "payments" and fields["cs5Label"] == "DataKind"  # what
    assert fields["end"] == str(int(at.timestamp() * 1000))  # when
    assert fields["cs3"] == "casework" and fields["cs3Label"] == "Purpose"  # why
    assert fields["flexString1"] == outcome and fields["flexString1Label"] == "Decision"
    assert fields["flexString2"] == reason
    assert fields["request"] == "/personer/oppslag/" and fields["requestMethod"] == "POST"
    assert fields["sproc"] == "req-123"


def test_a_look_at_several_kinds_is_one_row_and_one_cef_line_naming_each(reference_data, cef):
    from digisos.accounts.services import employee_from_claims
    from digisos.followup.policy import employee_of
    from digisos.followup.services import check_access_kinds

    case_for(KARI, "0301", "0316")
    vera = employee_of(employee_from_claims({"sub": "vera", "roles": ["veileder"], "nav_office": "0316"}))
    kinds = [DataKind.CASES, DataKind.PAYMENTS, DataKind.DOCUMENTS, DataKind.STATE_REGISTERS]

    decisions = check_access_kinds(vera, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kinds=kinds)

    assert all(decision.permitted for decision in decisions.values())
    [stored] = AccessDecision.objects.all()
    assert stored.data_kind == "cases,payments,documents,state_registers"
    assert stored.flow == "employee.nav_office,employee.state_registers"
    [line] = cef
    fields = parse_cef(line)[1]
    assert (fields["cs5"], fields["cs6"], fields["flexString1"]) == (stored.data_kind, stored.flow, "PERMIT")


def test_a_look_whose_kinds_got_different_answers_keeps_each_answer(reference_data, cef):
    from digisos.followup.services import check_access_kinds

    case_for(KARI, "0301")
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    kinds = [DataKind.CASES, DataKind.STATE_REGISTERS, DataKind.PAYMENTS]

    check_access_kinds(sara, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kinds=kinds)

    assert sorted(AccessDecision.objects.values_list("data_kind", "outcome", "reason")) == [
        ("cases,payments", "PERMIT", "permitted"),
        ("state_registers", "DENY", "kind_not_allowed"),
    ]
    assert len(cef) == 2


def test_a_decision_without_purpose_is_audited_as_deny(reference_data, cef):
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    decision = check_access(sara, pid=persona_pid(KARI), purpose=None, kind=DataKind.CASES)
    assert not decision.permitted
    assert AccessDecision.objects.get().reason == "no_purpose"
    assert parse_cef(cef[0])[1]["flexString1"] == "DENY"


def test_cef_escapes_what_would_break_the_format():
    who = Employee(ident="a=b|c\\d\nx", role=None)
    line = cef_line(
        employee=who,
        pid="01010112345",
        purpose="x y=z",
        kind="cases",
        decision=Decision(False, Reason.NO_PURPOSE),
        at=datetime(2026, 1, 1, tzinfo=UTC),
        path="/a|b",
    )
    assert "\n" not in line
    header, fields = parse_cef(line)
    assert len(header) == 7
    assert fields["suid"] == "a=b|c\\d\nx"
    assert fields["cs3"] == "x y=z"
    assert fields["request"] == "/a|b"


def test_the_audit_logger_never_reaches_the_ordinary_log(reference_data):
    """The root logger's handlers write the ordinary (shipped) log; the CEF line must not pass through them.
    (pytest's caplog is no witness: it also hooks loggers that do not propagate.)"""
    case_for(KARI)
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    pid = persona_pid(KARI)
    ordinary = Capture()
    root = logging.getLogger()
    root.addHandler(ordinary)
    try:
        check_access(sara, pid=pid, purpose=Purpose.CASEWORK, kind=DataKind.CASES)
    finally:
        root.removeHandler(ordinary)
    assert logging.getLogger(AUDIT_LOGGER).propagate is False
    assert any("followup.access" in line for line in ordinary.lines)  # the ordinary log line...
    assert not any(pid in line or "CEF:0" in line for line in ordinary.lines)  # ...without the person


def test_the_audit_log_goes_to_its_own_file_when_configured(reference_data, tmp_path):
    path = tmp_path / "sporingslogg.cef"
    case_for(KARI)
    sara = employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    with override_settings(AUDIT_LOG_ADDRESS=str(path)):
        check_access(sara, pid=persona_pid(KARI), purpose=Purpose.CASEWORK, kind=DataKind.CASES)
        for handler in logging.getLogger(AUDIT_LOGGER).handlers:
            handler.flush()
    _header, fields = parse_cef(path.read_text(encoding="utf-8").strip())
    assert fields["duid"] == persona_pid(KARI) and fields["flexString1"] == "PERMIT"
    audit_logger()  # back to no handler for the other tests
