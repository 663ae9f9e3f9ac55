"""Enhetsregisteret as a register port: the local adapter on the synthetic organisations."""

import pytest

from digisos.registers import registry
from digisos.registers.ports import RegisterUnavailable


def test_local_enhetsregisteret_answers_with_name_and_address():
    organisation = registry.enhetsregisteret().get_organisation("910000411")
    assert organisation.name == "Fjellsiden skole"
    assert organisation.business_address.postnummer == "5003" and not organisation.deleted


def test_unknown_deleted_and_unavailable():
    assert registry.enhetsregisteret().get_organisation("123456785") is None
    assert registry.enhetsregisteret().get_organisation("910003836").deleted
    with pytest.raises(RegisterUnavailable):
        registry.enhetsregisteret().get_organisation("910004247")
