"""The exchange carries a concern report as one of its registered kinds of delivery: the exchange's sweep
retries it, its scopes are ones an operator can give a client, and acknowledging it runs its own hook (LEVERT)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from digisos.concerns.models import ChildWelfareOffice, ConcernDelivery
from digisos.exchange import delivery_kinds
from digisos.exchange.admin import ApiClientForm
from digisos.exchange.services.delivery import resume_deliveries
from tests.concerns.test_delivery import send, states

pytestmark = pytest.mark.django_db


def test_the_exchange_carries_applications_ettersendelser_and_concern_reports():
    kinds = {kind.name: kind for kind in delivery_kinds.registered()}
    assert set(kinds) == {"soknad", "ettersendelse", "bekymringsmelding"}
    concern = kinds["bekymringsmelding"]
    assert concern.model is ConcernDelivery
    assert set(concern.scopes) == {"bekymringsmelding:collect", "bekymringsmelding:send"}
    assert concern.files == ("bekymringsmelding.json", "bekymringsmelding.pdf", "ASiC-E")
    assert concern.states[0] == "AKSEPTERT" and concern.states[-1] == "LEVERT"
    assert concern.flow == ConcernDelivery.FLOW
    assert "exchange:collect" in kinds["soknad"].scopes


def test_a_failed_concern_delivery_is_retried_by_the_exchanges_sweep(citizen_of, offices, bergen_key):
    # Tromsø's office has no certificate yet: the first attempt fails and waits for its next attempt.
    report = send(citizen_of, "5501")
    delivery = ConcernDelivery.objects.get(report=report)
    assert delivery.status == ConcernDelivery.Status.WAITING
    pem = ChildWelfareOffice.objects.filter(municipality_id="4601").first().certificate_pem
    ChildWelfareOffice.objects.filter(pk=delivery.office_id).update(certificate_pem=pem)
    ConcernDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    assert resume_deliveries() == 1  # the immediate task backend delivers it at once

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (ConcernDelivery.Status.AVAILABLE, 2)
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM"]


def test_an_operator_can_give_a_child_welfare_case_system_the_concern_scopes():
    form = ApiClientForm(data={"scopes": "bekymringsmelding:collect"})
    form.is_valid()
    assert "scopes" not in form.errors
    form = ApiClientForm(data={"scopes": "barnevern:alt"})
    form.is_valid()
    assert "scopes" in form.errors


def test_acknowledging_through_the_exchange_runs_the_kinds_hook(citizen_of, bergen_key):
    report = send(citizen_of, "4601")
    delivery = ConcernDelivery.objects.get(report=report)
    delivery_kinds.acknowledge("bekymringsmelding", delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == ConcernDelivery.Status.COLLECTED
    assert states(report) == ["AKSEPTERT", "SENDT_FAGSYSTEM", "LEVERT"]
