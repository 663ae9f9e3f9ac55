"""`make run` uses SQLite (DESIGN.md); every other test uses PostgreSQL. This one runs the quick start's settings
in a subprocess on a fresh SQLite file and opens the innsyn pages, whose reads are plain SQL, so SQL only
PostgreSQL understands cannot reach the quick start unnoticed."""

from tests.fixtures.quick_start import PREAMBLE, findings, quick_start_env, run_script

SCRIPT = (
    PREAMBLE
    + """
from datetime import timedelta
from django.test import Client, override_settings
from django.utils import timezone
from digisos.exchange.services.clients import register_client
from digisos.exchange.services.delivery import create_paper_case
from digisos.exchange.services.reporting import report_case_events
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus, UtbetalingStatus
from digisos.innsyn import notifications
from tests.fixtures.personas import persona_pid

now = timezone.now()
system = register_client(kommunenummer="4601", name="t", public_key_pem="x", client_id="qs").user
with override_settings(ALLOW_SYNTHETIC_IDENTITY_NUMBERS=True):
    case = create_paper_case(actor_id=system.pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen"))
kontoutskrift = builders.dokument("Kontoutskrift", tilleggsinformasjon="Brukskonto",
    innsendelsesfrist=now + timedelta(days=2), dokumentreferanse="dok-1")
document = builders.document(
    builders.soknads_status(SoknadsStatus.MOTTATT, at=now - timedelta(hours=3)),
    builders.tildelt_nav_kontor("1203", at=now - timedelta(hours=2)),
    builders.dokumentasjon_etterspurt([kontoutskrift], at=now - timedelta(hours=1)),
    builders.utbetaling("u1", status=UtbetalingStatus.PLANLAGT_UTBETALING, belop=5250, beskrivelse="Livsopphold",
        forfallsdato=(now + timedelta(days=3)).date(), at=now - timedelta(minutes=30)),
)
report_case_events(actor_id=system.pk, case_id=case.id, document=document)
print("NOTIFIED", notifications.notify_case(case.id))  # what the worker does after a report
client = Client()
client.force_login(case.owner)
mine = client.get("/innsyn/")
page = client.get(f"/innsyn/{case.id}/")
print("STATUS", mine.status_code, page.status_code, client.get("/innsyn/varsler/").status_code)
print("OFFICE", "Nav Bergen nord" in mine.content.decode() and "Nav Bergen nord" in page.content.decode())
print("TASK", 'data-task="' in page.content.decode(), "PAYMENT", 'data-testid="payment"' in page.content.decode())
print("REMINDED", notifications.remind_deadlines())
# The case systems' list runs compiled SQL (core.prepared) with the ORM's converters: UUIDs and aware datetimes.
from digisos.documents.models import Folder
from digisos.exchange.models import DeliveredFile, Delivery
from digisos.exchange.selectors import new_deliveries
delivery = Delivery.objects.create(case=case, kind="soknad", municipality_id="4601", channel="api",
    nav_ekstern_ref_id="qs-1", status="available", available_at=now, vedlegg_json={},
    folder=Folder.objects.create(kind="application", owner=case.owner))
DeliveredFile.objects.create(delivery=delivery, position=0, role="soknad.json", filename="soknad.json",
    content_type="application/json", size=1, storage_name="qs/1")
listed = new_deliveries("4601", after=0, limit=5)
print("LISTED", listed[0]["public_id"] == delivery.public_id, listed[0]["available_at"] == now,
    [f["role"] for f in listed[0]["files"]])
# On PostgreSQL the database writes the list's JSON; here selectors.leveranse and pydantic-core do.
import json
from digisos.exchange.selectors import delivery_listing_json, new_deliveries_json
((_, document),) = new_deliveries_json("4601", after=0, limit=5)
print("JSON", json.loads(document)["id"] == str(delivery.public_id), json.loads(document)["filer"][0]["rolle"],
    delivery_listing_json("4601", delivery.public_id) == document)
# The child-welfare case system's list as well: here selectors.bekymringsmelding and pydantic-core write it.
from digisos.concerns.models import ChildWelfareOffice, ConcernDeliveredFile, ConcernDelivery, ConcernReport
from digisos.concerns.selectors import available_listing_json
office = ChildWelfareOffice.objects.create(municipality_id="4601", bydelsnummer="09", bydelsnavn="Qs",
    channel="exchange", active=True)
report = ConcernReport.objects.create(kind="privat", status="sent", municipality_id="4601", office=office)
melding = ConcernDelivery.objects.create(report=report, office=office, channel="exchange", status="available",
    available_at=now.replace(microsecond=0))
ConcernDeliveredFile.objects.create(delivery=melding, role="json", filename="bekymringsmelding.json",
    content_type="application/json", size=1, storage_name="qs/2", key_id="k")
((_, document),) = available_listing_json("4601", after=0, limit=5)
print("CONCERN", json.loads(document)["id"] == str(report.id), json.loads(document)["filer"][0]["rolle"],
    json.loads(document)["tilgjengelig"] == now.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"))
"""
)


def test_the_innsyn_pages_and_the_deadline_reminder_work_on_the_quick_start_sqlite(tmp_path):
    env = quick_start_env(
        tmp_path,
        DIGISOS_ALLOWED_HOSTS="testserver",
    )
    result = run_script(SCRIPT, env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "digisos.sqlite3").exists()
    lines = findings(result.stdout)
    assert lines["STATUS"] == "200 200 200"
    assert lines["OFFICE"] == "True"
    assert lines["TASK"] == "True PAYMENT True"
    assert lines["NOTIFIED"] == "1"  # the request
    assert lines["REMINDED"] == "1"  # the deadline in two days
    assert lines["LISTED"] == "True True ['soknad.json']"
    assert lines["JSON"] == "True soknad.json True"
    assert lines["CONCERN"] == "True json True"
