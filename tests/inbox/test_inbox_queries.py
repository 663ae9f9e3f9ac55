"""The manual inbox runs a constant number of queries however much the municipality has: the list with
10,000 cases as with 3, and the case page with many deliveries, documents, letters and events as with one of
each. The counts are exact, so a query added to either page (or one that starts to repeat) shows here."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.application.models import Application
from digisos.documents.models import Document, Folder
from digisos.exchange.models import Case, Delivery
from digisos.inbox import selectors
from digisos.soker import builders
from digisos.soker.constants import SaksStatus
from tests.fixtures.personas import citizen
from tests.inbox.conftest import caseworker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]

# session, user, the caseworker's role, the page's count, the municipality's name, the page's rows (with their
# cases and applications in one join)
INBOX_LIST_QUERIES = 6
# session, user, the caseworker's role, the case (with application, owner and letters folder in one join), the
# audit entry of the read, the deliveries (with their folders), their documents, the roles the documents'
# permissions read, the letters, the municipality's service flags
INBOX_CASE_QUERIES = 10


@pytest.fixture
def sara(client) -> User:
    user = caseworker("0301")
    client.force_login(user)
    client.get(reverse("inbox:inbox"))  # the first request after login also writes the session
    return user


def inbox_cases(count: int, owner: User, kommunenummer: str = "0301") -> list[Case]:
    """`count` sent applications in the municipality's inbox, built directly in the database: one in ten
    new, the rest received, as an inbox looks after a while."""
    now = timezone.now()
    folders = Folder.objects.bulk_create(
        Folder(owner=owner, kind=Folder.Kind.APPLICATION, municipality_id=kommunenummer, sealed_at=now)
        for _ in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            owner=owner,
            folder=folder,
            status=Application.Status.READY,
            municipality_id=kommunenummer,
            reference=f"DS-{uuid.uuid4().hex[:8].upper()}",
        )
        for folder in folders
    )
    cases = Case.objects.bulk_create(
        Case(owner=owner, municipality_id=kommunenummer, application=application)
        for application in applications
    )
    Delivery.objects.bulk_create(
        Delivery(
            case=case,
            kind=Delivery.Kind.SOKNAD,
            municipality_id=kommunenummer,
            channel="inbox",
            nav_ekstern_ref_id=str(application.id),
            status=Delivery.Status.AVAILABLE if i % 10 == 0 else Delivery.Status.COLLECTED,
            available_at=now - timedelta(minutes=i),
            collected_at=None if i % 10 == 0 else now,
            folder=folder,
            vedlegg_json={"vedlegg": []},
        )
        for i, (case, application, folder) in enumerate(zip(cases, applications, folders, strict=True))
    )
    return cases


def test_the_inbox_list_runs_the_same_queries_for_three_and_ten_thousand_cases(
    client, sara, django_assert_num_queries
):
    owner = citizen("kari-leier-oslo")
    inbox_cases(3, owner)
    with django_assert_num_queries(INBOX_LIST_QUERIES):
        response = client.get(reverse("inbox:inbox"))
    assert response.content.decode().count("/innboks/sak/") == 3

    inbox_cases(10_000 - 3, owner)
    with django_assert_num_queries(INBOX_LIST_QUERIES):
        response = client.get(reverse("inbox:inbox"))
    page = response.content.decode()
    assert page.count("/innboks/sak/") == 50 and "Side 1 av 200" in page
    with django_assert_num_queries(INBOX_LIST_QUERIES):
        assert "Side 200 av 200" in client.get(reverse("inbox:inbox"), {"side": 200}).content.decode()


def test_the_inbox_list_reads_its_page_in_order_from_its_index_not_by_sorting_every_case(sara):
    inbox_cases(10_000, citizen("kari-leier-oslo"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load
    plan = selectors.inbox_deliveries("0301")[:50].explain()
    assert "exchange_delivery_inbox_order" in plan and "Sort" not in plan, plan


def _document(folder: Folder, by: User, name: str) -> Document:
    digest = uuid.uuid4().hex
    return Document.objects.create(
        folder=folder,
        uploaded_by=by,
        original_name=name,
        stored_name=name,
        original_content_type="application/pdf",
        original_size=1000,
        original_sha256=digest,
        size=1200,
        sha512=digest * 2,
        page_count=1,
        storage_name=f"bench/{digest}",
        key_id="k",
    )


def _history(count: int) -> dict:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        builders.saks_status(
            f"s{i}", tittel=f"Sak nr {i}", status=SaksStatus.UNDER_BEHANDLING, at=start + timedelta(seconds=i)
        )
        for i in range(count)
    ]
    return builders.document(*events, avsender={"systemnavn": "t", "systemversjon": "1"})


def _grow(case: Case, *, deliveries: int, documents: int, letters: int, events: int) -> None:
    """Adds ettersendelser (each with `documents` files), letters and events to the case."""
    owner, system = case.owner, User.objects.create(username=f"system-{uuid.uuid4().hex[:8]}", kind="system")
    now = timezone.now()
    for _ in range(deliveries):
        folder = Folder.objects.create(
            owner=owner, kind=Folder.Kind.ETTERSENDELSE, municipality_id=case.municipality_id, sealed_at=now
        )
        for n in range(documents):
            _document(folder, owner, f"kvittering-{n}.pdf")
        Delivery.objects.create(
            case=case,
            kind=Delivery.Kind.ETTERSENDELSE,
            municipality_id=case.municipality_id,
            channel="inbox",
            nav_ekstern_ref_id=uuid.uuid4().hex,
            status=Delivery.Status.COLLECTED,
            available_at=now,
            collected_at=now,
            folder=folder,
            vedlegg_json={"vedlegg": []},
        )
    if case.letters is None:
        case.letters = Folder.objects.create(
            owner=owner, kind=Folder.Kind.LETTERS, municipality_id=case.municipality_id
        )
    for n in range(letters):
        _document(case.letters, system, f"vedtak-{n}.pdf")
    case.soker = _history(events)
    case.save()


def test_the_inbox_case_page_runs_the_same_queries_however_much_the_case_holds(
    client, sara, django_assert_num_queries
):
    (case,) = inbox_cases(1, citizen("kari-leier-oslo"))
    _grow(case, deliveries=0, documents=0, letters=1, events=1)
    url = reverse("inbox:case", args=[case.id])
    with django_assert_num_queries(INBOX_CASE_QUERIES):
        assert client.get(url).status_code == 200

    _grow(case, deliveries=20, documents=5, letters=30, events=5_000)
    with django_assert_num_queries(INBOX_CASE_QUERIES):
        page = client.get(url).content.decode()
    assert page.count("kvittering-4.pdf") == 20 and "vedtak-29.pdf" in page
