"""The exchange's services take ids, lock the row they change and refuse with domain exceptions that know
nothing of HTTP; only the API edge (exchange/api.py) and the inbox's views turn them into status codes or
form messages."""

import uuid

import pytest

from digisos.exchange import errors
from digisos.exchange.api import STATUS_OF
from digisos.exchange.models import Case, Delivery
from digisos.exchange.services.delivery import acknowledge
from digisos.exchange.services.reporting import report_case_events
from digisos.municipalities.models import ServiceConfiguration
from digisos.soker import builders
from digisos.soker.constants import SoknadsStatus
from tests.factories import CaseFactory, DeliveryFactory, case_system

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "document_settings")]


def received() -> dict:
    return builders.document(builders.soknads_status(SoknadsStatus.MOTTATT, at="2026-11-23T10:00:00.000Z"))


def test_every_domain_error_is_an_exchange_refusal_without_an_http_status():
    kinds = [
        errors.CaseNotFound,
        errors.InvalidReport,
        errors.OlderReport,
        errors.UpdatesNotEnabled,
        errors.UpdatesPaused,
        errors.ReceivingPaused,
        errors.DeliveryNotAvailable,
        errors.NotPdf,
        errors.LetterTooLarge,
        errors.LetterRefused,
        errors.LetterNotAllowed,
        errors.InvalidFodselsnummer,
    ]
    for kind in kinds:
        assert issubclass(kind, errors.ExchangeRefused)
        assert not hasattr(kind, "status"), kind
        assert kind in STATUS_OF, kind  # the API edge knows its status code


def test_reporting_on_an_unknown_case_or_another_municipalitys_case_is_case_not_found():
    case = CaseFactory()
    system = case_system("4601")

    with pytest.raises(errors.CaseNotFound):
        report_case_events(actor_id=system.pk, case_id=uuid.uuid4(), document=received())
    with pytest.raises(errors.CaseNotFound):
        report_case_events(actor_id=system.pk, case_id=case.id, kommunenummer="0301", document=received())

    result = report_case_events(
        actor_id=system.pk, case_id=case.id, kommunenummer="4601", document=received()
    )
    assert result.changed and Case.objects.get(pk=case.id).soker_sha256


def test_an_invalid_report_names_the_failing_path():
    case = CaseFactory()
    document = received()
    document["hendelser"][0]["status"] = "PÅ_VEI"

    with pytest.raises(errors.InvalidReport) as refused:
        report_case_events(actor_id=case_system("4601").pk, case_id=case.id, document=document)

    assert [v.path for v in refused.value.violations] == ["hendelser/0/status"]


def test_updates_not_enabled_and_paused_are_their_own_errors():
    case = CaseFactory()
    flags = ServiceConfiguration.objects.filter(pk=case.municipality_id)

    flags.update(can_update_status=False)
    with pytest.raises(errors.UpdatesNotEnabled):
        report_case_events(actor_id=case_system("4601").pk, case_id=case.id, document=received())

    flags.update(can_update_status=True, updates_temporarily_disabled=True)
    with pytest.raises(errors.UpdatesPaused):
        report_case_events(actor_id=case_system("4601").pk, case_id=case.id, document=received())


def test_acknowledging_takes_the_delivery_id_and_refuses_one_not_yet_available():
    delivery = DeliveryFactory()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.WAITING)

    with pytest.raises(errors.DeliveryNotAvailable):
        acknowledge(actor_id=case_system("4601").pk, delivery_id=delivery.pk)

    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.AVAILABLE)
    collected = acknowledge(actor_id=case_system("4601").pk, delivery_id=delivery.pk)
    assert collected.status == Delivery.Status.COLLECTED
