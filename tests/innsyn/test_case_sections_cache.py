"""The case page's sections kept in the cache (innsyn.rendering._case_sections): a new report, another language
and another person each get what is theirs, never a kept copy made for something else."""

import pytest
from django.urls import reverse

from digisos.exchange.models import Case
from digisos.soker import builders
from digisos.soker.constants import EventType
from tests.fixtures.personas import citizen
from tests.innsyn.test_pages import at, sofie_case  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


@pytest.fixture(autouse=True)
def kept_sections(settings):
    """The cache as production has it (one per process), emptied for each test."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _page(client, case: Case, language: str = "nb") -> str:
    client.cookies["digisos_language"] = language
    response = client.get(reverse("innsyn:case", args=[case.id]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_report_shows_at_once(client, sofie_case, exchange_api):  # noqa: F811
    assert "Strømregning" not in _page(client, sofie_case)  # the sections are kept now
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    payment = builders.event(
        EventType.UTBETALING,
        at=at(20),
        utbetalingsreferanse="u3",
        saksreferanse="sak-1",
        belop=1200,
        beskrivelse="Strømregning",
        forfallsdato=sofie_case.created_at.date().isoformat(),
    )
    document["hendelser"] = [*document["hendelser"], payment]
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    assert "Strømregning" in _page(client, sofie_case)


def test_each_language_gets_its_own_texts(client, sofie_case):  # noqa: F811
    bokmal = _page(client, sofie_case, "nb")
    assert "Se vedtaket" in bokmal and ">Historikk<" in bokmal
    english = _page(client, sofie_case, "en")
    assert "See the decision" in english and ">History<" in english
    assert "Se vedtaket" not in english
    assert "Se vedtaket" in _page(client, sofie_case, "nb")


def test_another_person_never_gets_the_kept_sections(client, sofie_case):  # noqa: F811
    assert "Utleier AS" in _page(client, sofie_case)  # kept for Sofie's case
    client.force_login(citizen("kari-leier-oslo"))
    response = client.get(reverse("innsyn:case", args=[sofie_case.id]))
    assert response.status_code == 404 and "Utleier AS" not in response.content.decode()


def test_a_new_report_changes_the_loaded_view_at_once(client, sofie_case, exchange_api):  # noqa: F811
    """A request asked for in a new report shows at once among the tasks (not part of the kept sections) of a
    page looked at before the report."""
    assert "Husleiekontrakt" not in _page(client, sofie_case)
    document = dict(Case.objects.get(pk=sofie_case.id).soker)
    asked = builders.event(
        EventType.DOKUMENTASJON_ETTERSPURT,
        at=at(20),
        dokumenter=[
            {
                "dokumenttype": "Husleiekontrakt",
                "innsendelsesfrist": "2026-12-15T22:59:00.000Z",
                "dokumentreferanse": "dok-husleie",
            }
        ],
    )
    document["hendelser"] = [*document["hendelser"], asked]
    assert exchange_api("4601").post(f"/saker/{sofie_case.id}/digisos-soker", document).status_code == 200
    tasks = _page(client, sofie_case).split('data-testid="tasks"')[1].split("</section>")[0]
    assert "Husleiekontrakt" in tasks
