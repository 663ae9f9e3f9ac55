"""The child-welfare inbox: only child-welfare staff of the office see its reports (list, page, files,
mark received); a social-services caseworker, a NAV employee, staff of another office and citizens never do."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from digisos.accounts.models import User
from digisos.concerns.asice import data_objects
from digisos.concerns.models import ConcernReport
from digisos.concerns.services import start_report, submit_report
from digisos.municipalities.models import Municipality

pytestmark = pytest.mark.django_db
ANSWERS = {
    "melder": {},
    "barn": [{"personnavn": "Mia", "adresselinje1": "Storgata 1"}],
    "foresatte": [],
    "melding": {"melding": "Hun er alene hjemme om kveldene."},
}


def employee(sub: str, role: str, kommunenummer: str = "0301") -> User:
    user = User.objects.create(
        username=f"employee-{sub}", kind=User.Kind.EMPLOYEE, municipality_id=kommunenummer
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def report_to(citizen_of, bydel: str) -> ConcernReport:
    report = start_report(
        user=citizen_of("kari-leier-oslo"), kind="privat", municipality=Municipality.objects.get(pk="0301")
    )
    return submit_report(report=report, answers=ANSWERS, bydelsnummer=bydel)


def test_staff_of_the_office_list_open_download_and_mark_received(client, offices, citizen_of):
    report = report_to(citizen_of, "01")
    client.force_login(employee("bente-barnevern", "barnevern_saksbehandler"))  # serves 00 and 01 (demo)
    page = client.get(reverse("concerns:staff-inbox")).content.decode()
    assert reverse("concerns:staff-report", args=[report.id]) in page and "Bydel Gamle Oslo" in page
    assert "Mia" not in page  # the list shows when, where and who reported, not the content
    assert client.get(reverse("concerns:staff-report", args=[report.id])).status_code == 200
    json_file = client.get(reverse("concerns:staff-download", args=[report.id, "json"]))
    assert json.loads(json_file.content) == report.content
    container = client.get(reverse("concerns:staff-download", args=[report.id, "asice"])).content
    assert set(data_objects(container)) == {"bekymringsmelding.json", "bekymringsmelding.pdf"}
    assert client.get(reverse("concerns:staff-download", args=[report.id, "pdf"])).content.startswith(b"%PDF")
    client.post(reverse("concerns:staff-received", args=[report.id]))
    assert list(report.states.values_list("state", flat=True)) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"]
    assert "Mottatt" in client.get(reverse("concerns:staff-report", args=[report.id])).content.decode()


@pytest.mark.parametrize(
    ("sub", "role"),
    [
        ("sara-saksbehandler", "kommune_saksbehandler"),  # social services, same municipality
        ("vera-veileder", "veileder"),  # NAV
        ("ole-operator", "operator"),
        ("anna-analytiker", "analyst"),
    ],
)
def test_no_one_else_sees_a_report(client, offices, citizen_of, sub, role):
    report = report_to(citizen_of, "01")
    client.force_login(employee(sub, role))
    urls = [
        reverse("concerns:staff-inbox"),
        reverse("concerns:staff-report", args=[report.id]),
        reverse("concerns:staff-download", args=[report.id, "pdf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("concerns:staff-received", args=[report.id])).status_code == 403
    # Nor in the social-services inbox or its search.
    listed = client.get(reverse("inbox:inbox")).content.decode()
    assert str(report.id) not in listed and "Mia" not in listed
    # A search finds nothing (the page echoes the query in its language form, so look for result links).
    for query in ("Mia", str(report.id)):
        found = client.get(reverse("inbox:inbox"), {"q": query}).content.decode()
        assert "/innboks/sak/" not in found and "/bekymringsmelding/" not in found.replace(
            "/bekymringsmelding/innboks", ""
        )


def test_staff_of_another_office_do_not_see_it(client, offices, citizen_of):
    report = report_to(citizen_of, "03")  # Sagene: Bente does not serve it
    client.force_login(employee("bente-barnevern", "barnevern_saksbehandler"))
    assert str(report.id) not in client.get(reverse("concerns:staff-inbox")).content.decode()
    assert client.get(reverse("concerns:staff-report", args=[report.id])).status_code == 404
    assert client.get(reverse("concerns:staff-download", args=[report.id, "json"])).status_code == 404
    assert client.post(reverse("concerns:staff-received", args=[report.id])).status_code == 404
    # And an employee with the role but no office sees nothing.
    client.force_login(employee("ny-i-barnevernet", "barnevern_saksbehandler"))
    assert client.get(reverse("concerns:staff-report", args=[report.id])).status_code == 404


def test_citizens_and_the_logged_out_are_sent_away(client, offices, citizen_of):
    report = report_to(citizen_of, "01")
    response = client.get(reverse("concerns:staff-report", args=[report.id]))
    assert response.status_code == 302 and reverse("accounts:employee-login") in response["Location"]
    client.force_login(citizen_of("kari-leier-oslo"))  # even the reporter
    assert client.get(reverse("concerns:staff-report", args=[report.id])).status_code == 403


def test_the_list_reads_the_same_statements_for_one_report_as_for_many(client, offices, citizen_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bente = employee("bente-barnevern", "barnevern_saksbehandler")  # serves 00 and 01 (demo)
    client.force_login(bente)

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("concerns:staff-inbox"))
        assert page.status_code == 200
        return [query["sql"] for query in queries.captured_queries]

    report_to(citizen_of, "01")
    statements()  # the process's first page reads what it then keeps (e.g. the queue registry's counts)
    one = statements()
    for bydel in ("00", "01", "00", "01"):
        report_to(citizen_of, bydel)
    many = statements()
    assert len(many) == len(one), [sql[:120] for sql in many]
    # The role is read once a request, however many parts of the page ask (the access check, the queue
    # list, the list's selector).
    assert sum("auth_group" in sql for sql in one) == 1, one


# Of 55 reports, those whose number divides by `received_every` are marked received: 19 (the page ends among
# the received ones), 5 (the first page is exactly the 50 new ones) or 1 (the page ends among the new ones).
@pytest.mark.parametrize("received_every", [3, 11, 100])
def test_the_list_shows_the_new_reports_first_fifty_at_a_time_and_reaches_every_report_kept(
    client, offices, received_every
):
    import re
    from datetime import UTC, datetime, timedelta

    from digisos.concerns.models import ChildWelfareOffice
    from tests.factories import ListedConcernReportFactory

    gamle_oslo = ChildWelfareOffice.objects.get(municipality_id="0301", bydelsnummer="01")
    # Eleven at each time: a page can end among reports that came in at the same moment.
    reports = [
        ListedConcernReportFactory(
            office=gamle_oslo,
            sent_at=datetime(2026, 11, 2, 8, tzinfo=UTC) + timedelta(hours=n // 11),
            received=n % received_every == 0,
        )
        for n in range(55)
    ]
    received = {report.id for n, report in enumerate(reports) if n % received_every == 0}
    in_order = sorted(reports, key=lambda r: (r.id not in received, r.sent_at, r.delivery.id), reverse=True)
    client.force_login(employee("bente-barnevern", "barnevern_saksbehandler"))
    inbox, shown, pages = reverse("concerns:staff-inbox"), [], []
    url = inbox
    while url:
        page = client.get(url).content.decode()
        pages.append(page)
        shown += re.findall(r'href="/[^"]*innboks/([0-9a-f-]{36})/"', page)
        after = re.search(r'href="(\?neste=[0-9.]+)"', page)
        url = inbox + after[1] if after else None

    assert [len(re.findall(r"<tr><td>", page)) for page in pages] == [50, 5]
    assert shown == [str(report.id) for report in in_order]
    rows = [row for page in pages for row in re.findall(r"<tr><td>.*?</tr>", page)]
    assert [row.endswith("<td>Mottatt</td></tr>") for row in rows] == [r.id in received for r in in_order]
    assert "Til første side" not in pages[0] and "Til første side" in pages[1]
    # A broken or hostile position shows the first page.
    for broken in ("1.2", "2.1.1", "0.x.1", "0.٣.1", "0." + "9" * 19 + ".1", "0.99999999999999999.1"):
        assert client.get(inbox, {"neste": broken}).content.decode().count("<tr><td>") == 50, broken


def test_a_report_sent_as_a_letter_says_so_until_it_is_marked_received(client, offices):
    import re

    from django.utils import timezone

    from digisos.concerns.models import ChildWelfareOffice, ConcernDelivery
    from tests.factories import ListedConcernReportFactory

    gamle_oslo = ChildWelfareOffice.objects.get(municipality_id="0301", bydelsnummer="01")
    printed, waiting = ListedConcernReportFactory.create_batch(2, office=gamle_oslo)
    ConcernDelivery.objects.filter(report=printed).update(printed_at=timezone.now())
    client.force_login(employee("bente-barnevern", "barnevern_saksbehandler"))

    page = client.get(reverse("concerns:staff-inbox")).content.decode()

    def state(report) -> str:
        return page.split(str(report.id), 1)[1].split("</tr>", 1)[0].rsplit("<td>", 1)[1]

    assert state(printed) == "Ny, sendt som brev</td>"
    assert state(waiting) == "Ny</td>"
    # The report's own page says when the letter went.
    shown = client.get(reverse("concerns:staff-report", args=[printed.id])).content.decode()
    assert re.search(r'data-testid="staff-status">Ny, sendt som brev \d', shown), shown
