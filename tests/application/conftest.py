import pytest

from digisos.accounts.models import User
from digisos.registers.adapters.local import load_population


def persona_pid(key: str) -> str:
    return next(p["pid"] for p in load_population().values() if p["key"] == key)


@pytest.fixture
def citizen_of():
    def make(key: str) -> User:
        pid = persona_pid(key)
        user, _ = User.objects.get_or_create(
            username=f"citizen-{key}", defaults={"kind": User.Kind.CITIZEN, "pid": pid}
        )
        return user

    return make
