"""The case page's forms keep what is stored within sensible bounds, and say so (an exploratory test's findings):
a deadline at most a year ahead (9999-12-31 was stored, and the applicant read "Frist: 31. desember 9999"); a
payment's due date within a year either side of today (0001-01-01 made the payments page's month "Januar 1");
and a text over its limit refused with the limit named, the text kept in the form, where the browser used to
cut it at the input's maxlength without a word (a 5,000-character document type was stored as its first
200). A choice that was not offered gets the field's own message."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.core import formatting
from digisos.exchange.models import Case
from digisos.soker.constants import EventType, SoknadsStatus, UtbetalingStatus, Utfall
from tests.documents import corpus
from tests.factories import CaseFactory
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


@pytest.fixture
def case(client) -> Case:
    """A sent application's case in Oslo, and Oslo's caseworker Sara logged in."""
    client.force_login(caseworker("0301"))
    return CaseFactory(persona="kari-leier-oslo")


def _url(case: Case, name: str) -> str:
    return reverse(f"inbox:{name}", args=[case.id])


def _stored(case: Case) -> list[dict]:
    case.refresh_from_db()
    return (case.soker or {}).get("hendelser", [])


def _years_from(day: date, years: int) -> date:
    return (
        day.replace(year=day.year + years)
        if (day.month, day.day) != (2, 29)
        else date(day.year + years, 2, 28)
    )


def _request(client, case: Case, frist: date | str):
    """Ask for a document with the deadline `frist` (a date's str is its ISO form, as the date input sends)."""
    data = {"dokumentasjon-dokumenttype": "Kontoutskrift", "dokumentasjon-frist": str(frist)}
    return client.post(_url(case, "request-documents"), data)


def _payment(client, case: Case, forfallsdato: date | str, status: str):
    data = {
        "utbetaling-belop": "4500",
        "utbetaling-beskrivelse": "Livsopphold",
        "utbetaling-forfallsdato": str(forfallsdato),
        "utbetaling-status": status,
        "utbetaling-saksreferanse": "sak-1",
    }
    return client.post(_url(case, "payment"), data)


def _refused(response, field_id: str, message: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="aksel-error-message aksel-label" id="{field_id}-error">{message}</p>' in html
    assert f'href="#{field_id}"' in html  # in the error summary too


# --- The deadline of a request for documents --------------------------------------------------------------


@pytest.mark.parametrize("too_late", ["9999-12-31", "later than a year"])
def test_a_deadline_more_than_a_year_ahead_is_refused_naming_the_last_day_and_stores_nothing(
    client, case, too_late
):
    last = _years_from(timezone.localdate(), 1)
    frist = last + timedelta(days=1) if too_late == "later than a year" else too_late
    response = _request(client, case, frist)
    _refused(
        response,
        "id_dokumentasjon-frist",
        f"Velg en frist som er senest {formatting.day(last)}, ett år fra i dag.",
    )
    assert _stored(case) == []


def test_a_deadline_a_year_ahead_is_stored(client, case):
    assert _request(client, case, _years_from(timezone.localdate(), 1)).status_code == 302
    assert [e["type"] for e in _stored(case)][-1] == EventType.DOKUMENTASJON_ETTERSPURT


# --- A payment's due date ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [UtbetalingStatus.UTBETALT, UtbetalingStatus.PLANLAGT_UTBETALING])
@pytest.mark.parametrize("too_early", ["0001-01-01", "more than a year back"])
def test_a_due_date_more_than_a_year_back_is_refused_naming_the_first_day_and_stores_nothing(
    client, case, status, too_early
):
    first = _years_from(timezone.localdate(), -1)
    due = first - timedelta(days=1) if too_early == "more than a year back" else too_early
    _refused(
        _payment(client, case, due, status),
        "id_utbetaling-forfallsdato",
        f"Velg en forfallsdato som er {formatting.day(first)} eller senere, høyst ett år tilbake i tid.",
    )
    assert _stored(case) == []


@pytest.mark.parametrize("too_late", ["9999-12-31", "later than a year"])
def test_a_planned_payment_more_than_a_year_ahead_is_refused_naming_the_last_day_and_stores_nothing(
    client, case, too_late
):
    last = _years_from(timezone.localdate(), 1)
    due = last + timedelta(days=1) if too_late == "later than a year" else too_late
    _refused(
        _payment(client, case, due, UtbetalingStatus.PLANLAGT_UTBETALING),
        "id_utbetaling-forfallsdato",
        f"Velg en forfallsdato som er senest {formatting.day(last)}, høyst ett år fram i tid.",
    )
    assert _stored(case) == []


def test_a_paid_payment_in_the_future_is_still_refused_as_before(client, case):
    _refused(
        _payment(client, case, "9999-12-31", UtbetalingStatus.UTBETALT),
        "id_utbetaling-forfallsdato",
        "En utbetaling som er utbetalt, kan ikke ha forfallsdato fram i tid. Velg i dag eller før.",
    )
    assert _stored(case) == []


@pytest.mark.parametrize(
    ("years", "status"),
    [
        (-1, UtbetalingStatus.UTBETALT),  # registered late
        (-1, UtbetalingStatus.PLANLAGT_UTBETALING),  # overdue: NAV's format allows it, innsyn-api logs it
        (1, UtbetalingStatus.PLANLAGT_UTBETALING),  # the last month of a year's decision
    ],
)
def test_a_due_date_a_year_either_side_is_stored(client, case, years, status):
    due = _years_from(timezone.localdate(), years)
    assert _payment(client, case, due, status).status_code == 302
    payment = _stored(case)[-1]
    assert payment["type"] == EventType.UTBETALING and payment["forfallsdato"] == due.isoformat()


# --- Texts over their limit -------------------------------------------------------------------------------

TEXTS = [
    ("request-documents", "dokumentasjon", "dokumenttype", 200),
    ("request-documents", "dokumentasjon", "tilleggsinformasjon", 1000),
    ("decision", "vedtak", "saksreferanse", 50),
    ("payment", "utbetaling", "beskrivelse", 200),
    ("payment", "utbetaling", "saksreferanse", 50),
]


def _valid(prefix: str) -> dict[str, str]:
    """A valid post of the form, its fields named with the form's prefix."""
    today = timezone.localdate()
    fields = {
        "dokumentasjon": {"dokumenttype": "Kontoutskrift", "frist": (today + timedelta(days=7)).isoformat()},
        "vedtak": {"utfall": Utfall.INNVILGET, "saksreferanse": "sak-1"},
        "utbetaling": {
            "belop": "4500",
            "beskrivelse": "Livsopphold",
            "forfallsdato": today.isoformat(),
            "status": UtbetalingStatus.PLANLAGT_UTBETALING,
            "saksreferanse": "sak-1",
        },
    }.get(prefix, {})
    return {f"{prefix}-{name}": value for name, value in fields.items()}


@pytest.mark.parametrize(("action", "prefix", "name", "limit"), TEXTS)
def test_a_text_over_its_limit_is_refused_naming_the_limit_and_kept_in_the_form(
    client, case, action, prefix, name, limit
):
    typed = "Husleie." * 625  # 5,000 characters
    data = _valid(prefix)
    data[f"{prefix}-{name}"] = typed
    if prefix == "vedtak":
        data["vedtak-vedtaksbrev"] = SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak"))
    response = client.post(_url(case, action), data)
    _refused(response, f"id_{prefix}-{name}", f"Skriv kortere, høyst {limit} tegn (du har skrevet 5000).")
    assert typed in response.content.decode()  # what she typed is still there, to shorten
    assert _stored(case) == [] and not case.letters.documents.exists()

    data[f"{prefix}-{name}"] = "K" * limit
    if prefix == "vedtak":
        data["vedtak-vedtaksbrev"] = SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak"))
    assert client.post(_url(case, action), data).status_code == 302  # the limit itself is allowed


def test_no_text_input_on_the_case_page_has_a_maxlength_that_cuts_text_without_a_word(client, case):
    html = client.get(_url(case, "case")).content.decode()
    assert 'name="dokumentasjon-dokumenttype"' in html and 'name="utbetaling-saksreferanse"' in html
    assert "maxlength" not in html


# --- Choices that were not offered ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "prefix", "not_offered", "field_id", "message"),
    [
        (
            "status",
            "status",
            {"status": SoknadsStatus.MOTTATT},
            "id_status-status",
            "Velg hvilken status søknaden har nå.",
        ),
        ("decision", "vedtak", {"utfall": "JA"}, "id_vedtak-utfall", "Velg utfallet av vedtaket."),
        (
            "payment",
            "utbetaling",
            {"status": "STOPPET"},
            "id_utbetaling-status",
            "Velg om utbetalingen er planlagt eller utbetalt.",
        ),
    ],
)
def test_a_choice_that_was_not_offered_gets_the_fields_own_message(
    client, case, action, prefix, not_offered, field_id, message
):
    data = {**_valid(prefix), **{f"{prefix}-{name}": value for name, value in not_offered.items()}}
    response = client.post(_url(case, action), data)
    assert response.status_code == 200
    assert f'id="{field_id}-error">{message}</p>' in response.content.decode()
    assert _stored(case) == []
