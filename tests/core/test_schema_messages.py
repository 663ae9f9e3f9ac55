"""A schema violation the APIs answer with is in Norwegian and says what to send (jsonschema-rs's own messages
are English: "\"a\" is a required property")."""

import jsonschema_rs
import pytest

from digisos.application.filformat_validation import violations
from digisos.core.schema_messages import schema_message, schema_violations
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos.soker.validation import soker_violations

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


# Two forms told apart by a fixed value, as NAV's filreferanse (svarut needs an nr; both need a UUID id).
UUID = "^" + "-".join("[0-9a-f]" * digits for digits in (8, 4, 4, 4, 12)) + "$"
FORMS = {
    "type": "object",
    "properties": {"referanse": {"$ref": "#/definitions/referanse"}},
    "definitions": {
        "referanse": {
            "type": "object",
            "properties": {"type": {"enum": ["svarut", "dokumentlager"]}},
            "required": ["type"],
            "oneOf": [
                {
                    "allOf": [{"properties": {"type": {"enum": ["svarut"]}}}],
                    "properties": {"id": {"pattern": UUID}, "nr": {"type": "integer"}},
                    "required": ["id", "nr"],
                },
                {
                    "allOf": [{"properties": {"type": {"enum": ["dokumentlager"]}}}],
                    "properties": {"id": {"pattern": UUID}},
                    "required": ["id"],
                },
            ],
        }
    },
}
ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"


def told(document: dict) -> list[tuple[str, str]]:
    return schema_violations(jsonschema_rs.Draft6Validator(FORMS), document)


def test_a_value_of_one_form_is_told_what_that_form_lacks():
    # The validator alone says '{...} is not valid under any of the schemas listed in the 'oneOf' keyword'.
    assert told({"referanse": {"type": "svarut", "id": ID}}) == [("referanse", "Feltet «nr» mangler.")]
    assert told({"referanse": {"type": "dokumentlager", "id": "a"}}) == [
        ("referanse/id", f'"a" har feil form: send en UUID med små bokstaver, som {ID}.')
    ]
    assert told({"referanse": {"type": "dokumentlager", "id": ID}}) == []


def test_a_value_of_two_forms_where_one_is_allowed_is_told_so_in_norwegian():
    either = {"oneOf": [{"type": "integer"}, {"minimum": 0}]}
    assert schema_violations(jsonschema_rs.Draft6Validator(either), 1) == [
        ("", "1 passer med flere av formene skjemaet tillater, men skal passe med nøyaktig én.")
    ]


def test_a_value_of_no_form_is_told_so_in_norwegian():
    assert told({"referanse": {"type": "brev", "id": "x"}}) == [
        ("referanse", '{"id": "x", "type": "brev"} passer ikke med noen av formene skjemaet tillater.'),
        ("referanse/type", '"brev" er ikke en av verdiene skjemaet tillater: "svarut", "dokumentlager".'),
    ]


def test_a_case_system_is_told_which_field_of_a_file_reference_is_wrong():
    document = {
        "version": "1.0.0",
        "avsender": {"systemnavn": "Fagsystem", "systemversjon": "1"},
        "hendelser": [
            builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-01T10:00:00.000Z"),
            builders.forelopig_svar(forvaltningsbrev="brev", at="2026-11-02T10:00:00.000Z"),
        ],
    }
    document["hendelser"][1]["forvaltningsbrev"]["referanse"] = {"type": "svarut", "id": ID}
    assert [violation.as_dict() for violation in soker_violations(document)] == [
        {"path": "hendelser/1/forvaltningsbrev/referanse", "message": "Feltet «nr» mangler."}
    ]


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        (
            "types/tidspunkt.json",
            "2026-11-01 10:00",
            "send et tidspunkt i UTC, som 2018-10-04T13:37:00.134Z.",
        ),
        ("types/dato.json", "01.11.2026", "send en dato, som 2018-10-04."),
        (
            "digisos/soker/parts/hendelse/tildeltNavKontor.json",
            "03 15",
            "send 4 sifre, uten mellomrom eller punktum.",
        ),
    ],
)
def test_nav_s_patterns_are_told_as_what_to_send(schema, value, expected):
    # NAV's patterns are a character class per character: a regular expression of up to 230 characters.
    if schema.endswith("tildeltNavKontor.json"):
        value = {
            "type": "tildeltNavKontor",
            "hendelsestidspunkt": "2026-11-01T10:00:00.000Z",
            "navKontor": value,
        }
    messages = [message for _path, message in violations(value, schema)]
    assert any(message.endswith(expected) for message in messages), messages
    assert not any("[0-9]" in message for message in messages)
