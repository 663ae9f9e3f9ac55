"""The demo municipality's people (Drammen, 3301) as users, and an onboarding at any stage."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group

from digisos.accounts.models import User
from digisos.onboarding import services
from digisos.onboarding.agreements import KINDS
from digisos.onboarding.models import Onboarding, Role, Stage
from tests.fixtures.personas import citizen

DRAMMEN = "3301"
DRAMMEN_ORGNR = "910000012"  # the demo organisation number in the Altinn demo data
TODAY = date(2026, 12, 1)

# Persona keys of the demo municipal staff (population.json) and the role each is invited to.
STAFF = {
    Role.LOCAL_ADMINISTRATOR: "kommuneadmin-drammen",
    Role.FAGANSVARLIG: "fagansvarlig-drammen",
    Role.TEKNISK_ANSVARLIG: "teknisk-drammen",
    Role.VENDOR: "leverandor-fagsystem",
    Role.NAV_OFFICE_LEADER: "navleder-drammen",
}
CONFIGURATION = {
    "channel": "fiks_io",
    "fiks_io_account_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "fagansvarlig_emails": "sara.holm@drammen.example.no",
    "teknisk_ansvarlig_emails": "ali.rahimi@drammen.example.no",
    "can_update_status": True,
}
ORDER = [Stage.DECISION, Stage.AGREEMENTS, Stage.CONFIGURATION, Stage.INTEGRATION, Stage.GO_LIVE, Stage.LIVE]


@pytest.fixture(autouse=True)
def signing_test_ca(settings, tmp_path_factory):
    """The local signing adapter's test authority, made once per test session in a temporary directory."""
    settings.ONBOARDING_SIGNING = {**settings.ONBOARDING_SIGNING, "CA_DIR": str(_ca_dir(tmp_path_factory))}


_CA_DIR: list = []


@pytest.fixture(scope="session")
def drammen_keys(tmp_path_factory) -> dict[str, str]:
    """The case system's certificate and public key (PEM), as `exchange_connect` takes them."""
    from digisos.exchange.keys import generate_municipality_keys

    certificate, public_key = generate_municipality_keys(tmp_path_factory.mktemp("drammen-fagsystem"))
    return {"certificate_pem": certificate.read_text(), "public_key_pem": public_key.read_text()}


def _ca_dir(factory):
    if not _CA_DIR:
        _CA_DIR.append(factory.mktemp("signing-test-ca"))
    return _CA_DIR[0]


@pytest.fixture
def director(db) -> User:
    return citizen("kommunedirektor-drammen")


@pytest.fixture
def staff(db) -> dict[str, User]:
    return {role: citizen(key) for role, key in STAFF.items()}


@pytest.fixture
def operator(db) -> User:
    user = User.objects.create(username="employee-operator", kind=User.Kind.EMPLOYEE, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


@pytest.fixture
def outsider(db) -> User:
    return citizen("kari-leier-oslo")


def give_role(onboarding: Onboarding, inviter: User, role: str, user: User) -> None:
    _invitation, token = services.invite(
        actor=inviter,
        onboarding_id=onboarding.pk,
        role=role,
        email=f"{user.username}@example.no",
        name="Navn",
    )
    services.accept_invitation(actor=user, token=token)


def tick_all(onboarding: Onboarding, people: dict[str, User]) -> None:
    from digisos.onboarding.path import CHECKLISTS

    for item in CHECKLISTS[onboarding.stage]:
        if not item.automatic:
            services.tick(actor=people[item.owner], onboarding_id=onboarding.pk, key=item.key)


@pytest.fixture
def walk(reference_data, director, staff, operator, drammen_keys):
    """walk(stage) gives Drammen's onboarding brought to `stage` by the right people, the proper way."""

    people = {Role.KOMMUNEDIREKTOR: director, Role.OPERATOR: operator, **staff}

    def to(stage: str) -> Onboarding:
        onboarding = services.start_onboarding(
            actor=director, kommunenummer=DRAMMEN, email="randi.bakke@drammen.example.no"
        )
        for role, user in staff.items():
            give_role(onboarding, director, role, user)
        steps = {
            Stage.DECISION: services.complete_decision,
            Stage.AGREEMENTS: services.complete_agreements,
            Stage.CONFIGURATION: services.complete_configuration,
            Stage.INTEGRATION: services.complete_integration,
        }
        for current in ORDER[: ORDER.index(stage)]:
            onboarding.refresh_from_db()
            tick_all(onboarding, people)
            if current == Stage.AGREEMENTS:
                for kind in KINDS:
                    services.sign_agreement(actor=director, onboarding_id=onboarding.pk, kind=kind)
            if current == Stage.INTEGRATION:
                services.connect_case_system(
                    actor=staff[Role.VENDOR],
                    onboarding_id=onboarding.pk,
                    name="Testfagsystem",
                    **drammen_keys,
                )
            if current == Stage.CONFIGURATION:
                services.save_configuration(
                    actor=staff[Role.LOCAL_ADMINISTRATOR], onboarding_id=onboarding.pk, **CONFIGURATION
                )
            if current in steps:
                owner = {
                    Stage.DECISION: director,
                    Stage.AGREEMENTS: director,
                    Stage.CONFIGURATION: staff[Role.LOCAL_ADMINISTRATOR],
                    Stage.INTEGRATION: staff[Role.VENDOR],
                }[current]
                steps[current](actor=owner, onboarding_id=onboarding.pk)
            elif current == Stage.GO_LIVE:
                day = TODAY + timedelta(days=21)
                services.request_go_live(
                    actor=staff[Role.NAV_OFFICE_LEADER],
                    onboarding_id=onboarding.pk,
                    go_live_date=day,
                    today=TODAY,
                )
                services.approve_go_live(actor=operator, onboarding_id=onboarding.pk)
                services.go_live(onboarding_id=onboarding.pk, today=day)
        onboarding.refresh_from_db()
        assert onboarding.stage == stage
        return onboarding

    to.people = people
    return to
