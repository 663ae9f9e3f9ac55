"""The exchange API at its edges: a body over the size limit, numbers JSON does not have (NaN, Infinity) and a
document with thousands of errors all get a small 4xx JSON answer that names what is wrong, never a 500."""

import json

import pytest

from digisos.exchange.models import Case
from digisos.registers.adapters.local import load_population
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

MOTTATT = builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z")
AT = "2026-11-23T11:00:00.000Z"


def soker(*events: dict) -> dict:
    return builders.document(*events, avsender={"systemnavn": "Test", "systemversjon": "1"})


@pytest.fixture
def paper_case(exchange_api) -> Case:
    """A case registered by the case system (no application to walk through)."""
    pid = next(p["pid"] for p in load_population().values() if p["key"] == "familie-bergen")
    response = exchange_api("4601").post("/saker", {"fodselsnummer": pid})
    assert response.status_code == 201, response.content
    return Case.objects.get(pk=response.json()["fiksDigisosId"])


def test_a_body_over_the_size_limit_is_413_json_naming_the_limit(paper_case, exchange_api, settings):
    settings.DEBUG = True  # in debug mode too: no traceback page
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    events = [MOTTATT] * 200
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", soker(*events))
    assert response.status_code == 413, response.content[:500]
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert "10000" in body["detail"].replace(" ", "").replace("\xa0", "")
    assert body["errors"] and body["errors"][0]["path"] == ""
    paper_case.refresh_from_db()
    assert paper_case.soker is None


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_an_event_is_400_naming_the_path(paper_case, exchange_api, settings, constant):
    settings.DEBUG = True
    raw = json.dumps(
        soker(
            MOTTATT,
            # An event type NAV may add later is kept unchecked, so only the parser stands between a NaN
            # and the database (PostgreSQL's jsonb has no NaN).
            {"type": "klageStatus", "hendelsestidspunkt": "2026-11-23T11:00:00.000Z", "belop": 0},
        )
    ).replace('"belop": 0', f'"belop": {constant}')
    response = exchange_api("4601").post(
        f"/saker/{paper_case.id}/digisos-soker", raw, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_json"
    assert [e["path"] for e in body["errors"]] == ["hendelser/1/belop"]
    assert constant in body["errors"][0]["message"]
    paper_case.refresh_from_db()
    assert paper_case.soker is None


@pytest.mark.parametrize("number", ["1e400", "-1.5e999"])
def test_a_number_too_large_for_a_float_is_400_naming_the_path(paper_case, exchange_api, number):
    """Python reads 1e400 as infinity: the schema saw null ("null is not of type number"), and had it passed,
    jsonb would have been sent Infinity."""
    raw = json.dumps(soker(MOTTATT, builders.utbetaling("u1", at=AT, belop=7))).replace(
        '"belop": 7', f'"belop": {number}'
    )
    response = exchange_api("4601").post(
        f"/saker/{paper_case.id}/digisos-soker", raw, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:500]
    (error,) = response.json()["errors"]
    assert error["path"] == "hendelser/1/belop"
    assert number in error["message"] and "for stort" in error["message"]
    paper_case.refresh_from_db()
    assert paper_case.soker is None


def test_an_integer_of_thousands_of_digits_is_400_saying_so(paper_case, exchange_api):
    """Python refuses to convert an integer of over 4,300 digits: ninja's bare "Cannot parse request body"."""
    raw = json.dumps(soker(MOTTATT, builders.utbetaling("u1", at=AT, belop=7))).replace(
        '"belop": 7', f'"belop": {"9" * 5000}'
    )
    response = exchange_api("4601").post(
        f"/saker/{paper_case.id}/digisos-soker", raw, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_json" and "flere sifre" in body["errors"][0]["message"]
    paper_case.refresh_from_db()
    assert paper_case.soker is None


def test_a_nul_in_a_text_is_400_naming_each_path_and_nothing_is_stored(paper_case, exchange_api):
    """JSON allows \\u0000 in a string; PostgreSQL's jsonb does not: the stored report was a 500."""
    document = soker(
        MOTTATT, {**builders.saks_status("sak-1", tittel="Livs\x00opphold"), "hendelsestidspunkt": AT}
    )
    document["avsender"]["systemnavn"] = "Fag\x00system"
    document["ekstra\x00navn"] = "x"
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", document)
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_json"
    assert [error["path"] for error in body["errors"]] == [
        "avsender/systemnavn",
        "hendelser/1/tittel",
        "ekstra\\u0000navn",
    ]
    assert "Fjern tegnet" in body["errors"][0]["message"]
    paper_case.refresh_from_db()
    assert paper_case.soker is None


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(paper_case, exchange_api):
    """The text \\u0000 written as characters (its backslash escaped) is stored as written."""
    title = "C:\\u0000"
    document = soker(MOTTATT, {**builders.saks_status("sak-1", tittel=title), "hendelsestidspunkt": AT})
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", document)
    assert response.status_code == 200, response.content[:500]
    paper_case.refresh_from_db()
    assert paper_case.soker["hendelser"][1]["tittel"] == title


def test_json_nested_past_the_stack_is_400_saying_so(paper_case, exchange_api):
    """json.loads raises RecursionError, not a JSON error, for a document nested deeper than Python's stack: ninja
    answered its bare "Cannot parse request body", in English and naming nothing."""
    nested = "[" * 5000 + "]" * 5000
    response = exchange_api("4601").post(
        f"/saker/{paper_case.id}/digisos-soker", f'{{"version": "1.0.0", "hendelser": {nested}}}'
    )
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_json" and "for mange nivåer" in body["detail"]
    paper_case.refresh_from_db()
    assert paper_case.soker is None


def test_malformed_json_is_400_saying_where(paper_case, exchange_api):
    response = exchange_api("4601").post(
        f"/saker/{paper_case.id}/digisos-soker",
        '{"version": "1.0.0",\n "hendelser": [}',
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_json" and "linje 2" in body["detail"]


def test_thousands_of_invalid_events_give_the_first_hundred_errors_and_how_many_more(
    paper_case, exchange_api
):
    bad = builders.soknads_status(SoknadsStatus.MOTTATT, at="i går")
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", soker(*[bad] * 30_000))
    assert response.status_code == 400
    assert len(response.content) < 30_000
    body = response.json()
    errors = body["errors"]
    assert len(errors) == 101
    assert errors[0]["path"] == "hendelser/0/hendelsestidspunkt"
    assert errors[-1]["path"] == "" and "29 900" in errors[-1]["message"].replace("\xa0", " ")
    assert "30 000" in body["detail"].replace("\xa0", " ")


def test_the_answer_to_a_stored_report_is_the_lagret_schema_as_ninja_writes_it(paper_case, exchange_api):
    # The handler writes its answer without building the Lagret model: the bytes must stay what ninja's own
    # response made of it (the case systems parse sistOppdatert: a time to the millisecond with Z).
    from digisos.exchange.api import Lagret, api

    bergen = exchange_api("4601")
    for changed in (True, False):
        response = bergen.post(f"/saker/{paper_case.id}/digisos-soker", soker(MOTTATT))
        assert response.status_code == 200, response.content
        paper_case.refresh_from_db()
        lagret = Lagret(
            fiksDigisosId=paper_case.id,
            endret=changed,
            antallHendelser=1,
            sistOppdatert=paper_case.soker_updated_at,
        )
        assert (
            response.content == api.renderer.render(None, lagret.model_dump(), response_status=200).encode()
        )
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["sistOppdatert"].endswith("Z")


# A time or date NAV's pattern lets through (four digits, two, two) that is no day of the calendar, or a year
# no case is from: each a 500 before (the report's newest time parsed; the citizen's case page turning
# 9999-12-31T23:59Z into Norwegian time), now 400 naming each field, and nothing stored.
BAD_TIMES = {
    "2026-13-45T00:00:00.000Z": "som finnes",
    "2026-02-30T10:00:00.000Z": "som finnes",
    "2026-11-23T25:00:00.000Z": "som finnes",
    "2026-11-23T10:00:00X000Z": "som finnes",
    "9999-12-31T23:59:59.999Z": "mellom år 1900 og 2199",
    "0001-01-01T00:00:00.000Z": "mellom år 1900 og 2199",
}


@pytest.mark.parametrize("value", list(BAD_TIMES))
def test_a_time_that_is_no_day_of_the_calendar_is_400_naming_each_field(paper_case, exchange_api, value):
    day = value[:10]
    document = soker(
        MOTTATT,
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=value),
        builders.dokumentasjon_etterspurt([builders.dokument("Husleie", innsendelsesfrist=value)], at=AT),
        builders.dokumentasjonkrav("d1", at=AT, status="RELEVANT", frist=value),
        builders.utbetaling("u1", at=AT, forfallsdato=day, utbetalingsdato=day, fom=day, tom=day),
        builders.rammevedtak("r1", at=AT, fom=day, tom=day),
    )
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", document)
    assert response.status_code == 400, response.content[:500]
    errors = response.json()["errors"]
    paths = [error["path"] for error in errors]
    assert paths[:3] == [
        "hendelser/1/hendelsestidspunkt",
        "hendelser/2/dokumenter/0/innsendelsesfrist",
        "hendelser/3/frist",
    ]
    assert BAD_TIMES[value] in errors[0]["message"] and value in errors[0]["message"]
    if day in ("2026-13-45", "2026-02-30", "9999-12-31", "0001-01-01"):  # the dates' own check
        assert paths[3:] == [
            f"hendelser/4/{f}" for f in ("forfallsdato", "utbetalingsdato", "fom", "tom")
        ] + [
            "hendelser/5/fom",
            "hendelser/5/tom",
        ]
    else:
        assert paths[3:] == []
    paper_case.refresh_from_db()
    assert paper_case.soker is None


def test_the_first_and_last_day_of_the_years_allowed_are_stored(paper_case, exchange_api):
    document = soker(
        builders.soknads_status(SoknadsStatus.MOTTATT, at="1900-01-01T00:00:00.000Z"),
        builders.dokumentasjonkrav("d1", at=AT, status="RELEVANT", frist="2199-12-31T23:59:59.999Z"),
        builders.utbetaling("u1", at=AT, fom="1900-01-01", tom="2199-12-31"),
    )
    response = exchange_api("4601").post(f"/saker/{paper_case.id}/digisos-soker", document)
    assert response.status_code == 200, response.content[:500]
