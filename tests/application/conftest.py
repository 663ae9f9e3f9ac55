import pytest

from tests.fixtures.personas import citizen


@pytest.fixture
def citizen_of():
    return citizen
