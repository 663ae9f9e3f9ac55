"""Child-welfare offices per municipality (KS's bydel model) and the KS delivery states in their order."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from digisos.concerns.models import ChildWelfareOffice, ConcernReport, ConcernState
from digisos.concerns.selectors import receiving_office, reception_of
from digisos.concerns.services import ReportRefused, StateRefused, record_state, start_report
from digisos.municipalities.models import Municipality

pytestmark = pytest.mark.django_db
State = ConcernState.State


def test_demo_configuration_activates_bergen_tromso_oslo_but_not_trondheim(offices):
    assert (
        reception_of("4601").activated and reception_of("5501").activated and reception_of("0301").activated
    )
    trondheim = reception_of("5001")
    assert not trondheim.activated and trondheim.offices == []
    assert trondheim.contact.postal_address and trondheim.barnevernvakt_phone == "72 54 69 00"
    assert reception_of("3301").activated is False and reception_of("3301").contact is None
    assert reception_of("9999") is None


def test_each_municipality_has_at_most_one_standard_receiver(offices):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildWelfareOffice.objects.create(
            municipality_id="0301", bydelsnummer="05", bydelsnavn="Bydel Grünerløkka", standard_receiver=True
        )


def test_an_unknown_or_inactive_district_goes_to_the_standard_receiver(offices):
    assert receiving_office("0301", "03").bydelsnavn == "Bydel Sagene"
    assert receiving_office("0301", "").standard_receiver
    assert receiving_office("0301", "42").standard_receiver
    ChildWelfareOffice.objects.filter(municipality_id="0301", bydelsnummer="03").update(active=False)
    assert receiving_office("0301", "03").standard_receiver
    assert receiving_office("5001") is None


def test_a_report_cannot_start_where_the_service_is_not_activated(offices, citizen_of):
    with pytest.raises(ReportRefused) as refused:
        start_report(
            user=citizen_of("ola-student-trondheim"),
            kind="privat",
            municipality=Municipality.objects.get(pk="5001"),
        )
    assert refused.value.reason == "not_activated"


def _sent_report(citizen_of) -> ConcernReport:
    report = start_report(
        user=citizen_of("familie-bergen"), kind="privat", municipality=Municipality.objects.get(pk="4601")
    )
    report.status = ConcernReport.Status.SENT
    report.save()
    return report


def test_states_follow_ks_order_with_their_times(offices, citizen_of):
    report = _sent_report(citizen_of)
    start = timezone.now()
    for minutes, state in enumerate(
        [State.AKSEPTERT, State.SENDT_FAGSYSTEM, State.AVVIST_FAGSYSTEM, State.SENDT_PRINT, State.LEVERT]
    ):
        record_state(report, state, at=start + timedelta(minutes=minutes))
    history = list(report.states.values_list("state", "at"))
    assert [state for state, _ in history] == [
        "AKSEPTERT",
        "SENDT_FAGSYSTEM",
        "AVVIST_FAGSYSTEM",
        "SENDT_PRINT",
        "LEVERT",
    ]
    assert history[-1][1] == start + timedelta(minutes=4)
    report.refresh_from_db()
    assert report.acknowledged_at == start + timedelta(minutes=4)
    assert report.current_state.state == State.LEVERT


@pytest.mark.parametrize(
    ("before", "refused"),
    [
        ([], State.SENDT_FAGSYSTEM),  # AKSEPTERT is always first
        ([State.AKSEPTERT], State.LEVERT),  # SENDT_FAGSYSTEM is always second
        ([State.AKSEPTERT, State.SENDT_FAGSYSTEM, State.LEVERT], State.SENDT_PRINT),  # LEVERT is always last
        ([State.AKSEPTERT, State.SENDT_FAGSYSTEM, State.AVVIST_FAGSYSTEM], State.LEVERT),  # refused → print
        ([State.AKSEPTERT], State.AKSEPTERT),  # each state once
    ],
)
def test_a_state_out_of_order_is_refused(offices, citizen_of, before, refused):
    report = _sent_report(citizen_of)
    for state in before:
        record_state(report, state)
    with pytest.raises(StateRefused):
        record_state(report, refused)
    assert report.states.count() == len(before)


def test_acknowledged_directly_after_the_case_system_got_it(offices, citizen_of):
    report = _sent_report(citizen_of)
    for state in (State.AKSEPTERT, State.SENDT_FAGSYSTEM, State.LEVERT):
        record_state(report, state)
    assert report.acknowledged_at is not None


def test_the_quick_start_command_connects_the_case_system_offices(reference_data, settings, tmp_path):
    from django.core.management import call_command

    from digisos.exchange.models import ApiClient

    settings.VAR_DIR = tmp_path
    call_command("load_demo_child_welfare_offices", verbosity=0)
    call_command("load_demo_child_welfare_offices", verbosity=0)  # again: nothing doubles
    bergen = ChildWelfareOffice.objects.get(municipality_id="4601")
    assert bergen.certificate_pem.startswith("-----BEGIN CERTIFICATE")
    assert (tmp_path / "barnevern" / "4601" / "mottak.pem").exists()
    assert ApiClient.objects.get(client_id="demo-barnevern-4601").scopes == "bekymringsmelding:collect"
    assert not ChildWelfareOffice.objects.get(municipality_id="0301", bydelsnummer="00").certificate_pem
    assert ChildWelfareOffice.objects.filter(municipality_id="0301").count() == 3
