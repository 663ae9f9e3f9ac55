"""Upload, list, delete and download over HTTP; who may read a document; retention and its schedule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.models import AuditEntry, PeriodicRun
from digisos.core.scheduler import enqueue_due_jobs
from digisos.documents import services
from digisos.documents.models import Document, Folder

from . import corpus

# Employees and released folders name a municipality from the register.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def citizen(username: str, pid: str) -> User:
    return User.objects.create(username=username, kind=User.Kind.CITIZEN, pid=pid)


def employee(username: str, municipality: str, role: str = "kommune_saksbehandler") -> User:
    user = User.objects.create(
        username=username, kind=User.Kind.EMPLOYEE, municipality_id=municipality or None
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def kari() -> User:
    return citizen("citizen-kari", "14839110090")


@pytest.fixture
def folder(kari: User) -> Folder:
    return services.create_folder(owner=kari, kind=Folder.Kind.APPLICATION)


def test_demo_page_needs_login(client):
    response = client.get(reverse("documents:demo"))
    assert response.status_code == 302
    assert reverse("accounts:citizen-login") in response["Location"]


def test_upload_without_javascript_lists_files_and_shows_refusals_on_the_page(
    client, document_settings, kari
):
    client.force_login(kari)
    page = client.get(reverse("documents:demo"))
    folder = page.context["folder"]
    assert "Du har ikke lastet opp noen filer ennå." in page.content.decode()

    response = client.post(
        reverse("documents:upload", args=[folder.id]),
        {
            "files": [
                _upload("husleiekontrakt.pdf", corpus.pdf()),
                _upload("virus.txt", corpus.EICAR),
                _upload("tom.jpg", b""),
            ],
            "next": reverse("documents:demo"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("documents:demo")

    html = client.get(reverse("documents:demo")).content.decode()
    assert "husleiekontrakt.pdf" in html and "2 sider" in html
    assert "virus.txt: Filen inneholder skadelig programvare" in html
    assert "tom.jpg: Filen er tom." in html
    assert 'href="#files-' in html  # the error summary links to the field
    # Refusals are shown once; a reload shows the list without them.
    assert "skadelig programvare" not in client.get(reverse("documents:demo")).content.decode()
    assert Document.objects.filter(folder=folder).count() == 1


def test_upload_with_nothing_chosen_says_what_to_do(client, document_settings, kari, folder):
    client.force_login(kari)
    response = client.post(reverse("documents:upload", args=[folder.id]), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "field": "files",
        "code": "no_file",
        "message": "Velg minst én fil å laste opp.",
    }


def test_json_upload_answers_per_file(client, document_settings, kari, folder):
    client.force_login(kari)
    url = reverse("documents:upload", args=[folder.id])
    accepted = client.post(
        url, {"files": [_upload("bilde.png", corpus.png())]}, HTTP_ACCEPT="application/json"
    )
    assert accepted.status_code == 201
    body = accepted.json()
    assert body["refused"] == []
    assert body["accepted"][0]["name"] == "bilde.png" and body["accepted"][0]["pages"] == 1
    assert "bilde.png" in body["accepted"][0]["html"]

    refused = client.post(
        url, {"files": [_upload("program.pdf", corpus.windows_exe())]}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["refused"] == [
        {
            "field": "files",
            "name": "program.pdf",
            "code": "unsupported_type",
            "message": refused.json()["refused"][0]["message"],
        }
    ]
    assert refused.json()["refused"][0]["message"].startswith("Vi kan ikke ta imot denne filtypen.")


def test_error_messages_follow_the_language(client, document_settings, kari, folder):
    client.force_login(kari)
    client.cookies["digisos_language"] = "en"
    response = client.post(
        reverse("documents:upload", args=[folder.id]),
        {"files": [_upload("tom.pdf", b"")]},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["refused"][0]["message"].startswith("The file is empty.")


def test_delete_removes_the_row_and_the_encrypted_file(
    client, document_settings, kari, folder, django_capture_on_commit_callbacks
):
    document = services.upload_document(actor=kari, folder=folder, name="a.pdf", data=corpus.pdf())
    client.force_login(kari)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:delete", args=[document.id]), {"next": "/dokumenter/prov-opplasting/"}
        )
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not storages["documents"].exists(document.storage_name)
    assert AuditEntry.objects.filter(action="document.delete", object_id=str(document.id)).exists()


def test_open_redirect_is_refused(client, document_settings, kari, folder):
    client.force_login(kari)
    response = client.post(
        reverse("documents:upload", args=[folder.id]),
        {"files": [_upload("a.pdf", corpus.pdf())], "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("documents:demo")


def test_only_the_owner_and_the_receiving_municipality_can_download(client, document_settings, kari, folder):
    document = services.upload_document(actor=kari, folder=folder, name="kontrakt.pdf", data=corpus.pdf())
    url = reverse("documents:download", args=[document.id])

    assert client.get(url).status_code == 404  # anonymous

    client.force_login(citizen("citizen-ola", "05018012345"))
    assert client.get(url).status_code == 404  # another citizen
    assert client.post(reverse("documents:delete", args=[document.id])).status_code == 404
    assert (
        client.post(
            reverse("documents:upload", args=[folder.id]), {"files": [_upload("x.pdf", corpus.pdf())]}
        ).status_code
        == 404
    )

    oslo = employee("employee-sara", "0301")
    client.force_login(oslo)
    assert client.get(url).status_code == 404  # not sent to any municipality yet

    services.release_to_municipality(folder=folder, kommunenummer="0301")
    client.force_login(employee("employee-bergen", "4601"))
    assert client.get(url).status_code == 404  # the wrong municipality
    client.force_login(employee("employee-veileder", "0301", role="veileder"))
    assert client.get(url).status_code == 404  # right municipality, but not a municipal case worker

    client.force_login(oslo)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    read = AuditEntry.objects.get(action="document.read", object_id=str(document.id))
    assert read.subject_pid == kari.pid and read.actor_id == oslo.pk

    client.force_login(kari)
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="kontrakt.pdf"' in response["Content-Disposition"]
    assert (
        client.get(reverse("documents:download", args=["00000000-0000-0000-0000-000000000000"])).status_code
        == 404
    )


def test_retention_removes_expired_and_orphaned_folders_with_their_files(
    document_settings, kari, django_capture_on_commit_callbacks
):
    now = timezone.now()
    demo = services.create_folder(owner=kari, kind=Folder.Kind.DEMO, expires_at=now + timedelta(days=1))
    draft = services.create_folder(owner=kari, kind=Folder.Kind.APPLICATION)
    sent = services.create_folder(owner=kari, kind=Folder.Kind.APPLICATION)
    fresh = services.create_folder(owner=kari, kind=Folder.Kind.APPLICATION)
    documents = {
        name: services.upload_document(actor=kari, folder=f, name=f"{name}.pdf", data=corpus.pdf(text=name))
        for name, f in {"demo": demo, "draft": draft, "sent": sent, "fresh": fresh}.items()
    }
    services.release_to_municipality(folder=sent, kommunenummer="0301")
    two_days_ago = now - timedelta(days=2)
    Folder.objects.filter(pk__in=[draft.pk, sent.pk, demo.pk]).update(created_at=two_days_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_expired_and_orphaned_folders(now=now) == 1  # the orphaned draft folder
    assert not Folder.objects.filter(pk=draft.pk).exists()
    assert Folder.objects.filter(pk=fresh.pk).exists()  # younger than the grace period: may be in use
    assert not storages["documents"].exists(documents["draft"].storage_name)

    with django_capture_on_commit_callbacks(execute=True):
        # The demo folder has expired, and the fresh draft folder is now past the grace period.
        assert services.remove_expired_and_orphaned_folders(now=now + timedelta(days=2)) == 2
    assert not storages["documents"].exists(documents["demo"].storage_name)
    assert set(Folder.objects.values_list("pk", flat=True)) == {sent.pk}
    assert storages["documents"].exists(documents["sent"].storage_name)


def test_scheduler_enqueues_retention_once_per_interval(document_settings, kari):
    old = services.create_folder(
        owner=kari, kind=Folder.Kind.DEMO, expires_at=timezone.now() - timedelta(hours=1)
    )
    now = timezone.now()
    assert "documents.retention" in enqueue_due_jobs(now=now)  # the test backend runs the task at once
    assert not Folder.objects.filter(pk=old.pk).exists()
    assert "documents.retention" not in enqueue_due_jobs(now=now + timedelta(minutes=30))
    assert "documents.retention" in enqueue_due_jobs(now=now + timedelta(minutes=61))
    assert PeriodicRun.objects.get(name="documents.retention").last_enqueued_at == now + timedelta(minutes=61)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_upload_page_runs_the_same_number_of_queries_for_one_or_twenty_files(
    client, document_settings, kari
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kari)
    url = reverse("documents:demo")
    folder = client.get(url).context["folder"]
    services.upload_document(actor=kari, folder=folder, name="1.pdf", data=corpus.pdf(text="1"))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(2, 21):
        services.upload_document(
            actor=kari, folder=folder, name=f"{number}.pdf", data=corpus.pdf(text=str(number))
        )
    with CaptureQueriesContext(connection) as twenty:
        html = client.get(url).content.decode()
    assert html.count("data-document=") == 20
    assert len(twenty) == len(one)


@pytest.mark.parametrize(
    ("raw", "shown", "stored_prefix"),
    [
        ("C:\\Users\\kari\\Bilder\\IMG_0001.JPG", "IMG_0001.JPG", "IMG_0001-"),
        ("../../etc/passwd", "passwd", "passwd-"),
        ("lønnsslipp\u202e.pdf", "lønnsslipp.pdf", "lonnsslipp-"),
        ("<script>*?|:.pdf", "<script>*?|:.pdf", "script-"),
        ("", "dokument", "dokument-"),
        ("a" * 300 + ".pdf", "a" * 200, "a" * 50 + "-"),
    ],
)
def test_file_names_are_cleaned_for_display_and_for_case_systems(raw, shown, stored_prefix):
    import uuid

    from digisos.documents.filenames import display_name, stored_name

    assert display_name(raw) == shown
    name = stored_name(display_name(raw), uuid.UUID("12345678-0000-0000-0000-000000000000"))
    assert name == f"{stored_prefix}12345678.pdf"
