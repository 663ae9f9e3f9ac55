"""The application PDF is what a caseworker with the manual inbox reads, and what case systems get beside
soknad.json: it says everything the person gave, the amounts typed on the documentation step included."""

import re
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.utils import timezone

from digisos.application import services, steps
from digisos.application.models import Application
from digisos.application.pdf import render_application
from digisos.application.requirements import HOUSING_COSTS, documentation_requirements
from digisos.core.formatting import formatters
from digisos.documents.selectors import decrypted_pdf
from tests.application.test_application_flow import _pdf_text
from tests.factories import ApplicationFactory
from tests.fixtures.pdf import words_past_right_margin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def _type_amounts(application: Application, typed: dict[str, dict[str, str]]) -> Application:
    """The documentation step's amounts (by requirement key and field), saved as the step view saves them."""
    requirements = documentation_requirements(
        application.answers, application.registers, today=timezone.localdate(), short=application.is_short
    )
    data = QueryDict(mutable=True)
    for index, requirement in enumerate(requirements):
        for name, value in typed.get(requirement.key, {}).items():
            data[f"r{index}_{name}"] = value
    form = steps.DokumentasjonForm(data, requirements=requirements, answers=application.answers)
    assert form.is_valid(), form.errors
    return services.save_step(application=application, step="dokumentasjon", answers=form.to_answers())


def test_the_pdf_shows_each_documents_given_amount_beside_it(tmp_path):
    draft = ApplicationFactory(upload=False)  # the standard answers: rent and electricity among the costs
    rent, electricity = HOUSING_COSTS["husleie"], HOUSING_COSTS["strom"]
    _type_amounts(draft, {rent.key: {"belop": "8765"}, electricity.key: {"belop": "0"}})

    services.send_application(actor=draft.owner, application_id=draft.id)

    draft.refresh_from_db()
    text = _pdf_text(decrypted_pdf(draft.pdf), tmp_path)
    # Next to its document, formatted as the PDF's other amounts; an amount of 0 is an answer too.
    assert f"{rent.title} Ikke lastet opp (oppgitt beløp: 8 765 kr)" in text
    assert "(oppgitt beløp: 0 kr)" in text  # (the row may be split by a page's footer)
    # The same amount as soknad.json gives the case systems.
    (husleie,) = [
        row for row in draft.soknad_json["data"]["okonomi"]["oversikt"]["utgift"] if row["type"] == "husleie"
    ]
    assert husleie["belop"] == 8765


def test_a_long_file_name_stays_inside_the_page():
    # A file's stored name is up to 63 characters without a space (documents.filenames.stored_name): wider than
    # the table's column at this size, it ran past the page's edge, where the caseworker could not read it.
    draft = ApplicationFactory(upload=False)
    requirements = documentation_requirements(
        draft.answers, draft.registers, today=timezone.localdate(), short=draft.is_short
    )
    name = "Kontoutskrift_fra_banken_for_oktober_og_november_2026_alle_kontoer-1a2b3c4d.pdf"
    uploaded = SimpleNamespace(stored_name=name, page_count=2)

    pdf = render_application(draft, requirements=requirements, files={requirements[0].key: [uploaded]})

    assert words_past_right_margin(pdf, margin_mm=18) == []


def test_the_pdf_writes_the_time_sent_as_the_web_pages_do(tmp_path):
    """ "1. desember 2026 kl. 05.40", as core/formatting.py writes it on the pages (the PDF wrote "05:40")."""
    draft = ApplicationFactory(upload=False)

    services.send_application(actor=draft.owner, application_id=draft.id)

    draft.refresh_from_db()
    text = _pdf_text(decrypted_pdf(draft.pdf), tmp_path)
    assert f"Sendt {formatters('nb').day_and_time(draft.sent_at)}" in text
    assert f"kl. {timezone.localtime(draft.sent_at):%H.%M}" in text
    assert not re.search(r"\b\d\d:\d\d\b", text)
