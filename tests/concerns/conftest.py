import pytest

from digisos.concerns.services import apply_demo_child_welfare_offices
from tests.fixtures.personas import citizen


@pytest.fixture
def offices(reference_data, db) -> None:
    """The quick start's child-welfare offices: Bergen/Tromsø (case system), Oslo (inbox, districts),
    Trondheim configured but not activated."""
    apply_demo_child_welfare_offices()


@pytest.fixture
def citizen_of():
    return citizen
