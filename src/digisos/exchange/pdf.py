from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from digisos.documents.models import Document

from .models import Case


def render_ettersendelse(
    *, case: Case, reference: str, vedlegg: list[dict[str, Any]], files: list[Document]
) -> bytes:
    """The cover letter of an ettersendelse: what was sent, for which request, when (NAV's ettersendelse.pdf)."""
    with translation.override("nb"):
        html = render_to_string(
            "exchange/pdf/ettersendelse.html",
            {
                "case": case,
                "reference": reference,
                "vedlegg": vedlegg,
                "files": files,
                "sent_at": timezone.now(),
            },
        )
        # WeasyPrint (and its fonts) loads on the first PDF, not when Django starts.
        from weasyprint import HTML

        # A PDF/A variant carries the sRGB output intent PDF/A requires.
        return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")
