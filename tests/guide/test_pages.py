"""The guide's pages: the questions, the answer and its doors per municipality, and that nothing about the
person is kept — no session, no database write, no log line with what they entered, not in the URL."""

import logging
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

ANSWER = reverse("guide:answer")


def ask(client, **fields):
    data = {"situations": ["no_food"], **fields}
    return client.post(ANSWER, data)


@pytest.mark.django_db
def test_the_questions_page_asks_without_login(client):
    response = client.get(reverse("guide:start"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in html and f'action="{ANSWER}"' in html
    assert "Jeg har ikke penger til mat i dag" in html and "Jeg er bekymret for et barn" in html


@pytest.mark.django_db
def test_no_situation_chosen_says_what_to_do(client):
    response = client.post(ANSWER, {"income": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velg minst én ting som passer for deg." in html
    assert "Skriv beløpet i hele kroner, for eksempel 12000." in html


@pytest.mark.django_db
def test_an_answer_lists_the_most_urgent_first_with_reasons_and_doors(client, reference_data):
    html = ask(client, situations=["debt", "no_food", "worried_child"], municipality="Oslo").content.decode()
    order = [
        html.index(f'data-service="{service}"')
        for service in ("emergency_help", "concern_report", "social_assistance", "debt_advice")
    ]
    assert order == sorted(order)
    assert 'href="/bekymringsmelding/"' in html
    assert "Du har ikke penger til mat i dag." in html and "Du har gjeld du ikke klarer å betale." in html
    # Oslo takes digital applications: the door is logging in to apply.
    assert "Logg inn og søk digitalt" in html and reverse("accounts:citizen-login") in html


@pytest.mark.django_db
def test_paper_only_municipality_gives_the_office_address_and_phone(client, reference_data):
    html = ask(client, situations=["rent_power"], municipality="Drammen").content.decode()
    assert "Logg inn og søk digitalt" not in html
    assert "tar ikke imot digitale søknader" in html
    assert "Nav Drammen, Postboks 7000, 3002 Drammen" in html and "55 55 33 33" in html


@pytest.mark.django_db
def test_temporarily_closed_municipality_says_so(client, reference_data):
    html = ask(client, municipality="Stavanger").content.decode()
    assert "midlertidig stengt" in html and "Logg inn og søk digitalt" not in html


@pytest.mark.django_db
def test_unknown_or_ambiguous_municipality_is_said_plainly(client, reference_data):
    assert "Vi fant ikke kommunen du skrev." in ask(client, municipality="Atlantis").content.decode()
    html = ask(client, municipality="Herøy").content.decode()
    assert "Flere kommuner passer." in html and html.count("Herøy i ") == 2


@pytest.mark.django_db
def test_the_guideline_for_the_household_next_to_the_income(client, reference_data):
    html = ask(
        client,
        situations=["rent_power"],
        household="couple",
        children_0_5="1",
        children_11_17="2",
        income="20 000",
        housing_cost="9000",
    ).content.decode()
    # 2024 (A-3/2023): couple 13 100 + 3 850 + 2 × 5 150 = 27 250; with housing 36 250 > 20 000.
    assert 'data-testid="rates-total">27\xa0250\xa0kr</dd>' in html
    assert "Du får inn mindre enn satsene og boutgiftene til sammen." in html
    assert "Rundskriv A-3/2023" in html
    assert "Vi har ikke satsene for 2026 ennå." in html or "Vi har ikke satsene for" in html
    assert 'data-fit="likely"' in html


@pytest.mark.django_db
def test_english_answer(client, reference_data):
    client.cookies["digisos_language"] = "en"
    html = ask(client, income="30000").content.decode()
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_a_get_of_the_answer_goes_back_to_the_questions(client):
    response = client.get(ANSWER + "?income=12345")
    assert response.status_code == 302 and response["Location"] == reverse("guide:start")


@pytest.mark.django_db
def test_nothing_about_the_person_is_stored(client, reference_data):
    with CaptureQueriesContext(connection) as queries:
        response = ask(
            client,
            situations=["worried_child", "no_food"],
            municipality="Drammen",
            income="12345",
            housing_cost="6789",
        )
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    # (The csrftoken cookie is the header's language form's, on every page: a random token, nothing about
    # the person.)
    assert "digisos_session" not in response.cookies
    assert "digisos_session" not in client.cookies and not Session.objects.exists()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_nothing_about_the_person_is_logged(client, reference_data, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    ask(client, situations=["worried_child"], municipality="Drammen", income="12345", housing_cost="6789")
    client.post(ANSWER, {"situations": ["no_such"], "income": "98765"})  # an invalid answer too
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    logged += "".join(capsys.readouterr())
    for entered in ("12345", "6789", "98765", "worried_child", "Drammen"):
        assert entered not in logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"municipality": "Os\x00lo", "income": "12\x00"},
        {"income": "-5", "housing_cost": "99999999999999999999"},
        {"children_0_5": "-1", "children_6_10": "1e9", "children_11_17": "21"},
        {"household": "castle", "situations": ["no_food", "no_such"]},
        {"municipality": "x" * 500},
        {"income": "²", "housing_cost": "١٢"},
    ],
)
def test_odd_input_gets_a_plain_error_not_a_500(client, reference_data, fields):
    response = client.post(ANSWER, {"situations": ["no_food"], **fields})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()


@pytest.mark.django_db
def test_the_layout_kept_per_language_carries_each_visitors_own_csrf_token(reference_data):
    """The answer's layout is rendered once per language (views._page); the language form in it must still
    work for every visitor, with their own token."""
    import re

    from django.test import Client

    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.post(ANSWER, {"situations": ["debt"]}).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert "\x00" not in html and 'data-service="debt_advice"' in html
        switched = visitor.post(
            "/i18n/setlang/", {"language": "nn", "next": ANSWER, "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302


@pytest.mark.django_db
def test_a_changed_flag_reaches_the_guide_within_its_status_time(client, reference_data, monkeypatch):
    from digisos.guide import places
    from digisos.municipalities.models import ServiceConfiguration

    assert "Logg inn og søk digitalt" in ask(client, municipality="Oslo").content.decode()
    ServiceConfiguration.objects.filter(pk="0301").update(receiving_temporarily_disabled=True)
    monkeypatch.setattr(places, "STATUS_SECONDS", 0)
    html = ask(client, municipality="Oslo").content.decode()
    assert "midlertidig stengt" in html and "Logg inn og søk digitalt" not in html


AGREEMENT_CASES = [
    {"situations": ["debt"]},
    {"situations": ["debt", "debt", "no_food"], "municipality": "  Oslo ", "household": ""},
    {"situations": ["rent_power"], "household": "couple", "children_0_5": " 2", "income": "12 000 kr"},
    {"situations": ["rent_power"], "children_6_10": "1.0", "income": "12.000", "housing_cost": "0"},
    {"situations": ["lost_income"], "children_11_17": "+1", "income": "²", "housing_cost": "10000001"},
    {"situations": ["no_food"], "household": "shared", "children_0_5": "20", "children_6_10": "21"},
    {"situations": ["no_such"]},
    {"situations": [], "income": "5"},
    {"situations": ["debt"], "municipality": "x" * 101},
]


@pytest.mark.parametrize("data", AGREEMENT_CASES)
def test_the_quick_reading_agrees_with_the_form(data):
    from django.http import QueryDict

    from digisos.guide.forms import GuideForm, quick_answers

    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    quick = quick_answers(query)
    form = GuideForm(query)
    if quick is not None:
        assert form.is_valid() and form.answers() == quick


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "total", "day"),
    [
        ("nb", "27\xa0250\xa0kr", r"\b1\. januar \d{4}\b"),
        ("nn", "27\xa0250\xa0kr", r"\b1\. januar \d{4}\b"),
        ("en", "NOK 27,250", r"\b1 January \d{4}\b"),
    ],
)
def test_the_rates_write_amounts_and_dates_with_the_shared_formatters(
    client, reference_data, language, total, day
):
    """core/formatting.py's amount and day, per language (the guide had its own copies, with a Norwegian
    "1. January 2024" in English, and its own " kr", "27,250 kr" in English where core writes "NOK 27,250"). The rates' first day shows while the newest rates are from an earlier year."""
    client.cookies["digisos_language"] = language
    html = ask(
        client,
        situations=["rent_power"],
        household="couple",
        children_0_5="1",
        children_11_17="2",
        income="20 000",
    ).content.decode()
    assert f'data-testid="rates-total">{total}</dd>' in html
    assert " kr</dd>" not in html  # every amount core's, none with the template's own " kr"
    if 'data-testid="rates-old">' in html:
        old = html.split('data-testid="rates-old">')[1].split("</p>")[0]
        assert re.search(day, old), old
