import pytest

from digisos.guide import places


@pytest.fixture(autouse=True)
def _fresh_places():
    """The guide keeps the municipality index per process: each test starts from its own database."""
    places.forget()
    yield
    places.forget()
