"""The register ports' local adapters, chosen through the registry, and the pre-fill that never blocks."""

from datetime import date, timedelta

import pytest

from digisos.registers import registry
from digisos.registers.adapters.local import POPULATION_AS_OF, reported_month
from digisos.registers.ports import RegisterUnavailable
from digisos.registers.selectors import fetch_housing_allowance, fetch_prefill, fetch_taxable_income

KARI = "14839110090"


def pid(key: str) -> str:
    from digisos.registers.adapters.local import load_population

    return next(p["pid"] for p in load_population().values() if p["key"] == key)


def test_each_port_answers_from_the_demo_population():
    assert registry.krr().get_contact(KARI).mobile == "+4799999001"
    assert registry.kontoregister().get_account(KARI) == "12345678903"
    assert [e.employer_name for e in registry.aaregister().get_employments(KARI)] == ["Demo Kafé AS"]
    family = pid("familie-bergen")
    payments = registry.nav_utbetalinger().get_payments(family, since=date.today() - timedelta(days=40))
    assert [p.benefit for p in payments] == ["Barnetrygd"]
    assert payments[0].components[0].amount_nok == 3450
    allowance = registry.husbanken().get_housing_allowance(family, on=date.today())
    assert allowance.cases[0].status == "innvilget" and allowance.payments[0].amount_nok == 2100
    incomes = registry.skatteetaten().get_taxable_income(KARI, on=date(2026, 11, 23))
    assert incomes[0].gross_nok == 14200 and incomes[0].period_start == date(2026, 10, 1)


def test_payment_dates_keep_their_distance_from_today():
    family = pid("familie-bergen")
    payment = registry.nav_utbetalinger().get_payments(family, since=date.min)[0]
    assert date.today() - payment.date == POPULATION_AS_OF - date(2026, 11, 20)


def test_nav_payments_older_than_the_window_are_left_out():
    family = pid("familie-bergen")
    assert registry.nav_utbetalinger().get_payments(family, since=date.today() + timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 11, 23), date(2026, 10, 1), date(2026, 10, 31)),
        (date(2026, 11, 10), date(2026, 9, 1), date(2026, 9, 30)),
        (date(2026, 1, 5), date(2025, 11, 1), date(2025, 11, 30)),
    ],
)
def test_skatteetaten_reports_the_latest_complete_month(today, start, end):
    assert reported_month(today) == (start, end)


def test_failing_registers_raise_unavailable_and_prefill_records_it():
    with pytest.raises(RegisterUnavailable):
        registry.skatteetaten().get_taxable_income(pid("skatt-feiler"), on=date.today())
    with pytest.raises(RegisterUnavailable):
        registry.husbanken().get_housing_allowance(pid("husbanken-feiler"), on=date.today())
    assert fetch_taxable_income(pid("skatt-feiler"), today=date.today()) == {
        "status": "failed",
        "incomes": [],
    }
    assert fetch_housing_allowance(pid("husbanken-feiler"), today=date.today())["status"] == "failed"
    assert fetch_taxable_income(KARI, today=date.today())["status"] == "ok"


class Broken:
    def get_account(self, pid):
        raise ConnectionError("no route to host")


def test_prefill_carries_on_without_a_broken_register(settings):
    settings.REGISTER_ADAPTERS = {
        **settings.REGISTER_ADAPTERS,
        "kontoregister": "tests.registers.test_register_ports.Broken",
    }
    prefill = fetch_prefill(KARI, today=date.today())
    assert prefill["failed"] == ["kontoregister"]
    assert prefill["account"] is None
    assert prefill["mobile"] == "+4799999001" and prefill["person"]["given_name"] == "Kari"
    assert "pid" in prefill["person"]


def test_reserved_in_krr_means_no_phone_number(settings, tmp_path):
    import copy
    import json

    from digisos.registers.adapters.local import load_population

    personas = copy.deepcopy(list(load_population().values()))
    for persona in personas:
        persona["krr"]["reserved"] = True
    path = tmp_path / "population.json"
    path.write_text(json.dumps({"about": "", "personas": personas}), encoding="utf-8")
    settings.DEMO_POPULATION_FILE = path
    assert fetch_prefill(KARI, today=date.today())["mobile"] is None


def test_altinn_gives_the_kommunedirektor_the_agreement_right_on_the_municipality():
    from digisos.registers.ports import DIGISOS_AGREEMENT_RIGHT
    from digisos.registers.registry import altinn

    [right] = altinn().get_authorisations(pid("kommunedirektor-drammen"))
    assert (right.orgnr, right.organisation_form, right.kommunenummer) == ("910000012", "KOMM", "3301")
    assert right.right == DIGISOS_AGREEMENT_RIGHT
    assert altinn().get_authorisations(pid("kari-leier-oslo")) == []
