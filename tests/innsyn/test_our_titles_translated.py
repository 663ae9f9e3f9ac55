"""The titles DigiSos itself gives (the inbox's default case title, the application's documentation
requirements) are shown in the page's language on the case page; a case system's own words are shown as they
came (issue 17: "some texts are untranslated")."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from digisos.inbox.services import DEFAULT_SAK_TITTEL
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from tests.factories import CaseFactory, report

pytestmark = pytest.mark.django_db


def test_the_inbox_case_title_is_english_on_an_english_page(client, reference_data, document_settings):
    case = CaseFactory(state="sent")
    at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    case = report(
        case,
        [
            builders.soknads_status(SoknadsStatus.MOTTATT, at=at),
            builders.saks_status("sak-1", tittel=DEFAULT_SAK_TITTEL, status=None, at=at),
        ],
    )
    client.force_login(case.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get(reverse("innsyn:case", args=[case.id])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert DEFAULT_SAK_TITTEL not in main
    assert "Financial assistance" in main


def test_a_requirement_with_one_of_our_titles_is_english_and_a_case_systems_own_is_kept(
    client, reference_data, document_settings
):
    from digisos.soker.constants import KravStatus

    case = CaseFactory(state="sent")
    at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    deadline = datetime(2026, 12, 6, 12, tzinfo=UTC)
    case = report(
        case,
        [
            builders.soknads_status(SoknadsStatus.MOTTATT, at=at),
            builders.saks_status("sak-1", tittel="Livsopphold", status=None, at=at),
            *[
                builders.dokumentasjonkrav(
                    reference,
                    saksreferanse="sak-1",
                    utbetalingsreferanse=["utb-1"],
                    tittel=title,
                    frist=deadline,
                    status=KravStatus.RELEVANT,
                    at=at,
                )
                for reference, title in [
                    ("krav-1", "Kvittering eller faktura for husleie"),  # one of the application's titles
                    ("krav-2", "Husleiekvittering"),  # the case system's own words
                ]
            ],
        ],
    )
    client.force_login(case.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get(reverse("innsyn:case", args=[case.id])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert "Kvittering eller faktura for husleie" not in main
    assert "Receipt or invoice for rent" in main
    assert "Husleiekvittering" in main and "Livsopphold" in main
