"""The simulator plays Bergen's child-welfare case system over HTTP: it collects a sent report, finds exactly
the two files in the ASiC-E, checks its signature, and acknowledges it, so the reporter sees it delivered."""

import pytest

from digisos.concerns.models import ChildWelfareOffice, ConcernReport
from digisos.concerns.services import apply_demo_child_welfare_offices, start_report, submit_report
from digisos.exchange.keys import generate_municipality_keys
from digisos.exchange.services.clients import register_client
from digisos.municipalities.models import Municipality
from digisos_simulator.barnevern import BarnevernClient, collect_reports

pytestmark = pytest.mark.django_db(transaction=True)
ANSWERS = {
    "melder": {},
    "barn": [{"personnavn": "Mia", "adresselinje1": "Storgata 1"}],
    "foresatte": [],
    "melding": {"melding": "Hun er alene hjemme om kveldene."},
}


@pytest.mark.parametrize("outcome", ["ok", "fail", "untrusted"])
def test_the_simulator_collects_and_acknowledges(
    live_server, municipalities_loaded, concern_storage, tmp_path, settings, outcome
):
    from tests.fixtures.personas import citizen

    apply_demo_child_welfare_offices()
    certificate, public = generate_municipality_keys(tmp_path / "4601")
    ChildWelfareOffice.objects.filter(municipality_id="4601").update(certificate_pem=certificate.read_text())
    register_client(
        kommunenummer="4601",
        name="Barnevern Bergen",
        public_key_pem=public.read_text(),
        client_id="demo-barnevern-4601",
        scopes="bekymringsmelding:collect",
    )
    report = start_report(
        user=citizen("familie-bergen"), kind="privat", municipality=Municipality.objects.get(pk="4601")
    )
    report = submit_report(report=report, answers=ANSWERS)
    client = BarnevernClient(
        base_url=live_server.url,
        client_id="demo-barnevern-4601",
        client_key_pem=(tmp_path / "4601" / "klient.pem").read_bytes(),
        log=lambda _: None,
    )
    if outcome == "untrusted":  # the case system trusts another authority than the one that sealed it
        settings.ONBOARDING_SIGNING = {**settings.ONBOARDING_SIGNING, "CA_DIR": str(tmp_path / "other-ca")}
    key = (tmp_path / "4601" / "mottak.pem").read_bytes()
    (collected,) = collect_reports(client, key, fail=outcome == "fail")
    assert collected.document == ConcernReport.objects.get(pk=report.pk).content
    last = ConcernReport.objects.get(pk=report.pk).states.last().state
    assert last == ("LEVERT" if outcome == "ok" else "AVVIST_FAGSYSTEM")
    assert collect_reports(client, (tmp_path / "4601" / "mottak.pem").read_bytes()) == []
