"""The inbox writes its dates, months and amounts as core/formatting.py does, in bokmål, nynorsk and English:
the case history's payments and deadlines ("4 500 kr", "1. desember 2026"; "NOK 4,500", "1 December 2026"),
the message after a request for documents, and the paper counts' months ("oktober 2026", "October 2026").
The history wrote "4500 kroner" and "01.12.2026" in every language."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from digisos.inbox.selectors import describe_event
from digisos.soker.constants import EventType, UtbetalingStatus
from tests.documents import corpus
from tests.inbox.conftest import caseworker
from tests.inbox.test_inbox import case_url, in_a_week, kari, sara  # noqa: F401

LANGUAGES = ("nb", "nn", "en")


AMOUNT = {"nb": "4\xa0500\xa0kr", "nn": "4\xa0500\xa0kr", "en": "NOK 4,500"}
DAY = {"nb": "1. desember 2026", "nn": "1. desember 2026", "en": "1 December 2026"}
MONTH = {"nb": "oktober 2026", "nn": "oktober 2026", "en": "October 2026"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_history_writes_payments_and_deadlines_in_the_page_language(language):
    payment = {
        "type": EventType.UTBETALING,
        "status": UtbetalingStatus.UTBETALT,
        "belop": 4500,
        "forfallsdato": "2026-12-01",
        "utbetalingsdato": "2026-11-30T23:30:00.000Z",  # 1 December in Oslo
    }
    request = {
        "type": EventType.DOKUMENTASJON_ETTERSPURT,
        "dokumenter": [{"dokumenttype": "Kontoutskrift", "innsendelsesfrist": "2026-12-01T22:59:00.000Z"}],
    }
    with translation.override(language):
        paid = describe_event(payment, {}).details
        asked = describe_event(request, {}).details
    assert AMOUNT[language] in paid
    assert sum(DAY[language] in detail for detail in paid) == 2  # due and paid, the paid day in Oslo
    assert asked == [f"Kontoutskrift, {'deadline' if language == 'en' else 'frist'} {DAY[language]}"]


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data", "document_settings")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_message_after_a_request_writes_its_deadline_in_the_page_language(
    client,
    sara,  # noqa: F811
    kari,  # noqa: F811
    language,
):
    from digisos.core.formatting import formatters

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    deadline = in_a_week()
    response = client.post(
        case_url(kari, "request-documents"),
        {
            "dokumentasjon-dokumenttype": "Kontoutskrift",
            "dokumentasjon-tilleggsinformasjon": "",
            "dokumentasjon-frist": deadline.isoformat(),
            "dokumentasjon-brev": SimpleUploadedFile("forespørsel.pdf", corpus.pdf(text="Forespørsel")),
        },
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any(formatters(language).day(deadline) in message for message in shown), shown
    assert not any(deadline.strftime("%d.%m.%Y") in message for message in shown), shown


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_paper_counts_write_their_months_in_the_page_language(client, language):
    from digisos.inbox.forms import month_choices

    client.force_login(caseworker("0301"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        assert month_choices(date(2026, 11, 29))[1] == ("2026-10", MONTH[language])
    response = client.post(
        reverse("inbox:paper-counts"), {"papir-month": "2026-10", "papir-count": "7"}, follow=True
    )
    page = response.content.decode()
    assert f'<option value="2026-10">{MONTH[language]}</option>' in page
    assert f'<td class="aksel-table__data-cell">{MONTH[language]}</td>' in page  # the listed month
    assert any(MONTH[language] in str(message) for message in response.context["messages"])
