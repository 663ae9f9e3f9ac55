"""Uploads are limited while they stream in: a file past the size limit is not read into memory or onto
disk beyond the limit, and the person gets the same plain message as for any file that is too large."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from digisos.accounts.models import User
from digisos.documents.models import Document

from . import corpus

pytestmark = pytest.mark.django_db

LIMIT = 1024 * 1024


@pytest.fixture
def small_limit(settings):
    settings.DOCUMENTS = {**settings.DOCUMENTS, "MAX_FILE_BYTES": LIMIT}


def test_a_file_past_the_limit_is_kept_only_up_to_the_limit_while_it_streams_in(small_limit):
    big = SimpleUploadedFile("film.mp4", os.urandom(5 * LIMIT))
    small = SimpleUploadedFile("kontrakt.pdf", corpus.pdf())
    request = RequestFactory().post("/", {"files": [big, small], "next": "/"})

    received = request.FILES.getlist("files")

    # One byte past the limit is enough to know the file is too large; the rest is read and dropped.
    assert [(f.name, f.size) for f in received] == [
        ("film.mp4", LIMIT + 1),
        ("kontrakt.pdf", len(corpus.pdf())),
    ]
    assert received[1].read() == corpus.pdf()
    assert request.POST["next"] == "/"


def test_the_upload_page_says_the_file_is_too_large(client, document_settings, small_limit):
    kari = User.objects.create(username="citizen-kari", kind=User.Kind.CITIZEN, pid="14839110090")
    client.force_login(kari)
    folder = client.get(reverse("documents:demo")).context["folder"]
    url = reverse("documents:upload", args=[folder.id])
    big = os.urandom(3 * LIMIT)

    response = client.post(
        url, {"files": [SimpleUploadedFile("film.mp4", big)]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    (refused,) = response.json()["refused"]
    assert refused["code"] == "too_large" and refused["name"] == "film.mp4"
    assert refused["message"].startswith("Filen er større enn 1 MB.")

    page = client.post(
        url, {"files": [SimpleUploadedFile("film.mp4", big)], "next": reverse("documents:demo")}
    )
    assert page.status_code == 302
    assert "film.mp4: Filen er større enn 1 MB." in client.get(reverse("documents:demo")).content.decode()
    assert not Document.objects.exists()
