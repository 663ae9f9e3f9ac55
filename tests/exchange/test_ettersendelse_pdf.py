"""The ettersendelse's cover PDF writes when it was sent as the web pages write a time ("1. desember 2026 kl.
05.40", core/formatting.py); it wrote "05:40"."""

import subprocess
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from digisos.exchange import pdf

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
