"""The inbox case page's history shows the titles DigiSos itself gives in the page's language, as the applicant's
case page does (soker/labels.py): the inbox's default sak title is "Financial assistance" on an English page, a
document asked for by one of the application's requirement titles is in English too; a case system's own title
stays as it came. Before, the history said `Case “Økonomisk sosialhjelp”: Being processed`."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from digisos.inbox.selectors import describe_event
from digisos.soker import builders
from digisos.soker.constants import SaksStatus, Utfall
from digisos.soker.labels import DEFAULT_SAK_TITLE
from tests.documents import corpus
from tests.inbox.test_inbox import case_url, kari, sara  # noqa: F401

SAK = {
    "nb": "Sak «Økonomisk sosialhjelp»: Under behandling",
    "nn": "Sak «Økonomisk sosialhjelp»: Under behandling",
    "en": "Case “Financial assistance”: Being processed",
}
SHOWN_TITLE = {"nb": DEFAULT_SAK_TITLE, "nn": DEFAULT_SAK_TITLE, "en": "Financial assistance"}
OUR_REQUIREMENT = "Kvittering eller faktura for husleie"  # one of the application's requirement titles
REQUIREMENT = {
    "nb": OUR_REQUIREMENT,
    "nn": "Kvittering eller faktura for husleige",
    "en": "Receipt or invoice for rent",
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_history_shows_our_titles_in_the_pages_language_and_a_case_systems_own_as_sent(language):
    ours = builders.saks_status("sak-1", tittel=DEFAULT_SAK_TITLE, status=SaksStatus.UNDER_BEHANDLING)
    theirs = builders.saks_status("sak-2", tittel="Livsopphold", status=SaksStatus.UNDER_BEHANDLING)
    untitled = builders.saks_status("sak-3", status=SaksStatus.UNDER_BEHANDLING)
    request = builders.dokumentasjon_etterspurt(
        [builders.dokument(OUR_REQUIREMENT), builders.dokument("Husleiekvittering")]
    )
    with translation.override(language):
        assert describe_event(ours, {}).title == SAK[language]
        assert describe_event(theirs, {}).title == SAK[language].replace(SHOWN_TITLE[language], "Livsopphold")
        assert "sak-3" in describe_event(untitled, {}).title  # no title: its reference, as before
        asked = describe_event(request, {}).details
    assert asked[0].startswith(f"{REQUIREMENT[language]},") and asked[1].startswith("Husleiekvittering,")


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data", "document_settings")
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_case_page_names_the_sak_of_a_decision_made_in_the_inbox_in_the_pages_language(
    client,
    sara,  # noqa: F811
    kari,  # noqa: F811
    language,
):
    response = client.post(
        case_url(kari, "decision"),
        {
            "vedtak-utfall": Utfall.INNVILGET,
            "vedtak-saksreferanse": "sak-1",
            "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak")),
        },
    )
    assert response.status_code == 302
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(case_url(kari)).content.decode()
    history = html.split('data-testid="events"')[1].split("</ol>")[0]

    assert SAK[language] in history, history
    if language == "en":
        assert DEFAULT_SAK_TITLE not in history
