"""The audit list shows operators whose data was read, without the whole fødselsnummer."""

import pytest
from django.contrib.auth import get_user_model

from digisos.core.services import record_audit

pytestmark = pytest.mark.django_db

PID = "14839110090"


@pytest.fixture
def entry():
    return record_audit(
        actor=None, action="document.read", object_type="documents.Document", object_id="1", subject_pid=PID
    )


@pytest.fixture
def operator(client):
    client.force_login(get_user_model().objects.create_superuser("ole", kind="employee"))


def test_the_audit_list_masks_the_fodselsnummer(client, operator, entry):
    html = client.get("/admin/core/auditentry/").content.decode()
    assert "document.read" in html
    assert PID not in html
    assert "148391*****" in html


def test_an_audit_entry_page_masks_the_fodselsnummer(client, operator, entry):
    response = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PID not in html
    assert "148391*****" in html


def test_the_fodselsnummer_is_not_searchable_from_the_list(client, operator, entry):
    # A search puts its words in the URL; a fødselsnummer never goes in one.
    html = client.get("/admin/core/auditentry/", {"q": PID}).content.decode()
    assert "0 revisjonslogg" in html or "0 results" in html or "0 treff" in html


def test_an_entry_by_actor_id_names_the_user_read_in_its_own_insert(django_assert_num_queries):
    user = get_user_model().objects.create_user("fagsystem-4601")
    with django_assert_num_queries(1):
        entry = record_audit(actor_id=user.pk, action="a", object_type="t", object_id="1", after={"n": 1})
    stored = type(entry).objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_id, stored.after) == ("fagsystem-4601", user.pk, {"n": 1})
    gone = record_audit(actor_id=user.pk + 1000, action="a", object_type="t", object_id="1")
    assert type(entry).objects.get(pk=gone.pk).actor == f"user {user.pk + 1000}"
