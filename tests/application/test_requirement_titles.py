"""Every title of a documentation requirement is in the catalogue's extraction: the titles are stored in
bokmål (the caseworker reads them in vedlegg.json) and translated where the citizen sees them (the
documentation step, the receipt, the tasks in innsyn), which only works for titles makemessages finds."""

from digisos.application import requirements
from tests.core.test_translations import _extract_into_copy, _msgids


def _all_requirements() -> list[requirements.Requirement]:
    found = list(requirements.SHORT)
    for value in vars(requirements).values():
        if isinstance(value, requirements.Requirement):
            found.append(value)
        elif isinstance(value, dict):
            found += [v for v in value.values() if isinstance(v, requirements.Requirement)]
    return found


def test_every_requirement_title_is_marked_for_translation(tmp_path, settings, monkeypatch):
    titles = {requirement.title for requirement in _all_requirements()}
    assert len(titles) > 30
    extracted = _msgids(_extract_into_copy(tmp_path, "en", settings, monkeypatch))
    assert sorted(titles - extracted) == []
