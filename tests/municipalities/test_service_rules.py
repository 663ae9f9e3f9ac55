"""The two rules of a municipality's service flags, in their one home (ServiceConfiguration), and every reader
that decides by them: the public status, sending an application or documents, case reports, innsyn.

A municipality accepts applications (and documents) when it can receive them and receiving is not paused;
it shows status (innsyn) when it can update status and updates are not paused. Each of the 16 combinations of
the four flags is checked against every reader.
"""

from itertools import product

import pytest

from digisos.exchange.errors import ExchangeRefused
from digisos.exchange.services.delivery import _check_can_receive
from digisos.exchange.services.reporting import check_can_update
from digisos.innsyn.selectors import Visibility
from digisos.municipalities.models import (
    Municipality,
    ServiceConfiguration,
    accepts_applications_q,
    shows_status_q,
)
from digisos.municipalities.selectors import digital_status

FLAGS = (
    "can_receive_applications",
    "receiving_temporarily_disabled",
    "can_update_status",
    "updates_temporarily_disabled",
)
COMBINATIONS = [dict(zip(FLAGS, values, strict=True)) for values in product([True, False], repeat=4)]


def _id(flags: dict[str, bool]) -> str:
    return "-".join(f"{name}={int(value)}" for name, value in flags.items())


def expected(flags: dict[str, bool]) -> tuple[bool, bool]:
    accepts = flags["can_receive_applications"] and not flags["receiving_temporarily_disabled"]
    shows = flags["can_update_status"] and not flags["updates_temporarily_disabled"]
    return accepts, shows


@pytest.mark.parametrize("flags", COMBINATIONS, ids=_id)
def test_the_rules_on_the_configuration(flags):
    configuration = ServiceConfiguration(**flags)
    assert (configuration.accepts_applications, configuration.shows_status) == expected(flags)


@pytest.mark.django_db
@pytest.mark.parametrize("flags", COMBINATIONS, ids=_id)
def test_every_reader_follows_the_rules(reference_data, flags):
    accepts, shows = expected(flags)
    ServiceConfiguration.objects.filter(pk="0301").update(**flags)

    # The same rules as filters, on the configuration and through a relation.
    assert ServiceConfiguration.objects.accepting_applications().filter(pk="0301").exists() == accepts
    assert ServiceConfiguration.objects.showing_status().filter(pk="0301").exists() == shows
    oslo = Municipality.objects.filter(pk="0301")
    assert oslo.filter(accepts_applications_q("service")).exists() == accepts
    assert oslo.filter(shows_status_q("service")).exists() == shows

    municipality = Municipality.objects.select_related("service").get(pk="0301")
    assert (municipality.accepts_applications, municipality.shows_status) == (accepts, shows)

    # The public answer (the start page, the receipt, the send check and KommuneInfo read it).
    status = digital_status("0301")
    assert (status.accepts_applications, status.shows_status) == (accepts, shows)
    assert (status.outcome == "digital_with_innsyn") == (accepts and shows)

    # Innsyn: what the applicant sees and may send.
    visibility = Visibility.of(municipality)
    assert (visibility.can_send_documents, visibility.shows_case) == (accepts, shows)

    # The exchange: documents are refused unless accepted, reports unless status is shown.
    _assert_refused(lambda: _check_can_receive("0301"), refused=not accepts, code="receiving_disabled")
    paused = flags["can_update_status"] and flags["updates_temporarily_disabled"]
    _assert_refused(
        lambda: check_can_update("0301"),
        refused=not shows,
        code="updates_temporarily_disabled" if paused else "updates_not_enabled",
    )


@pytest.mark.django_db
def test_a_municipality_without_a_configuration_offers_nothing(reference_data):
    ServiceConfiguration.objects.filter(pk="0301").delete()
    municipality = Municipality.objects.select_related("service").get(pk="0301")

    assert not municipality.accepts_applications and not municipality.shows_status
    assert not Municipality.objects.filter(pk="0301").filter(accepts_applications_q("service")).exists()
    _assert_refused(lambda: _check_can_receive("0301"), refused=True, code="receiving_disabled")
    _assert_refused(lambda: check_can_update("0301"), refused=True, code="updates_not_enabled")


def _assert_refused(call, *, refused: bool, code: str) -> None:
    if not refused:
        call()
        return
    with pytest.raises(ExchangeRefused) as raised:
        call()
    assert raised.value.code == code
