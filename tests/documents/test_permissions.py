"""Who may read, add and delete documents, per folder kind and state and per actor: the policy table, and the
HTTP paths that must ask it (the documents views, the exchange API's letters).

What the citizen sent, and what the municipality wrote, is never changed by the citizen; the citizen adds to a
sent case only through a new ettersendelse.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.documents import conversion, permissions, services
from digisos.documents.models import Document, Folder
from digisos.exchange.models import Case
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from digisos_simulator.simulator import letter_pdf
from tests.factories import decision_events
from tests.fixtures.exchange import upload_letter
from tests.fixtures.personas import persona_pid

from . import corpus

# Employees and released folders name a municipality from the register.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

RECEIVING = "4601"
READ, ADD, DELETE = "read", "add", "delete"
ACTIONS = (READ, ADD, DELETE)

# The expected answers, written out independently of the policy module. Anything not listed is refused.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("demo", "owner"): {READ, ADD, DELETE},
    ("application_draft", "owner"): {READ, ADD, DELETE},
    ("application_sent", "owner"): {READ},
    ("application_sent", "caseworker"): {READ},
    ("application_sent", "case_system"): {READ},
    ("concern_draft", "owner"): {READ, ADD, DELETE},
    ("concern_sent", "owner"): {READ},
    ("concern_sent", "caseworker"): {READ},
    ("concern_sent", "case_system"): {READ},
    ("ettersendelse_open", "owner"): {READ, ADD, DELETE},
    ("ettersendelse_sent", "owner"): {READ},
    ("ettersendelse_sent", "caseworker"): {READ},
    ("ettersendelse_sent", "case_system"): {READ},
    # Letters: the municipality writes, the applicant reads; nobody deletes (events point at them).
    ("letters", "owner"): {READ},
    ("letters", "caseworker"): {READ, ADD},
    ("letters", "case_system"): {READ, ADD},
}
FOLDERS = (
    "demo",
    "application_draft",
    "application_sent",
    "concern_draft",
    "concern_sent",
    "ettersendelse_open",
    "ettersendelse_sent",
    "letters",
)
ACTORS = (
    "owner",
    "other_citizen",
    "caseworker",
    "other_caseworker",
    "case_system",
    "other_case_system",
    "operator",
    "anonymous",
)


def _citizen(username: str, pid: str) -> User:
    return User.objects.create(username=username, kind=User.Kind.CITIZEN, pid=pid)


def _employee(username: str, municipality: str, role: str) -> User:
    user = User.objects.create(
        username=username, kind=User.Kind.EMPLOYEE, municipality_id=municipality or None
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_actor(actor: str, owner: User) -> User:
    from django.contrib.auth.models import AnonymousUser

    makers: dict[str, Callable[[], User]] = {
        "owner": lambda: owner,
        "other_citizen": lambda: _citizen("citizen-ola", "05018012345"),
        "caseworker": lambda: _employee("sara-bergen", RECEIVING, "kommune_saksbehandler"),
        "other_caseworker": lambda: _employee("tor-tromso", "5501", "kommune_saksbehandler"),
        # A case system's service user, as the exchange API builds it from the token: kind and municipality.
        "case_system": lambda: User.objects.create(
            username="fagsystem-bergen", kind=User.Kind.SYSTEM, municipality_id=RECEIVING
        ),
        "other_case_system": lambda: User.objects.create(
            username="fagsystem-tromso", kind=User.Kind.SYSTEM, municipality_id="5501"
        ),
        "operator": lambda: _operator(),
        "anonymous": lambda: AnonymousUser(),  # type: ignore[return-value]
    }
    return makers[actor]()


def _operator() -> User:
    user = _employee("olga-operator", "", "operator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def make_folder(name: str, owner: User) -> Folder:
    """A folder in the named kind and state, made the way the services make it."""
    if name == "demo":
        return services.create_folder(
            owner=owner, kind=Folder.Kind.DEMO, expires_at=timezone.now() + timedelta(days=1)
        )
    if name == "letters":
        return services.create_letters_folder(owner=owner, kommunenummer=RECEIVING)
    kind = {
        "application": Folder.Kind.APPLICATION,
        "concern": Folder.Kind.CONCERN,
        "ettersendelse": Folder.Kind.ETTERSENDELSE,
    }[name.split("_")[0]]
    folder = services.create_folder(owner=owner, kind=kind)
    if name.endswith("_sent"):
        services.release_to_municipality(folder=folder, kommunenummer=RECEIVING)
        folder.refresh_from_db()
    return folder


def stored_document(folder: Folder, owner: User, name: str = "a.pdf") -> Document:
    """A document row without going through the pipeline (the policy looks at the row, not the bytes)."""
    document_id = uuid.uuid4()
    return Document.objects.create(
        id=document_id,
        folder=folder,
        uploaded_by=owner,
        original_name=name,
        stored_name=f"{document_id}.pdf",
        original_content_type="application/pdf",
        original_size=10,
        original_sha256=uuid.uuid4().hex,
        size=10,
        sha512="0" * 128,
        page_count=1,
        storage_name=f"{folder.id}/{document_id}.p7m",
        key_id="test",
    )


@pytest.fixture
def kari() -> User:
    return _citizen("citizen-kari", "14839110090")


# --- The policy, every folder kind/state × actor × action ---------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("folder_name", FOLDERS)
def test_policy_answers_per_folder_state_actor_and_action(kari, folder_name, actor, action):
    folder = make_folder(folder_name, kari)
    user = make_actor(actor, kari)
    expected = action in EXPECTED.get((folder_name, actor), set())
    assert permissions.allows(user, folder, action) is expected


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("folder_name", FOLDERS)
def test_services_enforce_the_policy_before_touching_the_bytes(kari, folder_name, actor, action):
    """upload_document and delete_document refuse what the policy refuses, before the pipeline runs (no
    scanner is configured here: a refused upload never gets that far); reading goes through the selector."""
    from digisos.documents import selectors

    folder = make_folder(folder_name, kari)
    user = make_actor(actor, kari)
    allowed = action in EXPECTED.get((folder_name, actor), set())
    document = stored_document(folder, kari)
    if action == READ:
        assert (selectors.document_for_reader(user, document.id) is not None) is allowed
    elif action == DELETE:
        if allowed:
            services.delete_document(actor=user, document=document)
            assert not Document.objects.filter(pk=document.pk).exists()
        else:
            with pytest.raises(permissions.NotAllowed):
                services.delete_document(actor=user, document=document)
            assert Document.objects.filter(pk=document.pk).exists()
    elif not allowed:
        with pytest.raises(permissions.NotAllowed):
            services.upload_document(actor=user, folder=folder, name="b.pdf", data=b"%PDF-1.4 x")
        assert folder.documents.count() == 1


def test_a_sealed_folder_refuses_an_upload_that_was_already_under_way(document_settings, kari, monkeypatch):
    """The citizen starts an upload on the draft, the application is sent while the file is converted: the
    file is not added to what was sent (the check is repeated under the folder's lock)."""
    folder = make_folder("application_draft", kari)
    real_to_pdf = conversion.to_pdf

    def send_meanwhile(data: bytes, content_type: str) -> conversion.Converted:
        services.release_to_municipality(folder=folder, kommunenummer=RECEIVING)
        return real_to_pdf(data, content_type)

    monkeypatch.setattr(conversion, "to_pdf", send_meanwhile)
    with pytest.raises(permissions.NotAllowed):
        services.upload_document(actor=kari, folder=folder, name="sent.pdf", data=corpus.pdf())
    assert not folder.documents.exists()


# --- The documents views ----------------------------------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("folder_name", ["application_sent", "ettersendelse_sent", "letters"])
def test_the_owner_cannot_delete_from_a_sent_folder_or_a_letters_folder(client, kari, folder_name):
    folder = make_folder(folder_name, kari)
    document = stored_document(folder, kari)
    client.force_login(kari)

    html = client.post(reverse("documents:delete", args=[document.id]), {"next": "/innsyn/"})
    assert html.status_code == 403
    assert "kan ikke slettes" in html.content.decode()
    as_json = client.post(reverse("documents:delete", args=[document.id]), HTTP_ACCEPT="application/json")
    assert as_json.status_code == 403 and as_json.json()["code"] == "not_allowed"
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize("folder_name", ["application_sent", "ettersendelse_sent", "letters"])
def test_the_owner_cannot_upload_into_a_sent_folder_or_a_letters_folder(
    client, document_settings, kari, folder_name
):
    folder = make_folder(folder_name, kari)
    client.force_login(kari)
    url = reverse("documents:upload", args=[folder.id])

    html = client.post(url, {"files": [_upload("x.pdf", corpus.pdf())], "next": "/innsyn/"})
    assert html.status_code == 403
    assert "Send andre dokumenter" in html.content.decode()
    as_json = client.post(url, {"files": [_upload("y.pdf", corpus.pdf())]}, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 403
    assert as_json.json()["field"] == "files" and as_json.json()["code"] == "not_allowed"
    assert not folder.documents.exists()


@pytest.mark.parametrize("actor", ["other_citizen", "other_caseworker", "operator"])
def test_those_who_may_not_read_get_404_on_every_document_url(client, kari, actor):
    folder = make_folder("letters", kari)
    document = stored_document(folder, kari)
    client.force_login(make_actor(actor, kari))
    assert client.get(reverse("documents:download", args=[document.id])).status_code == 404
    assert client.post(reverse("documents:delete", args=[document.id])).status_code == 404
    assert client.post(reverse("documents:upload", args=[folder.id])).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_owner_still_manages_the_draft_and_the_demo(client, document_settings, kari):
    for name in ("application_draft", "demo"):
        folder = make_folder(name, kari)
        client.force_login(kari)
        response = client.post(
            reverse("documents:upload", args=[folder.id]),
            {"files": [_upload("x.pdf", corpus.pdf())]},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 201, response.content
        document = folder.documents.get()
        deleted = client.post(reverse("documents:delete", args=[document.id]), HTTP_ACCEPT="application/json")
        assert deleted.status_code == 204
        assert not folder.documents.exists()


# --- The case end to end: a letter the citizen cannot remove ----------------------------------------------


@pytest.fixture
def paper_case(reference_data, document_settings, exchange_api) -> tuple[Case, object]:
    bergen = exchange_api(RECEIVING)
    response = bergen.post("/saker", {"fodselsnummer": persona_pid("familie-bergen"), "enhetsnummer": "1203"})
    assert response.status_code == 201, response.content
    return Case.objects.get(pk=response.json()["fiksDigisosId"]), bergen


def _soker(*events: dict) -> dict:
    return builders.document(
        builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z"),
        *events,
        avsender={"systemnavn": "Test", "systemversjon": "1"},
    )


def _decision(letter_id: str) -> list[dict]:
    return decision_events(letter_id, start=datetime(2026, 11, 23, 10, 1, tzinfo=UTC), saksreferanse="s1")


def test_the_citizen_cannot_delete_the_decision_letter_and_the_case_system_can_still_report(
    client, paper_case
):
    case, bergen = paper_case
    letter_id = upload_letter(bergen, case.id, "vedtak.pdf")
    assert bergen.post(f"/saker/{case.id}/digisos-soker", _soker(*_decision(letter_id))).status_code == 200

    client.force_login(case.owner)
    # The applicant reads the letter...
    assert client.get(reverse("documents:download", args=[letter_id])).status_code == 200
    # ...but cannot delete it, nor add to the municipality's letters.
    deleted = client.post(reverse("documents:delete", args=[letter_id]), HTTP_ACCEPT="application/json")
    assert deleted.status_code == 403
    added = client.post(
        reverse("documents:upload", args=[case.letters_id]),
        {"files": [_upload("falsk-vedtak.pdf", corpus.pdf())]},
        HTTP_ACCEPT="application/json",
    )
    assert added.status_code == 403
    assert [str(d) for d in Document.objects.filter(folder=case.letters).values_list("pk", flat=True)] == [
        letter_id
    ]

    later = _soker(
        *_decision(letter_id),
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET, at="2026-11-23T10:03:00.000Z"),
    )
    assert bergen.post(f"/saker/{case.id}/digisos-soker", later).status_code == 200


def test_letters_keep_the_file_count_limit_and_the_refusal_names_the_field(settings, paper_case):
    case, bergen = paper_case
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILES": 2}
    for number in (1, 2):
        upload_letter(bergen, case.id, f"brev-{number}.pdf")
    response = bergen.post(
        f"/saker/{case.id}/filer",
        {"filer": [SimpleUploadedFile("brev-3.pdf", letter_pdf("Brev 3", ["x"]))]},
        content_type=None,
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "too_many_files"
    assert body["errors"][0]["path"] == "filer/0" and "2" in body["errors"][0]["message"]
    assert case.letters.documents.count() == 2


def test_letters_keep_the_total_size_limit(settings, paper_case):
    case, bergen = paper_case
    upload_letter(bergen, case.id, "brev-1.pdf")
    used = case.letters.documents.get().original_size
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_TOTAL_BYTES": used + 10}
    response = bergen.post(
        f"/saker/{case.id}/filer",
        {"filer": [SimpleUploadedFile("brev-2.pdf", letter_pdf("Brev 2", ["x"]))]},
        content_type=None,
    )
    assert response.status_code == 400 and response.json()["code"] == "total_too_large"
    assert response.json()["errors"][0]["path"] == "filer/0"


# --- Sending seals: the application and the ettersendelse as the citizen sends them -------------------------


def test_sending_seals_the_application_and_the_ettersendelse_and_only_a_new_ettersendelse_adds(
    client, reference_data, document_settings, connected, django_capture_on_commit_callbacks
):
    from digisos.application import services as application_services
    from tests.fixtures.exchange import apply
    from tests.fixtures.personas import citizen

    with django_capture_on_commit_callbacks(execute=True):
        application = apply(client, citizen("familie-bergen"))
    folder = Folder.objects.get(pk=application.folder_id)
    assert folder.sealed_at is not None and folder.municipality_id == RECEIVING
    attachment = folder.documents.exclude(pk=application.pdf_id).first()
    assert attachment is not None

    # The attachment sent with the application stays, whichever way the citizen tries.
    assert client.post(reverse("documents:delete", args=[attachment.id])).status_code == 403
    assert client.post(reverse("documents:delete", args=[application.pdf_id])).status_code == 403
    # An upload to the sent application (from a tab still showing its documents) is refused with the page
    # that says it was sent and where to send more (application.views._already_sent).
    refused = client.post(
        reverse("application:upload", args=[application.id]),
        {"requirement": "husleiekontrakt|husleiekontrakt", "files": [_upload("ny.pdf", corpus.pdf())]},
    )
    assert refused.status_code == 409 and "Søknaden er allerede sendt" in refused.content.decode()
    with pytest.raises(permissions.NotAllowed):
        application_services.upload_to_requirement(
            actor=application.owner,
            application=application,
            requirement="husleiekontrakt|husleiekontrakt",
            files=[("ny.pdf", corpus.pdf(text="ny"))],
        )
    assert folder.documents.count() == 2

    # Adding to the sent case is an ettersendelse: its own folder, sealed once it is sent.
    case = Case.objects.get(application=application)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("innsyn:send", args=[case.id]), {"filer": [_upload("kontoutskrift.pdf", corpus.pdf())]}
        )
    assert response.status_code == 302
    sent = Folder.objects.get(kind=Folder.Kind.ETTERSENDELSE, owner=application.owner)
    assert sent.sealed_at is not None and sent.municipality_id == RECEIVING
    for document in sent.documents.all():
        assert client.post(reverse("documents:delete", args=[document.id])).status_code == 403
    assert client.get(reverse("documents:download", args=[sent.documents.first().id])).status_code == 200


def test_a_file_the_applicant_put_among_the_letters_before_the_fix_is_not_shown_as_a_letter(
    client, paper_case
):
    case, bergen = paper_case
    letter_id = upload_letter(bergen, case.id, "vedtak.pdf")
    planted = stored_document(case.letters, case.owner, name="falsk-vedtak.pdf")

    listed = [d["dokumentlagerDokumentId"] for d in bergen.get(f"/saker/{case.id}/filer").json()]
    assert listed == [letter_id]
    client.force_login(make_actor("caseworker", case.owner))
    page = client.get(reverse("inbox:case", args=[case.id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("documents:download", args=[letter_id]) in html
    assert str(planted.id) not in html and "falsk-vedtak" not in html
