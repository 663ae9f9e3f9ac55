"""The person overview writes its months and amounts as core/formatting.py does, in bokmål, nynorsk and English:
"oktober 2026" / "October 2026", "5 250 kr" (no-break spaces) / "NOK 5,250". The fragment wrote "N kr" itself,
so an English page showed "5,250 kr" where every other English page shows "NOK 5,250"."""

from datetime import date

import pytest
from django.utils import translation

from digisos.followup import selectors as s
from digisos.followup.forms import PersonLookupForm
from digisos.followup.views import _overview_context, _page_html
from digisos.registers.ports import HousingAllowanceCase, HousingAllowancePayment, NavPayment

SHOWN = {
    "nb": ("oktober 2026", "5\xa0250\xa0kr", "3\xa0450\xa0kr", "2\xa0100\xa0kr"),
    "nn": ("oktober 2026", "5\xa0250\xa0kr", "3\xa0450\xa0kr", "2\xa0100\xa0kr"),
    "en": ("October 2026", "NOK 5,250", "NOK 3,450", "NOK 2,100"),
}


def overview() -> s.PersonOverview:
    shown = s.PersonOverview(cases=[], panel=s.Panel("Kildesystemet", "§ 17"))
    shown.months = [s.MonthRow(date(2026, 10, 1), 5250.0, 100.0)]
    shown.payments = [s.PaymentRow("Søknad A", date(2026, 10, 5), 5250.0, "UTBETALT", "", "", "")]
    shown.registers = [
        s.RegisterPanel(
            "nav_payments", "Nav", "Nav", "§ 16", [NavPayment(date(2026, 10, 20), 3450, "Barnetrygd")]
        ),
        s.RegisterPanel(
            "housing_allowance",
            "Bostøtte",
            "Husbanken",
            "samtykke",
            s.HousingAllowanceRows(
                [HousingAllowanceCase("BS-1", "Aktiv", 2100)],
                [HousingAllowancePayment(date(2026, 10, 1), 3450)],
            ),
        ),
    ]
    return shown


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</section>")[0]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_overview_shows_months_and_amounts_as_core_writes_them(rf, language):
    month, amount, register_amount, monthly = SHOWN[language]
    with translation.override(language):
        page = {"is_nks": False, "denied": None, **_overview_context(overview(), "010101*****")}
        html = _page_html(rf.get("/"), PersonLookupForm(), page)

    months = section(html, "panel-months")
    assert f"<title>{month}: {amount}</title>" in months  # the chart's bar
    assert f'<th scope="row" class="aksel-table__data-cell">{month}</th>' in months
    assert f'<td class="aksel-table__data-cell">{amount}</td>' in months
    assert f'<td class="aksel-table__data-cell">{amount}</td>' in section(html, "panel-payments")
    assert f'<td class="aksel-table__data-cell">{register_amount}</td>' in section(
        html, "register-nav_payments"
    )
    housing = section(html, "register-housing_allowance")
    # The bostøtte case's sentence ("Sak BS-1: Aktiv, 2 100 kr i måneden") takes core's amount whole.
    assert (
        f"BS-1: Aktiv, {monthly} " in housing
        and f'<td class="aksel-table__data-cell">{register_amount}</td>' in housing
    )
    assert " kr<" not in html  # no amount of the fragment's own (with an ordinary space)
