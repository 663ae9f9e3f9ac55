"""A schema violation the APIs answer with is in Norwegian and says what to send (jsonschema-rs's own messages
are English: "\"a\" is a required property")."""

import jsonschema_rs
import pytest

from digisos.core.schema_messages import schema_message

SCHEMA = {
    "type": "object",
    "required": ["referanse"],
    "properties": {
        "referanse": {},
        "status": {"enum": ["MOTTATT", "UNDER_BEHANDLING"]},
        "belop": {"type": ["number", "null"], "minimum": 0, "maximum": 10},
        "dato": {"type": "string", "pattern": "^[0-9]{4}$", "minLength": 1, "maxLength": 4},
        "liste": {"type": "array", "minItems": 1},
        "versjon": {"const": "1.0.0"},
    },
    "additionalProperties": False,
}


def messages(document: dict) -> list[str]:
    validator = jsonschema_rs.Draft6Validator(SCHEMA)
    return sorted(schema_message(error) for error in validator.iter_errors(document))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({}, "Feltet «referanse» mangler."),
        (
            {"referanse": 1, "status": "SENDT"},
            '"SENDT" er ikke en av verdiene skjemaet tillater: "MOTTATT", "UNDER_BEHANDLING".',
        ),
        ({"referanse": 1, "belop": "5"}, '"5" har feil type: send null eller et tall.'),
        ({"referanse": 1, "belop": -1}, "-1 er for lite: tallet må være minst 0."),
        ({"referanse": 1, "belop": 11}, "11 er for stort: tallet kan være høyst 10."),
        ({"referanse": 1, "dato": "12345"}, "Teksten er for lang: den kan ha høyst 4 tegn."),
        ({"referanse": 1, "dato": "20x6"}, '"20x6" har ikke formatet skjemaet krever (^[0-9]{4}$).'),
        ({"referanse": 1, "liste": []}, "Listen må ha minst 1 element."),
        ({"referanse": 1, "versjon": "2"}, '"2" er feil verdi: send "1.0.0".'),
        ({"referanse": 1, "ekstra": 1}, "Skjemaet har ikke feltet «ekstra»: fjern det."),
    ],
)
def test_each_kind_of_violation_is_said_in_norwegian(document, expected):
    assert expected in messages(document)


def test_a_long_value_is_cut_in_the_message():
    (message,) = messages({"referanse": 1, "status": "x" * 500})
    assert len(message) < 200 and "…" in message
