"""Fallbacks and retention: a report not acknowledged within two working days, or refused, goes out as a
letter (SENDT_PRINT, LEVERT) through the print port; content is deleted 30 days after acknowledgement while
the row and its states stay for statistics."""

from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from django.core.files.storage import storages

from digisos.concerns.delivery import acknowledge, refuse
from digisos.concerns.fallbacks import remove_expired_content, send_overdue_by_letter
from digisos.concerns.models import ChildWelfareOffice, ConcernDelivery, ConcernReport
from digisos.concerns.services import start_report, submit_report
from digisos.exchange.keys import generate_municipality_keys
from digisos.municipalities.models import Municipality

pytestmark = pytest.mark.django_db
ANSWERS = {
    "melder": {},
    "barn": [{"personnavn": "Mia", "adresselinje1": "Storgata 1"}],
    "foresatte": [],
    "melding": {"melding": "Hun er alene hjemme om kveldene."},
}
# Friday 4 December 2026, 10:00 in Oslo: two working days on is Tuesday 8 December.
FRIDAY = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def print_dir(settings, tmp_path):
    settings.CONCERNS_PRINT_DIR = tmp_path / "print"
    return tmp_path / "print"


@pytest.fixture
def bergen(offices, tmp_path):
    certificate, _ = generate_municipality_keys(tmp_path / "bv")
    ChildWelfareOffice.objects.filter(municipality_id="4601").update(certificate_pem=certificate.read_text())


def sent(citizen_of, at: datetime = FRIDAY) -> ConcernReport:
    report = start_report(
        user=citizen_of("familie-bergen"), kind="privat", municipality=Municipality.objects.get(pk="4601")
    )
    report = submit_report(report=report, answers=ANSWERS, sent_at=at)
    ConcernDelivery.objects.filter(report=report).update(available_at=at)
    report.states.filter(state="SENDT_FAGSYSTEM").update(at=at)
    return report


def states(report: ConcernReport) -> list[str]:
    return list(report.states.values_list("state", flat=True))


def test_not_acknowledged_goes_out_as_a_letter_on_the_third_working_day(citizen_of, bergen, print_dir):
    report = sent(citizen_of)
    assert send_overdue_by_letter(now=FRIDAY + timedelta(days=3, hours=23)) == 0  # Monday evening
    assert send_overdue_by_letter(now=FRIDAY + timedelta(days=4)) == 1  # Tuesday, same time
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "SENDT_PRINT", "LEVERT"]
    letter = print_dir / f"bekymringsmelding-{report.id}.pdf"
    with pikepdf.open(letter) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    assert send_overdue_by_letter(now=FRIDAY + timedelta(days=10)) == 0  # once
    # The case system collecting it late is still fine, and adds no second LEVERT.
    acknowledge(delivery_id=report.delivery.pk)
    assert states(report)[-1] == "LEVERT" and report.states.count() == 4


def test_the_letter_goes_at_the_deadline_itself_when_it_is_two_calendar_days_on(
    citizen_of, bergen, print_dir
):
    monday = FRIDAY + timedelta(days=3)  # two working days on is Wednesday, exactly 48 hours later
    report = sent(citizen_of, at=monday)
    assert send_overdue_by_letter(now=monday + timedelta(days=2, seconds=-1)) == 0
    assert send_overdue_by_letter(now=monday + timedelta(days=2)) == 1
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "SENDT_PRINT", "LEVERT"]


def test_a_refused_report_goes_out_as_a_letter_at_once(citizen_of, bergen, print_dir):
    report = sent(citizen_of)
    refuse(delivery_id=report.delivery.pk, message="Lagring feilet")
    assert send_overdue_by_letter(now=FRIDAY + timedelta(minutes=5)) == 1
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "AVVIST_FAGSYSTEM", "SENDT_PRINT", "LEVERT"]


def test_an_acknowledged_report_is_not_printed(citizen_of, bergen, print_dir):
    report = sent(citizen_of)
    acknowledge(delivery_id=report.delivery.pk)
    assert send_overdue_by_letter(now=FRIDAY + timedelta(days=30)) == 0
    assert not print_dir.exists()


def test_content_is_deleted_30_days_after_acknowledgement_and_the_counts_stay(
    citizen_of, bergen, django_capture_on_commit_callbacks
):
    report = sent(citizen_of)
    acknowledge(delivery_id=report.delivery.pk, at=FRIDAY)
    names = list(report.delivery.files.values_list("storage_name", flat=True))
    assert names and all(storages["documents"].exists(n) for n in names)
    assert remove_expired_content(now=FRIDAY + timedelta(days=29)) == 0
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion commits
        assert remove_expired_content(now=FRIDAY + timedelta(days=31)) == 1
    report.refresh_from_db()
    assert report.content is None and report.content_deleted_at is not None
    assert not report.delivery.files.exists() and not any(storages["documents"].exists(n) for n in names)
    assert (report.kind, report.municipality_id, report.office.bydelsnummer) == ("privat", "4601", "00")
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"]
    assert remove_expired_content(now=FRIDAY + timedelta(days=60)) == 0


def test_an_unacknowledged_report_alerts_the_office_without_content_three_times_a_day_at_most(
    citizen_of, bergen, mailoutbox
):
    from digisos.concerns.fallbacks import alert_unacknowledged

    report = sent(citizen_of)
    assert alert_unacknowledged(now=FRIDAY + timedelta(minutes=30)) == 0  # not waited long enough
    for hours in (1, 2, 3, 4, 5):
        alert_unacknowledged(now=FRIDAY + timedelta(hours=hours))
    assert len(mailoutbox) == 3
    mail = mailoutbox[0]
    assert mail.to == ["barnevern-varsel@bergen.kommune.example"]
    assert "1 bekymringsmelding" in mail.body
    for secret in ("Mia", "Storgata", "alene hjemme", str(report.id), "Sofie"):
        assert secret not in mail.body and secret not in mail.subject
    assert alert_unacknowledged(now=FRIDAY + timedelta(days=1)) == 1  # a new day (Saturday)
    acknowledge(delivery_id=report.delivery.pk)
    assert alert_unacknowledged(now=FRIDAY + timedelta(days=2)) == 0


def test_a_draft_untouched_for_14_days_is_deleted(citizen_of, offices):
    from django.utils import timezone

    from digisos.concerns.fallbacks import remove_expired_drafts

    draft = start_report(
        user=citizen_of("familie-bergen"), kind="privat", municipality=Municipality.objects.get(pk="4601")
    )
    kept = sent(citizen_of)
    now = timezone.now()
    assert remove_expired_drafts(now=now + timedelta(days=13)) == 0
    assert remove_expired_drafts(now=now + timedelta(days=15)) == 1
    assert (
        not ConcernReport.objects.filter(pk=draft.pk).exists()
        and ConcernReport.objects.filter(pk=kept.pk).exists()
    )
