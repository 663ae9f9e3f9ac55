"""soker.validation checks a whole digisos-soker.json with one schema first, and only a document it refuses is
checked again field by field to name each violation: the one schema must hold exactly when the checks field by
field find nothing, for valid documents and for any small damage to one."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from digisos.soker.validation import _schema_violations, _whole_document, soker_violations
from tests.innsyn.strategies import documents

# What a damaged value becomes: the wrong type, empty, missing, a type NAV does not have.
DAMAGE = st.sampled_from([None, "", 0, 1.5, True, [], {}, "x", "2026-13-45", "klageStatus", "DELETE"])


def _paths(value, path=()):
    """Every place in the document (each key of an object, each item of a list), the root's fields included."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*path, index)
            yield from _paths(inner, (*path, index))


def _damaged(document, path, damage):
    damaged = copy.deepcopy(document)
    *parents, last = path
    holder = damaged
    for part in parents:
        holder = holder[part]
    if damage == "DELETE":
        del holder[last]
    else:
        holder[last] = damage
    return damaged


def _agree(document) -> None:
    assert _whole_document().is_valid(document) == (not _schema_violations(document)), document


@settings(max_examples=150, deadline=None)
@given(documents(max_events=8), st.data())
def test_one_schema_for_the_whole_document_holds_exactly_when_no_field_is_refused(document, data):
    _agree(document)
    paths = list(_paths(document))
    for _ in range(3):
        path = data.draw(st.sampled_from(paths))
        _agree(_damaged(document, path, data.draw(DAMAGE)))


def test_documents_that_are_not_even_the_right_shape_are_refused_by_both():
    for document in (
        None,
        [],
        "x",
        {},
        {"version": "1.0.0"},
        {"version": "1.0.0", "avsender": {}, "hendelser": []},
    ):
        _agree(document)
        assert soker_violations(document)


def test_an_unknown_event_type_is_kept_but_its_time_is_still_checked():
    base = {"version": "1.0.0", "avsender": {"systemnavn": "T", "systemversjon": "1"}}
    unknown = {"type": "klageStatus", "hendelsestidspunkt": "2026-11-23T10:00:00.000Z", "belop": "x"}
    _agree({**base, "hendelser": [unknown]})
    assert _whole_document().is_valid({**base, "hendelser": [unknown]})
    _agree({**base, "hendelser": [{**unknown, "hendelsestidspunkt": "i går"}]})
    assert not _whole_document().is_valid({**base, "hendelser": [{**unknown, "hendelsestidspunkt": "i går"}]})
