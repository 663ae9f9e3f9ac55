"""Concerns counts its sent reports per municipality and month for insights, through the statistics registry;
the counts stay when the content is deleted after the retention period."""

from datetime import UTC, date, datetime

import pytest

from digisos.concerns.models import ConcernReport
from digisos.concerns.services import start_report, submit_report
from digisos.core import statistics_sources
from digisos.core.statistics_sources import MonthlyCount
from digisos.municipalities.models import Municipality
from tests.concerns.test_delivery import ANSWERS

pytestmark = pytest.mark.django_db


def sent(citizen_of, kommunenummer: str, at: datetime) -> ConcernReport:
    report = start_report(
        user=citizen_of("familie-bergen"),
        kind="privat",
        municipality=Municipality.objects.get(pk=kommunenummer),
    )
    return submit_report(report=report, answers=ANSWERS, sent_at=at)


def source():
    return {s.key: s for s in statistics_sources.registered()}["bekymringsmeldinger"]


def test_sent_reports_are_counted_per_municipality_and_norwegian_month(citizen_of, offices):
    sent(citizen_of, "0301", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))  # 1 April 00:30 in Oslo
    sent(citizen_of, "0301", datetime(2026, 4, 10, 9, 0, tzinfo=UTC))
    sent(citizen_of, "4601", datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    start_report(
        user=citizen_of("familie-bergen"), kind="privat", municipality=Municipality.objects.get(pk="4601")
    )

    assert sorted(source().monthly_counts(None), key=lambda c: (c.municipality_number, c.month)) == [
        MonthlyCount("0301", date(2026, 4, 1), 2),
        MonthlyCount("4601", date(2026, 3, 1), 1),
    ]


def test_since_gives_the_complete_count_of_the_months_changed_only(citizen_of, offices):
    sent(citizen_of, "0301", datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    sent(citizen_of, "4601", datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    sent(citizen_of, "0301", datetime(2026, 4, 20, 9, 0, tzinfo=UTC))

    changed = list(source().monthly_counts(datetime(2026, 4, 15, tzinfo=UTC)))

    assert changed == [MonthlyCount("0301", date(2026, 4, 1), 2)]
    assert list(source().monthly_counts(datetime(2026, 5, 1, tzinfo=UTC))) == []


def test_the_counts_stay_when_the_content_is_deleted(citizen_of, offices):
    report = sent(citizen_of, "0301", datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    ConcernReport.objects.filter(pk=report.pk).update(
        content=None, answers={}, content_deleted_at=datetime(2026, 5, 10, tzinfo=UTC)
    )
    assert list(source().monthly_counts(None)) == [MonthlyCount("0301", date(2026, 4, 1), 1)]
