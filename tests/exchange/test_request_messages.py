"""A request the exchange API cannot read (a path's id that is no UUID, a page size out of range, a body without
its field) is told in Norwegian, naming the field and what to send: pydantic's own text ("Input should be a
valid UUID, invalid character: expected an optional prefix of `urn:uuid:` …") was the message before."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def errors(response) -> list[dict[str, str]]:
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["detail"] == "; ".join(error["message"] for error in body["errors"])
    return body["errors"]


def test_an_id_that_is_no_uuid_is_told_what_to_send(exchange_api):
    assert errors(exchange_api("4601").get("/saker/abc")) == [
        {
            "path": "digisos_id",
            "message": "Ugyldig verdi i «digisos_id»: send en UUID, som 1b4e28ba-2fa1-41d2-883f-0016d3cca427.",
        }
    ]


@pytest.mark.parametrize(
    ("antall", "said"),
    [("0", "tallet må være minst 1"), ("201", "tallet kan være høyst 200"), ("mange", "send et heltall")],
)
def test_a_page_size_out_of_range_is_told_the_range(exchange_api, antall, said):
    assert errors(exchange_api("4601").get("/leveranser", {"antall": antall})) == [
        {"path": "antall", "message": f"Ugyldig verdi i «antall»: {said}."}
    ]


def test_a_body_without_its_field_names_the_field(exchange_api):
    assert errors(exchange_api("4601").post("/saker", {"enhetsnummer": "12"})) == [
        {"path": "fodselsnummer", "message": "Ugyldig verdi i «fodselsnummer»: feltet mangler."},
        {
            "path": "enhetsnummer",
            "message": "Ugyldig verdi i «enhetsnummer»: teksten har ikke formatet som kreves (^([0-9]{4})?$).",
        },
    ]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"fodselsnummer": 12345678901}, "send en tekst"),
        ({"fodselsnummer": "1" * 12}, "teksten kan ha høyst 11 tegn"),
        ({"fodselsnummer": "1"}, "teksten må ha minst 11 tegn"),
    ],
)
def test_a_field_of_the_wrong_kind_or_length_is_told_what_it_takes(exchange_api, body, said):
    assert errors(exchange_api("4601").post("/saker", body)) == [
        {"path": "fodselsnummer", "message": f"Ugyldig verdi i «fodselsnummer»: {said}."}
    ]


# Every JSON body the APIs take is an object (NAV's and KS's documents, the paper case's fields). A list, a text,
# a number, true/false or null was told as a missing field ("fodselsnummer: feltet mangler") or in English at our
# own parameter's name ("document: Input should be a valid dictionary").
NOT_AN_OBJECT = [
    ("[]", "en liste"),
    ('"tekst"', "en tekst"),
    ("12", "et heltall"),
    ("1.5", "et tall"),
    ("true", "true eller false"),
    ("null", "null"),
]


@pytest.mark.parametrize(("body", "said"), NOT_AN_OBJECT)
@pytest.mark.parametrize("path", ["/saker", "/saker/1b4e28ba-2fa1-41d2-883f-0016d3cca427/digisos-soker"])
def test_a_body_that_is_no_json_object_is_told_to_send_one(exchange_api, path, body, said):
    response = exchange_api("4601").post(path, body)
    assert response.status_code == 400, response.content[:500]
    message = f"Send et JSON-objekt ({{…}}) med feltene, ikke {said}."
    assert response.json() == {
        "detail": message,
        "code": "invalid_json",
        "errors": [{"path": "", "message": message}],
    }
