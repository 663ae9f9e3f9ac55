"""The report as PDF/A, in bokmål whatever language the reporter used (as the application's PDF)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .models import ConcernReport


def render_report(report: ConcernReport, *, address: str = "") -> bytes:
    """The report; with `address`, as a letter to the office (the address block first, for a window envelope)."""
    content: dict[str, Any] = report.content or {}
    with translation.override("nb"):
        html = render_to_string(
            "concerns/pdf/bekymringsmelding.html",
            {
                "report": report,
                "m": content,
                "public": report.kind == ConcernReport.Kind.PUBLIC,
                "address": address,
            },
        )
        # WeasyPrint (and its fonts) loads on the first PDF, not when Django starts.
        from weasyprint import HTML

        return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")
