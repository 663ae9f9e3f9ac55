"""The statistics on the quick start's SQLite (`make run`): the read model's JSON parts come back as lists and
dicts there too, and the rebuild, the page and the API work (see tests/core/test_quick_start_database.py)."""

from tests.fixtures.quick_start import PREAMBLE, findings, quick_start_env, run_script

SCRIPT = (
    PREAMBLE
    + """
from datetime import timedelta
from django.test import Client, override_settings
from django.utils import timezone
from digisos.exchange.models import Case
from digisos.exchange.services.clients import register_client
from digisos.exchange.services.delivery import create_paper_case
from digisos.exchange.services.reporting import report_case_events
from digisos.insights import services
from digisos.insights.models import Published
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from tests.fixtures.personas import persona_pid

now = timezone.now()
system = register_client(kommunenummer="4601", name="t", public_key_pem="x", client_id="qs").user
with override_settings(ALLOW_SYNTHETIC_IDENTITY_NUMBERS=True):
    case = create_paper_case(actor_id=system.pk, kommunenummer="4601", fodselsnummer=persona_pid("familie-bergen"))
document = builders.document(builders.soknads_status(SoknadsStatus.MOTTATT, at=now - timedelta(hours=3)))
report_case_events(actor_id=system.pk, case_id=case.id, document=document)
row = Case.objects.filter(pk=case.pk).values_list(
    "state__statistics_view__timeline",
    "state__statistics_view__preliminary_answer",
    "state__statistics_view__tasks",
    "state__decisions",
).get()
print("TYPES", [type(part).__name__ for part in row])
services.rebuild()
services.update()
month = Published.objects.filter(level="municipality", area="4601", figure="paper").get()
print("PAPER", month.value, month.suppressed)
protected = services.protect_analysts()  # the analysts' job on SQLite: the snapshot read, protected, stored
print("ANALYSTS", protected.get("skipped", False), protected["weeks"] > 0)


def tables():
    import json
    from digisos.insights.models import Cell
    cells = {(c.grain, c.area, str(c.period), json.dumps(c.data, sort_keys=True)) for c in Cell.objects.all()}
    return cells, set(Published.objects.values_list("grain", "level", "area", "period", "figure", "value"))


# The update's difference path on SQLite: a case moved to another municipality, then deleted.
Case.objects.filter(pk=case.pk).update(municipality_id="0301", updated_at=timezone.now())
services.update()
moved = tables()
services.rebuild()
print("MOVED", moved == tables(), any(area == "0301" for _, area, _, _ in moved[0]))
Case.objects.filter(pk=case.pk).delete()
services.update()
deleted = tables()
services.rebuild()
print("DELETED", deleted == tables(), len(deleted[0]))
client = Client()
print("PAGES", client.get("/statistikk/?kommune=4601").status_code,
      client.get("/api/public/v1/statistikk/?niva=kommune&kode=4601").status_code,
      client.get("/api/public/v1/statistikk/csv").status_code)
"""
)


def test_the_statistics_work_on_the_quick_start_sqlite(tmp_path):
    env = quick_start_env(
        tmp_path,
        DIGISOS_ALLOWED_HOSTS="testserver",
    )
    result = run_script(SCRIPT, env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = findings(result.stdout)
    assert lines["TYPES"] == "['list', 'NoneType', 'list', 'list']"
    assert lines["PAPER"] == "None under5"
    assert lines["ANALYSTS"] == "False True"
    assert lines["PAGES"] == "200 200 200"
    assert lines["MOVED"] == "True True"
    assert lines["DELETED"] == "True 0"
