"""A person with strengt fortrolig adresse (kode 6) is invisible to the municipal caseworker: absent from the
inbox's list, the case page and its actions answer 404 as for a case that does not exist, the work queues do
not list the case, and the person lookup refuses with the same text as for anyone without a relation. The rule is
registers/protection.py's, shared with follow-up's policy, and fails closed: a register that does not answer
hides the person."""

import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.models import Folder
from digisos.exchange.models import Case, CaseState, Delivery
from digisos.registers.ports import RegisterUnavailable
from digisos.registers.protection import hidden_from_caseworkers
from tests.fixtures.personas import citizen, persona_pid
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

NINA, KARI = "strengt-fortrolig", "kari-leier-oslo"
NEUTRAL = "Du har ikke tilgang til opplysninger om denne personen."


class FailingAddressProtection:
    flow = "register.address_protection"

    def get_address_protection(self, pid):
        raise RegisterUnavailable("PDL is down")


class BulkAddressProtection:
    """An adapter that answers for many persons at once (PDL's hentPersonBolk); it leaves out one it failed."""

    flow = "register.address_protection"
    asked: list = []

    def get_address_protection(self, pid):  # pragma: no cover - the bulk call is used
        raise AssertionError("asked one by one")

    def get_address_protections(self, pids):
        BulkAddressProtection.asked.append(list(pids))
        return {pid: "ugradert" for pid in pids if pid != persona_pid(NINA)}


def adapters(**override):
    from django.conf import settings

    return override_settings(REGISTER_ADAPTERS={**settings.REGISTER_ADAPTERS, **override})


def delivered(key: str, kommunenummer: str = "0301") -> Delivery:
    owner = citizen(key)
    folder = Folder.objects.create(owner=owner, kind=Folder.Kind.APPLICATION, municipality_id=kommunenummer)
    application = Application.objects.create(
        owner=owner,
        folder=folder,
        status=Application.Status.READY,
        municipality_id=kommunenummer,
        reference=f"DS-{uuid.uuid4().hex[:4].upper()}-TEST",
    )
    case = Case.objects.create(owner=owner, municipality_id=kommunenummer, application=application)
    CaseState.objects.update_or_create(
        case=case,
        defaults={"status": "SENDT", "municipality_id": kommunenummer, "case_created_at": case.created_at},
    )
    return Delivery.objects.create(
        case=case,
        kind=Delivery.Kind.SOKNAD,
        municipality_id=kommunenummer,
        channel="inbox",
        nav_ekstern_ref_id=str(application.id),
        status=Delivery.Status.AVAILABLE,
        available_at=timezone.now() - timezone.timedelta(days=40),
        folder=folder,
        vedlegg_json={"vedlegg": []},
    )


@pytest.fixture
def sara(client) -> User:
    user = caseworker("0301")
    client.force_login(user)
    return user


def reference(delivery: Delivery) -> str:
    return delivery.case.application.reference


def test_a_kode_6_persons_case_is_not_in_the_inbox_list(client, sara):
    nina, kari = delivered(NINA), delivered(KARI)
    html = client.get(reverse("inbox:inbox")).content.decode()
    assert reference(kari) in html
    assert reference(nina) not in html and str(nina.case_id) not in html


def test_a_kode_6_persons_case_page_and_actions_answer_as_if_there_were_no_case(client, sara):
    nina = delivered(NINA)
    for name in ("case", "mark-received"):
        url = reverse(f"inbox:{name}", args=[nina.case_id])
        response = client.get(url) if name == "case" else client.post(url)
        assert response.status_code == 404
        assert "fortrolig" not in response.content.decode().lower()
    assert Delivery.objects.get(pk=nina.pk).status == Delivery.Status.AVAILABLE
    missing = client.get(reverse("inbox:case", args=[uuid.uuid4()]))
    assert missing.status_code == 404


def test_the_work_queues_do_not_list_a_kode_6_persons_case(client, sara):
    nina, kari = delivered(NINA), delivered(KARI)
    html = client.get(reverse("followup:work-queues")).content.decode()
    assert str(kari.case_id) in html
    assert str(nina.case_id) not in html and reference(nina) not in html


def test_the_person_lookup_refuses_a_kode_6_person_with_the_neutral_text(client, sara):
    delivered(NINA)
    response = client.post(
        reverse("followup:person-lookup"), {"fnr": persona_pid(NINA), "purpose": "casework"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and NEUTRAL in html
    assert 'data-testid="overview"' not in html and "fortrolig" not in html.lower()


def test_without_an_answer_from_the_register_every_case_is_hidden(client, sara):
    kari = delivered(KARI)
    with adapters(address_protection=f"{__name__}.FailingAddressProtection"):
        assert reference(kari) not in client.get(reverse("inbox:inbox")).content.decode()
        assert client.get(reverse("inbox:case", args=[kari.case_id])).status_code == 404


def test_an_adapter_that_answers_for_many_is_asked_once_and_fails_closed_for_the_ones_it_left_out():
    BulkAddressProtection.asked = []
    pids = [persona_pid(KARI), persona_pid(NINA), persona_pid(KARI), None]
    with adapters(address_protection=f"{__name__}.BulkAddressProtection"):
        assert hidden_from_caseworkers(pids) == {persona_pid(NINA)}
    assert len(BulkAddressProtection.asked) == 1 and len(BulkAddressProtection.asked[0]) == 2
    # The local register: kode 6 hidden, kode 7 (only the address is secret) and ugradert shown.
    assert hidden_from_caseworkers([persona_pid(k) for k in (NINA, "fortrolig-adresse", KARI)]) == {
        persona_pid(NINA)
    }


def test_the_local_register_answers_a_whole_page_at_once_reading_the_population_once(monkeypatch):
    """The inbox list asks about fifty persons per page: the local adapter answers them in one call (as PDL's
    hentPersonBolk would), not one population lookup per person; its answers are those of the single call,
    a persona set to fail left out (so that the caller fails closed for it)."""
    from digisos.registers import registry
    from digisos.registers.adapters import local

    port = registry.address_protection()
    assert hasattr(port, "get_address_protections")
    loads = []
    real = local.load_population
    monkeypatch.setattr(local, "load_population", lambda *a: loads.append(1) or real(*a))
    pids = [persona_pid(k) for k in (NINA, "fortrolig-adresse", KARI)] + ["00000000000"]
    answers = port.get_address_protections(pids)
    assert len(loads) == 1
    assert answers == {pid: port.get_address_protection(pid) for pid in pids}


# --- A full page although some of its persons are hidden ---------------------------------------------------
# The list leaves out the rows of persons the register hides after it has read them; it reads on past them so
# that a page still shows INBOX_PAGE_SIZE rows while more exist, and the next page starts after the last shown.


def _inbox_references(client, query: str = "") -> tuple[list[str], str]:
    import re

    html = client.get(f"{reverse('inbox:inbox')}{query}").content.decode()
    return re.findall(r">(DS-[0-9A-F]{8})</a>", html), html


def _link(html: str, name: str, text: str) -> str:
    import re

    found = re.search(rf'href="\?({name}=[^"#]+)"[^>]*>{text}', html)
    assert found, html
    return f"?{found.group(1)}"


@pytest.mark.parametrize("hidden_count", [5, 120])
def test_a_page_is_full_although_hidden_persons_cases_lie_among_its_rows(client, sara, hidden_count):
    from digisos.inbox.selectors import INBOX_PAGE_SIZE
    from tests.inbox.test_inbox_queries import inbox_cases

    kari = inbox_cases(60, citizen(KARI))  # 6 new, 54 received
    nina = inbox_cases(hidden_count, citizen(NINA))  # newer than Kari's: at the top of each rank
    shown = {case.application.reference for case in kari}
    secret = {case.application.reference for case in nina}

    first, html = _inbox_references(client)
    assert len(first) == INBOX_PAGE_SIZE and set(first) <= shown
    second, below = _inbox_references(client, _link(html, "eldre", "Eldre"))
    assert set(second) <= shown and len(second) == 10
    assert set(first) | set(second) == shown and not set(first) & set(second)
    assert ">Eldre" not in below and not secret & set(first + second)
    # And back up from the second page: the first page again, full.
    back, _html = _inbox_references(client, _link(below, "nyere", "Nyere"))
    assert back == first


def test_without_an_answer_from_the_register_the_list_stops_reading_and_shows_nothing(
    client, sara, django_assert_max_num_queries
):
    """Failing closed hides every row; the list must not read the whole inbox looking for a row to show: a
    bounded number of reads more than a full page's (the page's own queries: test_inbox_queries)."""
    from digisos.inbox.selectors import MAX_TOP_UPS
    from tests.inbox.test_inbox_queries import INBOX_LIST_QUERIES, inbox_cases

    inbox_cases(600, citizen(KARI))
    _inbox_references(client)  # the first request after login also writes the session
    failing = adapters(address_protection=f"{__name__}.FailingAddressProtection")
    with failing, django_assert_max_num_queries(INBOX_LIST_QUERIES + MAX_TOP_UPS):
        references, _html = _inbox_references(client)
    assert references == []


def _grant(user: User, level: str) -> object:
    from digisos.followup.services import grant_protected_access

    return grant_protected_access(user, level, by=None, reason="Saksbehandler for kode 6 i bydelen")


def test_a_caseworker_authorised_for_strengt_fortrolig_sees_the_case_in_the_inbox_and_the_queues(
    client, sara
):
    """The policy permits an employee with a grant for the person's level (followup.models.ProtectedAccessGrant)
    to see the person in the overview; the inbox's list and case page and the work queues decide the same."""
    nina, kari = delivered(NINA), delivered(KARI)
    _grant(sara, "strengt_fortrolig")
    assert reference(nina) in client.get(reverse("inbox:inbox")).content.decode()
    assert client.get(reverse("inbox:case", args=[nina.case_id])).status_code == 200
    html = client.get(reverse("followup:work-queues")).content.decode()
    assert str(nina.case_id) in html and str(kari.case_id) in html


def test_a_fortrolig_or_withdrawn_grant_does_not_show_a_kode_6_person(client, sara):
    from digisos.followup.services import withdraw_protected_access

    nina = delivered(NINA)
    _grant(sara, "fortrolig")  # the other level: never implies strengt fortrolig
    withdraw_protected_access(_grant(sara, "strengt_fortrolig"), by=None)
    assert reference(nina) not in client.get(reverse("inbox:inbox")).content.decode()
    assert client.get(reverse("inbox:case", args=[nina.case_id])).status_code == 404
    assert str(nina.case_id) not in client.get(reverse("followup:work-queues")).content.decode()


def test_a_grant_does_not_open_a_person_the_register_gave_no_answer_for(client, sara):
    kari = delivered(KARI)
    _grant(sara, "strengt_fortrolig")
    with adapters(address_protection=f"{__name__}.FailingAddressProtection"):
        assert reference(kari) not in client.get(reverse("inbox:inbox")).content.decode()
        assert client.get(reverse("inbox:case", args=[kari.case_id])).status_code == 404
        assert str(kari.case_id) not in client.get(reverse("followup:work-queues")).content.decode()


def test_a_grant_that_cannot_be_checked_shows_no_one(sara):
    """The grant is read through settings.PROTECTED_ACCESS_CLEARANCE: an error there hides as before."""
    _grant(sara, "strengt_fortrolig")
    pids = [persona_pid(NINA), persona_pid(KARI)]
    assert hidden_from_caseworkers(pids, user_id=sara.pk) == set()
    assert hidden_from_caseworkers(pids) == {persona_pid(NINA)}
    with override_settings(PROTECTED_ACCESS_CLEARANCE="digisos.followup.policy.no_such_function"):
        assert hidden_from_caseworkers(pids, user_id=sara.pk) == {persona_pid(NINA)}
    with adapters(address_protection=f"{__name__}.BulkAddressProtection"):  # left out: never cleared
        assert hidden_from_caseworkers(pids, user_id=sara.pk) == {persona_pid(NINA)}


def test_a_work_queues_own_page_is_full_although_kode_6_persons_cases_lie_among_its_rows(
    client, sara, monkeypatch
):
    """The queue's page leaves out Nina's applications (strengt fortrolig adresse) and reads on past them, so that
    a page still shows PAGE rows while more exist, and the next page starts after the last one read."""
    import re

    from digisos.followup import queues

    monkeypatch.setattr(queues, "PAGE", 3)
    kari = [delivered(KARI) for _ in range(5)]
    nina = [delivered(NINA) for _ in range(4)]
    for number, made in enumerate(nina + kari):  # Nina's wait longest: the top of the queue
        Delivery.objects.filter(pk=made.pk).update(
            available_at=timezone.now() - timezone.timedelta(days=40 - number)
        )
    url = reverse("followup:work-queue", args=["ikke-mottatt"])

    first = client.get(url).content.decode()
    second = client.get(url + _link(first, "neste", "Neste side")).content.decode()

    def cases(html: str) -> list[str]:
        return re.findall(r'data-testid="row"><a class="aksel-link" href="/innboks/sak/([0-9a-f-]+)/"', html)

    assert cases(first) == [str(made.case_id) for made in kari[:3]]
    assert cases(second) == [str(made.case_id) for made in kari[3:]]
    assert "Neste side" not in second
    assert 'data-testid="queue-count">Saker i køen: 9<' in first
    for made in nina:
        assert str(made.case_id) not in first + second and reference(made) not in first + second
