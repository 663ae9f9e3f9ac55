"""The quick start's caseworker pages and background work on SQLite (`make run`); every other test of them runs on
PostgreSQL, where their SQL takes another branch (`connection.vendor`) or is raw SQL. One script on a fresh
quick-start SQLite file (as tests/core/test_quick_start_database.py does) walks, with the data the PostgreSQL
tests set up:

- the worker (db_worker) claiming and running a queued task: the sent application's delivery, then the
  innsyn notifications the caseworker's actions queued (core.queue.enqueue_once enqueues plainly here);
- a case system over the exchange API: the list of deliveries and its receipt, a first event post, a letter, an
  update, the same document again (unchanged) and an older one (refused): report_case_events' locked path, the
  one SQLite always takes, with the municipality;
- the manual inbox: the list, the case page (its history read whole, not windowed in SQL) and the
  caseworker's actions on the delivery (receive, request documents, status, decision, payment), each an event
  post through report_case_events' locked path, the first one and the updates after it;
- the follow-up: the person overview POST for a municipal caseworker, NKS and a NAV office veileder (the
  relation check and the panels read in Python here: policy.employee_and_relation, selectors._overview), and
  the work queues page (queues._queues_in_python);
- the child-welfare staff inbox: the list, a report's page and marking it received;
- the public API's municipality answer, cached by the version its raw SQL reads.

The statistics (rebuild, update, page and public API) have their own such test: tests/insights/test_quick_start.py.
"""

from tests.fixtures.quick_start import PREAMBLE, findings, quick_start_env, run_script

SCRIPT = (
    PREAMBLE
    + """
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from digisos.exchange.models import Case, Delivery
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus, Utfall
from tests.documents import corpus
from tests.factories import ApplicationFactory
from tests.fixtures.personas import citizen, persona_pid
from tests.inbox.conftest import caseworker


def tasks():
    return sorted(DBTaskResult.objects.values_list("task_path", "status"))


def work():
    call_command("run_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


# --- The worker claims the sent applications' deliveries ---------------------------------------------------
import tempfile
from pathlib import Path
from digisos.exchange.keys import generate_municipality_keys
from tests.fixtures.exchange import ExchangeApi, connect, token_for

keys = {"4601": Path(tempfile.mkdtemp()) / "4601"}  # Bergen's case system, connected through the API
generate_municipality_keys(keys["4601"])
connect(keys)
application = ApplicationFactory(owner=citizen("kari-leier-oslo"), sent=True, upload=False)
bergen_application = ApplicationFactory(owner=citizen("familie-bergen"), sent=True, upload=False)
print("QUEUED", tasks())
work()
print("DELIVERED", tasks(), sorted(Delivery.objects.values_list("status", "municipality_id")))

# --- Bergen's case system collects its delivery and posts the case's events over the exchange API -----------
from datetime import UTC, datetime
from digisos.soker import builders
from digisos_simulator.simulator import letter_pdf
from tests.factories import decision_events

api_client = Client()
bergen = ExchangeApi(api_client, token_for(api_client, keys, "4601"))
listed = bergen.get("/leveranser").json()["leveranser"]
collected = bergen.post(f"/leveranser/{listed[0]['id']}/kvittering")
print("COLLECTED", len(listed), collected.status_code, bergen.get("/leveranser").json()["leveranser"])
bergen_case = Case.objects.get(application=bergen_application)
saker = f"/saker/{bergen_case.id}"
received = {"version": "1.0.0", "avsender": {"systemnavn": "Test", "systemversjon": "1"},
    "hendelser": [builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z")]}
first = bergen.post(f"{saker}/digisos-soker", received)
uploaded = bergen.post(f"{saker}/filer", {"filer": [SimpleUploadedFile("vedtak.pdf", letter_pdf("Vedtak", ["Innvilget."]))]},
    content_type=None)
letter_id = uploaded.json()[0]["dokumentlagerDokumentId"]
decided = {**received, "hendelser": [*received["hendelser"],
    *decision_events(letter_id, start=datetime(2026, 11, 23, 10, 1, tzinfo=UTC), saksreferanse="s1")]}
update = bergen.post(f"{saker}/digisos-soker", decided)
again = bergen.post(f"{saker}/digisos-soker", decided)
older = bergen.post(f"{saker}/digisos-soker", received)
print("POSTED", first.status_code, first.json()["endret"], uploaded.status_code, update.status_code,
    update.json()["endret"], update.json()["antallHendelser"], again.json()["endret"], older.status_code,
    older.json()["code"], bergen.get(f"{saker}/digisos-soker").json() == decided)

# --- The inbox: the list, the case page and the caseworker's actions on the delivery ----------------------
case = Case.objects.get(application=application)
sara = Client()
sara.force_login(caseworker("0301"))


def url(name):
    return reverse(f"inbox:{name}", args=[case.id])


listing = sara.get(reverse("inbox:inbox"))
print("INBOX", listing.status_code, application.reference in listing.content.decode())
page = sara.get(url("case"))
print("CASE", page.status_code, application.reference in page.content.decode())
received = sara.post(url("mark-received"), follow=True)
print("RECEIVED", received.status_code, "Søknaden er markert som mottatt." in received.content.decode(),
    Delivery.objects.get(case=case).status)
in_a_week = (timezone.localdate() + timedelta(days=7)).isoformat()
requested = sara.post(url("request-documents"), {
    "dokumentasjon-dokumenttype": "Kontoutskrift", "dokumentasjon-tilleggsinformasjon": "Tre måneder",
    "dokumentasjon-frist": in_a_week,
    "dokumentasjon-brev": SimpleUploadedFile("forespørsel.pdf", corpus.pdf(text="Forespørsel")),
})
status = sara.post(url("status"), {"status-status": SoknadsStatus.UNDER_BEHANDLING})
decided = sara.post(url("decision"), {
    "vedtak-utfall": Utfall.INNVILGET, "vedtak-saksreferanse": "sak-1",
    "vedtak-vedtaksbrev": SimpleUploadedFile("vedtak.pdf", corpus.pdf(text="Vedtak")),
})
paid = sara.post(url("payment"), {
    "utbetaling-belop": "4500", "utbetaling-beskrivelse": "Livsopphold",
    "utbetaling-forfallsdato": timezone.localdate().isoformat(), "utbetaling-status": UtbetalingStatus.UTBETALT,
    "utbetaling-saksreferanse": "sak-1",
})
print("ACTIONS", requested.status_code, status.status_code, decided.status_code, paid.status_code)
case.refresh_from_db()
print("EVENTS", [event["type"] for event in case.soker["hendelser"]])
html = sara.get(url("case")).content.decode()
print("SHOWN", "Kontoutskrift" in html, "Innvilget" in html, "4\\xa0500\\xa0kr" in html)
work()  # the notifications the actions queued, one run each here (SQLite: no coalescing)
print("NOTIFIED", sorted({status for path, status in tasks() if path.endswith("notify_case")}),
    sum(path.endswith("notify_case") for path, _ in tasks()) > 0)
# Kari sends one more document from her case page ("Send andre dokumenter"): an ettersendelse, new in the inbox.
mine = Client()
mine.force_login(case.owner)
innsyn = mine.get(f"/innsyn/{case.id}/").content.decode()
sent = mine.post(reverse("innsyn:send", args=[case.id]),
    {"filer": [SimpleUploadedFile("kontoutskrift.pdf", corpus.pdf())]})
work()
print("INNSYN", "Innvilget" in innsyn, "4\xa0500\xa0kr" in innsyn, sent.status_code,
    list(Delivery.objects.filter(case=case, kind="ettersendelse").values_list("status", flat=True)))
listing = sara.get(reverse("inbox:inbox")).content.decode()
print("LISTED", listing.count(application.reference))

# --- The follow-up: the person overview and the work queues -----------------------------------------------
from digisos.accounts.models import User
from digisos.accounts.services import employee_from_claims
from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
from digisos.followup.models import AccessDecision
from digisos.followup.policy import NKS_ROLE
from tests.followup.conftest import case_for, employee, nks_agreement
from tests.followup.test_person_overview import case_with_state
from tests.followup.test_work_queues import delivery, sent_at, state


def look(role, username, purpose, key, **claims):
    client = Client()
    if role == "veileder":
        client.force_login(employee_from_claims({"sub": username, "roles": [role], **claims}))
    else:
        employee(username, role, **claims)
        client.force_login(User.objects.get(username=username))
    response = client.post("/oppfolging/", {"fnr": persona_pid(key), "purpose": purpose})
    return response.status_code, response.content.decode()


case_with_state("statslos-oslo")
status, html = look(MUNICIPAL_CASEWORKER_ROLE, "sara-oppfolging", "casework", "statslos-oslo", kommunenummer="0301")
print("OVERVIEW", status, html.count('data-testid="case"'), "Innvilget" in html, "Husleiekontrakt" in html,
    "Søke jobb" in html, "lonnsslipp.pdf" in html, html.count('data-testid="month"'))
nks_agreement("0301", active=True)
status, html = look(NKS_ROLE, "nina", "phone_call", "statslos-oslo", kommunenummer=None)
payments = html.split('data-testid="panel-payments"')[1].split("</section>")[0] if "panel-payments" in html else ""
print("NKS", status, payments.count('data-testid="payment"'), "lonnsslipp.pdf" in html)
case_for("oslo-bydel-frogner", "0301", "0316")
status, html = look("veileder", "vera", "casework", "oslo-bydel-frogner", nav_office="0316")
elsewhere = look("veileder", "vera", "casework", "statslos-oslo", nav_office="0316")[1]
print("VEILEDER", status, html.count('data-testid="case"'), elsewhere.count('data-testid="case"'))
print("DECISIONS", sorted(AccessDecision.objects.values_list("reason", flat=True)))

late = case_for("under-18")
state(late, status="MOTTATT", next_deadline=timezone.now() - timedelta(days=1), open_tasks=1)
stale = case_for("familie-bergen", "0301")
delivery(stale, "soknad", timezone.now() - timedelta(days=10))
sent_at(late, timezone.now() - timedelta(days=40))
delivery(late, "ettersendelse", timezone.now() - timedelta(days=5))
queues = Client()
queues.force_login(User.objects.get(username="sara-oppfolging"))
response = queues.get("/oppfolging/arbeidskoer/")
html = response.content.decode()
import re
print("QUEUES", response.status_code, dict(re.findall(r'data-testid="count-(\\w+)">(\\d+)<', html)),
    html.count('data-testid="row"'))

# --- The child-welfare staff inbox -------------------------------------------------------------------------
from digisos.concerns.services import apply_demo_child_welfare_offices, start_report, submit_report
from digisos.municipalities.models import Municipality
from tests.concerns.test_staff_inbox import ANSWERS
from tests.concerns.test_staff_inbox import employee as concern_employee

apply_demo_child_welfare_offices()
report = start_report(user=citizen("kari-leier-oslo"), kind="privat", municipality=Municipality.objects.get(pk="0301"))
report = submit_report(report=report, answers=ANSWERS, bydelsnummer="01")
work()  # its delivery, if queued
bente = Client()
bente.force_login(concern_employee("bente-barnevern", "barnevern_saksbehandler"))
listing = bente.get(reverse("concerns:staff-inbox"))
report_url = reverse("concerns:staff-report", args=[report.id])
print("CONCERNS", listing.status_code, report_url in listing.content.decode(), "Bydel Gamle Oslo" in listing.content.decode())
print("REPORT", bente.get(report_url).status_code, bente.post(reverse("concerns:staff-received", args=[report.id])).status_code,
    list(report.states.values_list("state", flat=True)), "Mottatt" in bente.get(report_url).content.decode())

# --- The public API's municipality answer: cached by the raw SQL's version, a new answer once flags change ------
from digisos.municipalities.models import ServiceConfiguration
from digisos.municipalities.services import update_service_configuration

public = Client()
before = [public.get("/api/public/v1/kommuner/0301").json()["harMidlertidigDeaktivertMottak"] for _ in range(2)]
update_service_configuration(actor=None, configuration=ServiceConfiguration.objects.get(municipality_id="0301"),
    receiving_temporarily_disabled=True)
print("KOMMUNE", before, public.get("/api/public/v1/kommuner/0301").json()["harMidlertidigDeaktivertMottak"])
"""
)


def test_the_caseworker_pages_and_the_worker_work_on_the_quick_start_sqlite(tmp_path, clamd):
    env = quick_start_env(
        tmp_path,
        DIGISOS_ALLOWED_HOSTS="testserver",
        DIGISOS_CLAMD_ADDRESS=str(clamd),  # the letters the caseworker uploads are scanned
    )
    result = run_script(SCRIPT, env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    # The script's findings, one "KEY values" line each (the console e-mail backend writes to stdout too).
    lines = findings(result.stdout)
    assert (
        lines["QUEUED"]
        == "[('digisos.exchange.tasks.deliver', 'READY'), ('digisos.exchange.tasks.deliver', 'READY')]"
    )
    assert lines["DELIVERED"] == (
        "[('digisos.exchange.tasks.deliver', 'SUCCESSFUL'), ('digisos.exchange.tasks.deliver', 'SUCCESSFUL')] "
        "[('available', '0301'), ('available', '4601')]"
    )
    # Bergen's case system: collected (the list then empty), a first post, a letter, an update, the same again
    # (unchanged), an older one refused; the stored document is the update.
    assert lines["COLLECTED"] == "1 200 []"
    assert lines["POSTED"] == "200 True 200 200 True 3 False 409 older_document True"
    assert lines["INBOX"] == "200 True" and lines["CASE"] == "200 True"
    assert lines["RECEIVED"] == "200 True collected"
    assert lines["ACTIONS"] == "302 302 302 302"
    assert lines["EVENTS"] == str(
        [
            "soknadsStatus",  # received
            "soknadsStatus",  # under processing, with the request
            "dokumentasjonEtterspurt",
            "soknadsStatus",
            "saksStatus",
            "vedtakFattet",
            "soknadsStatus",  # every sak decided: done
            "utbetaling",
        ]
    )
    assert lines["SHOWN"] == "True True True"  # the request, the decision and the payment on the case page
    assert lines["NOTIFIED"] == "['SUCCESSFUL'] True"
    assert lines["INNSYN"] == "True True 302 ['available']"
    assert lines["LISTED"] == "2"  # the application (received) and the ettersendelse (new)
    # cases, decision, request, condition, attachment, 24 months
    assert lines["OVERVIEW"] == "200 1 True True True True 24"
    assert lines["NKS"] == "200 3 True"
    assert lines["VEILEDER"] == "200 1 0"  # the case at the veileder's office; none for a person elsewhere
    assert lines["DECISIONS"] == "['no_relation', 'permitted', 'permitted', 'permitted']"
    assert lines["QUEUES"] == (
        "200 {'not_received': '1', 'overdue_requests': '1', 'unread_documents': '2', 'no_preliminary_answer': '1'} 5"
    )
    assert lines["CONCERNS"] == "200 True True"
    assert lines["KOMMUNE"] == "[False, False] True"
    assert lines["REPORT"] == "200 302 ['AKSEPTERT', 'SENDT_FAGSYSTEM', 'LEVERT'] True"
