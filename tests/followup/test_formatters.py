"""The follow-up pages write their dates with core's formatters (core/formatting.py), per language: "1. oktober
2026 14.05" in bokmål and nynorsk, "1 October 2026 14:05" in English, in Oslo's time across a daylight-saving
change."""

from datetime import UTC, datetime

import pytest

from digisos.accounts.models import User
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.exchange.models import Case

from .conftest import case_for, employee
from .test_person_overview import KARI, case_with_state, login, lookup
from .test_work_queues import sent_at, state

pytestmark = pytest.mark.django_db

# 14.05 in Oslo (summer time) and 23.05 on the last day of the year (winter time: the first of January).
SUMMER = datetime(2026, 10, 1, 12, 5, tzinfo=UTC)
NEW_YEAR = datetime(2025, 12, 31, 23, 5, tzinfo=UTC)
QUEUE_TIMES = {
    "nb": ("1. oktober 2026 14.05", "1. januar 2026 00.05"),
    "nn": ("1. oktober 2026 14.05", "1. januar 2026 00.05"),
    "en": ("1 October 2026 14:05", "1 January 2026 00:05"),
}
OVERVIEW_DAYS = {"nb": "1. oktober 2026", "nn": "1. oktober 2026", "en": "1 October 2026"}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_work_queues_write_their_times_in_the_pages_language(reference_data, client, language):
    for key, moment in (("kari-leier-oslo", SUMMER), ("oslo-bydel-frogner", NEW_YEAR)):
        waiting = case_for(key)
        state(waiting, status="MOTTATT")  # no foreløpig svar after more than a month
        sent_at(waiting, moment)
    employee("sara", MUNICIPAL_CASEWORKER_ROLE, kommunenummer="0301")
    client.force_login(User.objects.get(username="sara"))
    client.cookies["digisos_language"] = language

    html = client.get("/oppfolging/arbeidskoer/").content.decode()

    for shown in QUEUE_TIMES[language]:
        assert shown in html, (language, shown)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_person_overview_writes_its_days_in_the_pages_language(reference_data, client, language):
    case = case_with_state(KARI)
    Case.objects.filter(pk=case.pk).update(created_at=SUMMER)
    login(client, "sara", MUNICIPAL_CASEWORKER_ROLE)
    client.cookies["digisos_language"] = language

    html = lookup(client)

    assert OVERVIEW_DAYS[language] in html.split('data-testid="case"')[1].split("</tr>")[0]
