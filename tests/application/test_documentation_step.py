"""The documentation step keeps what was typed across an upload, and the summary shows the amounts and every
answer, 0 included (issue 17, "Dead ends and lost work")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.application.models import Application
from digisos.application.requirements import documentation_requirements
from tests.application.test_application_flow import walk_through
from tests.documents import corpus
from tests.factories import ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, citizen_of, reference_data, document_settings) -> Application:
    user = citizen_of("kari-leier-oslo")
    client.force_login(user)
    client.post(reverse("application:new"))
    application = Application.objects.get(owner=user)
    walk_through(client, application)
    application.refresh_from_db()
    return application


def _with_amount(application: Application) -> tuple[int, str]:
    requirements = documentation_requirements(
        application.answers, application.registers, today=timezone.localdate(), short=application.is_short
    )
    return next((i, r.key) for i, r in enumerate(requirements) if r.amount == "belop")


def test_the_upload_buttons_submit_the_amounts_form(client, draft):
    html = client.get(reverse("application:step", args=[draft.id, "dokumentasjon"])).content.decode()
    upload_url = reverse("application:upload", args=[draft.id])
    # Every upload button sends the one form with the amounts (not a separate form of its own).
    assert f'formaction="{upload_url}"' in html
    assert f' action="{upload_url}"' not in html
    index, _key = _with_amount(draft)
    amount_input = html[
        html.index(f'name="r{index}_belop"') - 300 : html.index(f'name="r{index}_belop"') + 300
    ]
    assert 'form="step-form"' in amount_input
    assert 'id="step-form"' in html


def test_an_amount_typed_before_an_upload_is_kept(client, draft):
    index, key = _with_amount(draft)
    response = client.post(
        reverse("application:upload", args=[draft.id]),
        {
            "with_amounts": "1",
            f"r{index}_belop": "3450",
            "upload": key,
            f"files-{index}": [SimpleUploadedFile("faktura.pdf", corpus.pdf())],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["dokumentasjon"][key]["belop"] == {"belop": 3450}
    html = client.get(reverse("application:step", args=[draft.id, "dokumentasjon"])).content.decode()
    assert 'value="3450"' in html
    assert "faktura.pdf" in html


def test_the_summary_shows_the_amounts_and_an_answer_of_zero(client, draft):
    index, _key = _with_amount(draft)
    client.post(reverse("application:step", args=[draft.id, "dokumentasjon"]), {f"r{index}_belop": "3450"})
    client.post(
        reverse("application:step", args=[draft.id, "bosituasjon"]),
        {**ANSWERS["bosituasjon"], "antall_personer": "0"},
    )
    response = client.get(reverse("application:step", args=[draft.id, "oppsummering"]))
    html = response.content.decode()
    docs = html[html.index('id="summary-docs"') :]
    assert "3\xa0450\xa0kr" in docs or "3 450 kr" in docs
    housing = html[html.index('id="summary-bosituasjon"') : html.index('id="summary-docs"')]
    assert "<dd>0" in housing


def test_the_error_summary_names_the_document_each_amount_is_for(client, draft):
    """Two documents' amounts wrong: the summary said "Beløp i kroner: …" twice, and nobody (a screen reader
    user least) could tell which document each was about."""
    requirements = documentation_requirements(
        draft.answers, draft.registers, today=timezone.localdate(), short=draft.is_short
    )
    wrong = [(i, r) for i, r in enumerate(requirements) if r.amount == "belop"][:2]
    assert len(wrong) == 2
    response = client.post(
        reverse("application:step", args=[draft.id, "dokumentasjon"]),
        {f"r{index}_belop": "mye" for index, _r in wrong},
    )
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    for index, requirement in wrong:
        assert (
            f'href="#id_r{index}_belop">Beløp i kroner – {requirement.title}: Skriv beløpet i hele kroner'
            in summary
        ), summary
    # Each card's file input names its document too (the label "Velg filer" repeats on every card).
    assert (
        f'<label for="files-{wrong[0][0]}" class="aksel-label">Velg filer<span class="visually-hidden"> – '
        in html
    )
