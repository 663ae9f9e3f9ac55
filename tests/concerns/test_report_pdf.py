"""The report's PDF (what barnevernet reads, and the letter when nobody acknowledged it) names its receiver as
KS's format does: a district by its name and number, a municipality's own service (bydelsnummer "00", which KS
uses when the municipality has no districts) by its name alone. It said "Barneverntjenesten i Bergen (00)". Its
time is written as the web pages write it ("kl. 05.40", core/formatting.py), not "05:40"."""

from datetime import UTC, datetime

import pytest

from digisos.concerns.bekymringsmelding import build_privat
from digisos.concerns.models import ChildWelfareOffice, ConcernReport
from digisos.concerns.pdf import render_report
from tests.application.test_application_flow import _pdf_text
from tests.concerns.test_delivery import ANSWERS

pytestmark = pytest.mark.django_db

SENT = datetime(2026, 12, 1, 4, 40, tzinfo=UTC)  # 05.40 in Oslo


def _report_to(kommunenummer: str, bydelsnummer: str, municipality_name: str) -> ConcernReport:
    office = ChildWelfareOffice.objects.get(municipality_id=kommunenummer, bydelsnummer=bydelsnummer)
    content = build_privat(
        ANSWERS,
        reporter_name="Sofie Haugen",
        office=office,
        municipality_name=municipality_name,
        sent_at=SENT,
    )
    return ConcernReport(kind=ConcernReport.Kind.PRIVATE, content=content, sent_at=SENT)


def test_a_municipalitys_own_service_is_named_without_the_00_of_no_district(offices, tmp_path):
    text = _pdf_text(render_report(_report_to("4601", "00", "Bergen")), tmp_path)
    assert "Til Barneverntjenesten i Bergen, Bergen kommune (4601)" in text
    assert "(00)" not in text


def test_a_district_is_named_with_its_number(offices, tmp_path):
    text = _pdf_text(render_report(_report_to("0301", "01", "Oslo")), tmp_path)
    assert "Til Bydel Gamle Oslo (01), Oslo kommune (0301)" in text


def test_the_time_sent_is_written_as_the_web_writes_it(offices, tmp_path):
    text = _pdf_text(render_report(_report_to("4601", "00", "Bergen")), tmp_path)
    assert "Sendt 1. desember 2026 kl. 05.40" in text
    assert "05:40" not in text
