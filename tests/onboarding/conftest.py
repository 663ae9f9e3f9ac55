"""The demo municipality's people (Drammen, 3301) as users, and an onboarding at any stage."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.test import Client

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
# Drammen's nullpunktsmåling, as the fagansvarlig records it before go-live.
BASELINE = {
    "applications_per_month": 120,
    "digital_share_percent": Decimal("0"),
    "minutes_per_paper_application": Decimal("15"),
    "office_visits_per_month": 80,
    "phone_calls_per_month": 150,
    "days_to_decision": Decimal("21"),
    "measured_by": "Sara Holm, fagansvarlig",
    "method": "Søknadene talt i arkivet; tiden tatt på ti papirsøknader; besøk og telefoner talt i fire uker.",
    "measured_from": date(2026, 9, 1),
    "measured_to": date(2026, 10, 31),
}
ORDER = [Stage.DECISION, Stage.AGREEMENTS, Stage.CONFIGURATION, Stage.INTEGRATION, Stage.GO_LIVE, Stage.LIVE]


@pytest.fixture(autouse=True)
def signing_test_ca(settings, tmp_path_factory):
    """The local signing adapter's test authority, made once per test session in a temporary directory."""
    settings.ONBOARDING_SIGNING = {**settings.ONBOARDING_SIGNING, "CA_DIR": str(_ca_dir(tmp_path_factory))}


_CA_DIR: list = []


@pytest.fixture(scope="session")
def drammen_folder(tmp_path_factory) -> Path:
    """The case system's key folder (mottak.crt/.pem, klient.pem/.pub.pem), as `exchange_demo_setup` makes."""
    from digisos.exchange.keys import generate_municipality_keys

    folder = tmp_path_factory.mktemp("drammen-fagsystem")
    generate_municipality_keys(folder)
    return folder


@pytest.fixture(scope="session")
def drammen_keys(drammen_folder) -> dict[str, str]:
    """The case system's certificate and public key (PEM), as `exchange_connect` takes them."""
    return {
        "certificate_pem": (drammen_folder / "mottak.crt").read_text(),
        "public_key_pem": (drammen_folder / "klient.pub.pem").read_text(),
    }


class DjangoClientAdapter(requests.adapters.BaseAdapter):
    """Lets the simulator's requests session speak to Django's test client: the case system's real HTTP
    calls, in process, inside the test's transaction."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        content_type = headers.pop("Content-Type", "application/octet-stream")
        body = request.body or b""
        answer = self.client.generic(request.method, path, body, content_type=content_type, headers=headers)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = b"".join(answer) if answer.streaming else answer.content
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


def case_system(folder: Path, kommunenummer: str = DRAMMEN):
    """The fagsystem simulator for the municipality's connected case system (the newest client)."""
    from digisos.exchange.models import ApiClient
    from digisos_simulator.simulator import FagsystemClient

    session = requests.Session()
    session.mount("http://testserver", DjangoClientAdapter())
    client_id = ApiClient.objects.filter(municipality_id=kommunenummer).latest("pk").client_id
    return FagsystemClient(
        base_url="http://testserver",
        client_id=client_id,
        client_key_pem=(folder / "klient.pem").read_bytes(),
        session=session,
        attempts=1,
        log=lambda _line: None,
    )


def play_integration_tests(onboarding: Onboarding, vendor: User, folder: Path, *, seen=None) -> None:
    """What the vendor and the case system do in integration and test, by the real paths: the test
    application is sent from the onboarding page's service, the simulator collects and acknowledges it over
    the exchange API, reports MOTTATT with a letter, then collects the test person's ettersendelse.
    `seen(step)` is called after each step (a test looks at the checklist there)."""
    from digisos.soker import builders
    from digisos.soker.constants import SoknadsStatus
    from digisos_simulator.simulator import CaseStory, collect

    seen = seen or (lambda _step: None)
    receiver_key = (folder / "mottak.pem").read_bytes()
    simulator = case_system(folder)
    services.send_test_application(actor=vendor, onboarding_id=onboarding.pk)
    seen("sent")
    (collected,) = collect(simulator, receiver_key)
    assert collected.delivery["type"] == "soknad"
    seen("collected")
    story = CaseStory(simulator, collected.delivery["fiksDigisosId"])
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    seen("reported")
    brev = story.letter("saksbehandlingstid.pdf", "Foreløpig svar", ["Testbrev."])
    story.add(builders.forelopig_svar(brev))
    seen("letter")
    services.send_test_ettersendelse(actor=vendor, onboarding_id=onboarding.pk)
    (ettersendelse,) = collect(simulator, receiver_key)
    assert ettersendelse.delivery["type"] == "ettersendelse"
    seen("ettersendelse")


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


def record_baseline(onboarding: Onboarding, fagansvarlig: User) -> None:
    services.record_baseline(actor=fagansvarlig, onboarding_id=onboarding.pk, **BASELINE)


def tick_all(onboarding: Onboarding, people: dict[str, User]) -> None:
    from digisos.onboarding.path import CHECKLISTS

    for item in CHECKLISTS[onboarding.stage]:
        if not item.automatic:
            services.tick(actor=people[item.owner], onboarding_id=onboarding.pk, key=item.key)


@pytest.fixture
def walk(reference_data, director, staff, operator, drammen_keys, drammen_folder, document_settings):
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
                record_baseline(onboarding, staff[Role.FAGANSVARLIG])
            if current == Stage.INTEGRATION:
                play_integration_tests(onboarding, staff[Role.VENDOR], drammen_folder)
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
