"""The report's PDF (what barnevernet reads, and the letter when nobody acknowledged it) names its receiver as
KS's format does: a district by its name and number, a municipality's own service (bydelsnummer "00", which KS
uses when the municipality has no districts) by its name alone. It said "Barneverntjenesten i Bergen (00)". Its
time is written as the web pages write it ("kl. 05.40", core/formatting.py), not "05:40". All of what the
reporter wrote is on the page: a long link breaks, an emoji is drawn."""

from datetime import UTC, datetime

import pytest

from digisos.concerns.bekymringsmelding import build_privat
from digisos.concerns.models import ChildWelfareOffice, ConcernReport
from digisos.concerns.pdf import render_report
from tests.application.test_application_flow import _pdf_text
from tests.concerns.test_delivery import ANSWERS
from tests.factories import ListedConcernReportFactory
from tests.fixtures.pdf import characters_without_a_glyph, words_past_right_margin

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


def test_a_long_link_in_the_report_stays_inside_the_page(offices):
    # A reporter pastes a link to what they saw: a word of a hundred characters with nowhere to break it.
    link = (
        "https://www.example.no/innlegg?id="
        + "Bildene_og_kommentarene_fra_helgen_som_viser_hva_som_skjedde_hjemme_hos_dem" * 2
    )
    report = ListedConcernReportFactory(
        office=ChildWelfareOffice.objects.get(municipality_id="4601"),
        content={
            "melding": f"Se {link} der hun skriver om det.",
            "privatMelder": {"personnavn": "Kari Nordmann"},
        },
    )

    pdf = render_report(report, address="Barneverntjenesten i Bergen\nPostboks 7700\n5020 Bergen")

    assert words_past_right_margin(pdf, margin_mm=18) == []


def test_every_character_the_reporter_wrote_is_drawn(offices):
    # People write with emoji and symbols; DejaVu Sans has some, and the PDF showed an empty box for the rest.
    text = "Hun sa «takk 🙏» og gråt 😢. Broren (5 år) ❤ → mormor. Ærlig talt ✔"
    report = ListedConcernReportFactory(
        office=ChildWelfareOffice.objects.get(municipality_id="4601"),
        content={"melding": text, "privatMelder": {"personnavn": "Kari Nordmann"}},
    )

    pdf = render_report(report)

    assert characters_without_a_glyph(pdf, text) == set()
