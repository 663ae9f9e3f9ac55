"""The guide's own municipality search folds names as the "Kan jeg søke digitalt?" search does."""

import pytest

from digisos.guide import places


@pytest.mark.django_db
def test_heroy_typed_without_ø_finds_both_herøy(reference_data):
    assert {m.kommunenummer for m in places.find("heroy")} == {"1515", "1818"}
    assert [m.kommunenummer for m in places.find("Tromso")] == ["5501"]
