"""The ettersendelse's cover PDF, all a caseworker of the manual inbox has of what was sent later: when it was sent,
written as the web pages write a time ("1. desember 2026 kl. 05.40", core/formatting.py; it wrote "05:40"), what
each document is, in words, and long names kept on the page."""

import subprocess
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from digisos.exchange import pdf
from digisos.exchange.pdf import render_ettersendelse
from digisos.soker.constants import EventType
from tests.application.test_application_flow import _pdf_text
from tests.factories import CaseFactory
from tests.fixtures.pdf import words_past_right_margin

SENT = datetime(2026, 12, 1, 4, 40, tzinfo=UTC)  # 05.40 in Oslo


def test_the_cover_writes_the_time_sent_as_the_web_pages_do(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "timezone", SimpleNamespace(now=lambda: SENT))
    cover = pdf.render_ettersendelse(
        case=SimpleNamespace(id=uuid.uuid4()), reference="r-1", vedlegg=[], files=[]
    )

    path = tmp_path / "ettersendelse.pdf"
    path.write_bytes(cover)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    assert "Sendt 1. desember 2026 kl. 05.40 gjennom DigiSos." in text.stdout.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data", "document_settings")
def test_the_cover_letter_keeps_long_names_inside_the_page():
    # What a person calls a document (tilleggsinfo) and its stored name are text without spaces as often as not.
    case = CaseFactory()
    long_type = "Husleiekontrakt_med_vedlegg_og_tilleggsavtale_om_parkeringsplass_og_bod_i_kjelleren"
    vedlegg = [
        {
            "type": "annet",
            "tilleggsinfo": long_type,
            "filer": [{"filnavn": "Kontoutskrift_fra_banken_for_oktober_og_november_2026_alle-1a2b3c4d.pdf"}],
        }
    ]

    pdf = render_ettersendelse(case=case, reference="ETT-1", vedlegg=vedlegg, files=[])

    assert words_past_right_margin(pdf, margin_mm=20) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data", "document_settings")
def test_the_cover_letter_says_in_words_what_each_document_answers(tmp_path):
    # A caseworker of the manual inbox has only the cover to go by: codes ("faktura (husleie)", "annet (annet)")
    # told them nothing of what the person sent or why.
    case = CaseFactory()
    vedlegg = [
        {
            "type": "faktura",
            "tilleggsinfo": "husleie",
            "hendelseType": "soknad",
            "filer": [{"filnavn": "a.pdf"}],
        },
        {
            "type": "Kontoutskrift",
            "tilleggsinfo": "Brukskonto, siste tre måneder",
            "hendelseType": EventType.DOKUMENTASJON_ETTERSPURT,
            "hendelseReferanse": "dok-1",
            "filer": [{"filnavn": "b.pdf"}],
        },
        {"type": "annet", "tilleggsinfo": "annet", "hendelseType": "bruker", "filer": [{"filnavn": "c.pdf"}]},
    ]

    text = _pdf_text(render_ettersendelse(case=case, reference="ETT-1", vedlegg=vedlegg, files=[]), tmp_path)

    assert "Kvittering eller faktura for husleie Etterspurt i søknaden a.pdf" in text
    assert "Kontoutskrift (Brukskonto, siste tre måneder) Svar på etterspurt dokumentasjon b.pdf" in text
    assert "Sendt på eget initiativ c.pdf" in text
    assert "faktura (husleie)" not in text and "annet" not in text
