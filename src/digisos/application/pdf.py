"""The application as PDF/A for the caseworker, in bokmål whatever language the person used."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .models import Application
from .requirements import Requirement
from .summary import amounts_shown, sections


def render_application(
    application: Application, *, requirements: list[Requirement], files: dict[str, list[Any]]
) -> bytes:
    with translation.override("nb"):
        person = application.registers.get("person") or {}
        documented = set(application.answers.get("dokumentasjon", {}))
        html = render_to_string(
            "application/pdf/soknad.html",
            {
                "application": application,
                "person": person,
                "sections": sections(
                    application.answers,
                    application.registers,
                    office=application.office_name,
                    short=application.is_short,
                ),
                "requirements": [
                    {
                        "requirement": requirement,
                        "files": files.get(requirement.key, []),
                        "earlier": requirement.key in documented
                        and application.answers["dokumentasjon"][requirement.key].get("levert_tidligere"),
                        # The amounts typed beside each document: soknad.json carries them for case systems, the
                        # PDF is all a caseworker with the manual inbox has.
                        "amounts": amounts_shown(application.answers, requirement),
                    }
                    for requirement in requirements
                ],
                "soknad": application.soknad_json,
            },
        )
        # WeasyPrint (and its fonts) loads on the first PDF, not when Django starts.
        from weasyprint import HTML

        # A PDF/A variant carries the sRGB output intent PDF/A requires.
        return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b")
