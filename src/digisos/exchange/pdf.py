from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from digisos.application.selectors import requirement_titles
from digisos.documents.models import Document
from digisos.soker.constants import EventType

from .models import Case

# What each vedlegg answers, as the cover says it (hendelseType: NAV's values, and ours for the application's).
_ANSWERS = {
    "soknad": "Etterspurt i søknaden",
    EventType.DOKUMENTASJON_ETTERSPURT: "Svar på etterspurt dokumentasjon",
    EventType.DOKUMENTASJONKRAV: "Svar på dokumentasjonskrav",
}


def render_ettersendelse(
    *, case: Case, reference: str, vedlegg: list[dict[str, Any]], files: list[Document]
) -> bytes:
    """The cover letter of an ettersendelse: what was sent, for which request, when (NAV's ettersendelse.pdf)."""
    # The application's requirement titles, read once for the cover and only when a document answers one.
    answers_application = any(item.get("hendelseType") == "soknad" for item in vedlegg)
    titles = requirement_titles(case.application) if answers_application and case.application_id else {}
    with translation.override("nb"):
        html = render_to_string(
            "exchange/pdf/ettersendelse.html",
            {
                "case": case,
                "reference": reference,
                "vedlegg": [{**item, "gjelder": _subject(item, titles)} for item in vedlegg],
                "files": files,
                "sent_at": timezone.now(),
            },
        )
        # WeasyPrint (and its fonts) loads on the first PDF, not when Django starts.
        from weasyprint import HTML

        # A PDF/A variant carries the sRGB output intent PDF/A requires.
        return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")


def _subject(item: dict[str, Any], titles: dict[str, str]) -> dict[str, str]:
    """What a vedlegg is, in words a caseworker of the manual inbox reads: the cover is all they have, and the
    application's own requirements are codes in vedlegg.json ("lonnslipp", "arbeid")."""
    kind, extra, answers = item.get("type", ""), item.get("tilleggsinfo", ""), item.get("hendelseType", "")
    if answers == "bruker":
        return {"title": "Sendt på eget initiativ", "answers": ""}
    if answers == "soknad":
        title = titles.get(f"{kind}|{extra}")
        if title:
            return {"title": title, "answers": _ANSWERS["soknad"]}
    title = f"{kind} ({extra})" if extra else kind
    return {"title": title, "answers": _ANSWERS.get(answers, "")}
