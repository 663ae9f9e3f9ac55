"""The child-welfare inbox is one of the inbox's queues (inbox/queues.py, registered by concerns): offered
with its count to child-welfare staff only — a social-services caseworker never learns it exists."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.concerns.test_staff_inbox import employee, report_to

pytestmark = pytest.mark.django_db


def test_child_welfare_staff_are_offered_their_queue_with_its_count(client, offices, citizen_of):
    report_to(citizen_of, "01")
    client.force_login(employee("bente-barnevern", "barnevern_saksbehandler"))  # serves 00 and 01 (demo)
    page = client.get(reverse("inbox:queues")).content.decode()
    assert reverse("concerns:staff-inbox") in page and "1 ny venter" in page
    assert f'href="{reverse("inbox:inbox")}"' not in page  # not a municipal caseworker


def test_a_social_services_caseworker_is_offered_the_inbox_only(client, offices, citizen_of):
    report_to(citizen_of, "01")
    client.force_login(employee("kari-kommune", "kommune_saksbehandler"))
    for url in (reverse("inbox:queues"), reverse("inbox:inbox")):
        page = client.get(url).content.decode()
        assert reverse("concerns:staff-inbox") not in page and "Bekymringsmeldinger" not in page


def test_an_employee_with_both_roles_finds_the_other_queue_from_each_inbox(client, offices, citizen_of):
    report_to(citizen_of, "01")
    both = employee("bente-barnevern", "barnevern_saksbehandler")
    both.groups.add(Group.objects.get_or_create(name="kommune_saksbehandler")[0])
    client.force_login(both)
    # The inbox list links the queues (counted there, not on the list: its queries are fixed).
    assert f'href="{reverse("inbox:queues")}"' in client.get(reverse("inbox:inbox")).content.decode()
    queues = client.get(reverse("inbox:queues")).content.decode()
    assert reverse("concerns:staff-inbox") in queues and f'href="{reverse("inbox:inbox")}"' in queues
    assert f'href="{reverse("inbox:inbox")}"' in client.get(reverse("concerns:staff-inbox")).content.decode()


def test_nobody_without_a_queue_gets_the_list(client, offices):
    client.force_login(employee("nav-veileder", "nav_veileder"))
    assert client.get(reverse("inbox:queues")).status_code == 403
    client.logout()
    response = client.get(reverse("inbox:queues"))
    assert response.status_code == 302 and reverse("accounts:employee-login") in response["Location"]
