"""Concern-report benchmark helpers, run by bench/run.py (part `concerns`) against its throwaway PostgreSQL,
gunicorn and db_worker.

`python bench/concerns.py staff N USERS FILE` gives the demo child-welfare employee of Oslo's inbox offices
(Bente, who serves the unknown-district office and Gamle Oslo) N reports in her inbox, a third of them marked
received, and USERS logged-in sessions; writes {"cookie", "sessions"} to FILE for the locust user
ConcernStaffInbox (run.py's follow-up part measures her inbox against the trivial logged-in page).

`python bench/concerns.py send N HOST KEY_FOLDER FILE` sends N private reports (persona Sofie, Bergen 4601,
whose child-welfare office has a case system) one at a time over HTTP through gunicorn, and times each from
just before the form's send POST until Bergen's child-welfare case system finds it in
GET /api/barnevern/v1/bekymringsmeldinger (SENDT_FAGSYSTEM: the db_worker builds the JSON, the PDF/A and the
ASiC-E and encrypts them in between), as bench/exchange.py times an application. Prints p50/p95 and the BENCH
line, and writes what the locust users of the list need to FILE (the client and its key).
"""

import json
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.application import percentile, session_for  # noqa: E402
from bench.exchange import sofie  # noqa: E402

KOMMUNENUMMER = "4601"
CLIENT_ID = f"demo-barnevern-{KOMMUNENUMMER}"
SCOPE = "bekymringsmelding:collect"
POLL_SECONDS = 0.02
AVAILABLE_TIMEOUT = 30.0
TARGET_MS = 1500
# A private reporter's report as tests/concerns/test_pages.py fills it: one child, the message.
ANSWERS = {
    "barn_antall": "1",
    "melder-telefonnummer": "912 34 567",
    "barn-0-personnavn": "Mia",
    "barn-0-adresselinje1": "Storgata 1",
    "barn-0-antatt_alder": "8",
    "melding-melding": "Hun er alene hjemme om kveldene, og det er ikke mat i huset.",
    "action": "send",
}


def access_token(host: str, client_key: Path) -> str:
    from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

    signer = FagsystemClient(
        base_url=host, client_id=CLIENT_ID, client_key_pem=client_key.read_bytes(), scope=SCOPE
    )
    response = requests.post(
        f"{host}/api/exchange/v1/token",
        data={"grant_type": GRANT_TYPE, "assertion": signer.assertion()},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def wait_until_available(host: str, token: str, report_id: str) -> dict:
    deadline = time.perf_counter() + AVAILABLE_TIMEOUT
    while time.perf_counter() < deadline:
        cursor = None
        while True:
            params = {"antall": 200, **({"etter": cursor} if cursor else {})}
            response = requests.get(
                f"{host}/api/barnevern/v1/bekymringsmeldinger",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            response.raise_for_status()
            page = response.json()
            for report in page["bekymringsmeldinger"]:
                if report["id"] == report_id:
                    return report
            cursor = page["neste"]
            if not cursor:
                break
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"report {report_id} was not listed within {AVAILABLE_TIMEOUT:.0f} s")


def draft(user):
    from digisos.concerns import services
    from digisos.concerns.models import ConcernReport
    from digisos.municipalities.models import Municipality

    return services.start_report(
        user=user, kind=ConcernReport.Kind.PRIVATE, municipality=Municipality.objects.get(pk=KOMMUNENUMMER)
    )


def send(count: int, host: str, key_folder: Path, target: Path) -> None:
    from django.conf import settings

    from digisos.concerns.models import ConcernDelivery

    user = sofie()
    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, session_for(user))
    token = access_token(host, key_folder / "klient.pem")
    to_available, post, worker = [], [], []
    for _ in range(count + 1):
        report = draft(user)
        url = f"{host}/bekymringsmelding/melding/{report.id}/"
        page = http.get(url, timeout=30)
        page.raise_for_status()
        csrf = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        started = time.perf_counter()
        response = http.post(
            url,
            data={**ANSWERS, "csrfmiddlewaretoken": csrf},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=60,
        )
        posted = time.perf_counter()
        if response.status_code != 302 or "/kvittering/" not in response.headers.get("Location", ""):
            raise SystemExit(f"the report was refused: {response.status_code} {response.text[:500]}")
        wait_until_available(host, token, str(report.id))
        to_available.append(time.perf_counter() - started)
        post.append(posted - started)
        row = ConcernDelivery.objects.get(report_id=report.id)
        worker.append((row.available_at - row.created_at).total_seconds())
    # The first send loads fonts and templates in its gunicorn worker and the db_worker.
    to_available, post, worker = to_available[1:], post[1:], worker[1:]
    print(
        f"\n== Bekymringsmelding: send → SENDT_FAGSYSTEM (persona Sofie → Bergen {KOMMUNENUMMER}'s "
        f"child-welfare case system, {count} private reports one at a time over HTTP, db_worker --interval 0.1) =="
    )
    print(f"{'measure':<60} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in (
        ("send POST → listed by GET /bekymringsmeldinger", to_available),
        ("  of which the send POST (answer: redirect to the receipt)", post),
        ("  ConcernDelivery.created_at → available_at (database)", worker),
    ):
        print(
            f"{label:<60} {percentile(values, 0.5) * 1000:>8.0f} {percentile(values, 0.95) * 1000:>8.0f} "
            f"{max(values) * 1000:>8.0f}"
        )
    print(f"target: send → available to the case system p95 < {TARGET_MS} ms")
    from bench.summary import bench_line

    print(bench_line("concerns_send_p95", percentile(to_available, 0.95) * 1000, "ms", "<", TARGET_MS))
    target.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_key": str(key_folder / "klient.pem"),
                "scope": SCOPE,
                "reports": count + 1,
            }
        )
    )


STAFF_USERNAME = "employee-bente-barnevern"


def staff(count: int, users: int, target: Path) -> None:
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from digisos.accounts.models import User
    from digisos.concerns.models import ChildWelfareOffice, ConcernDelivery, ConcernReport
    from digisos.concerns.selectors import STAFF_ROLE
    from digisos.concerns.services import apply_demo_child_welfare_offices

    apply_demo_child_welfare_offices()
    offices = list(ChildWelfareOffice.objects.filter(staff__username=STAFF_USERNAME).order_by("id"))
    reporter = sofie()
    now = timezone.now()
    reports = ConcernReport.objects.bulk_create(
        ConcernReport(
            kind=ConcernReport.Kind.PRIVATE if i % 3 else ConcernReport.Kind.PUBLIC,
            status=ConcernReport.Status.SENT,
            reporter=reporter,
            municipality_id=offices[0].municipality_id,
            office=offices[i % len(offices)],
            content={"melding": {"melding": "Benchmark"}},
            sent_at=now - timedelta(hours=3 * i),
        )
        for i in range(count)
    )
    ConcernDelivery.objects.bulk_create(
        ConcernDelivery(
            report=report,
            office=report.office,
            channel=ChildWelfareOffice.Channel.INBOX,
            status=ConcernDelivery.Status.COLLECTED if i % 3 == 0 else ConcernDelivery.Status.AVAILABLE,
            attempts=1,
            available_at=report.sent_at,
            collected_at=report.sent_at if i % 3 == 0 else None,
        )
        for i, report in enumerate(reports)
    )
    with connection.cursor() as cursor:
        # As autovacuum would soon after such a load (bench/followup.py does the same).
        cursor.execute("VACUUM (ANALYZE) concerns_concernreport, concerns_concerndelivery")
    employee, _ = User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": offices[0].municipality_id},
    )
    employee.groups.add(Group.objects.get_or_create(name=STAFF_ROLE)[0])
    sessions = [session_for(employee) for _ in range(users)]
    target.write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions}))


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1]
    if command == "send":
        send(int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))
    elif command == "staff":
        staff(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")
