"""The report of concern as the child-welfare office reads it: all of what the reporter wrote, on the page."""

import pytest

from digisos.concerns.models import ChildWelfareOffice
from digisos.concerns.pdf import render_report
from tests.factories import ListedConcernReportFactory
from tests.fixtures.pdf import characters_without_a_glyph, words_past_right_margin

pytestmark = pytest.mark.django_db


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
