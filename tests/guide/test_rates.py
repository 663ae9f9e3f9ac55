"""The guideline for living costs against hand-computed sums from the source tables (A-3/2023 for 2024, its
bracketed figures for 1 July 2023, A-1/2022), for households of several shapes."""

from datetime import date

import pytest

from digisos.guide.rates import Children, guideline, rate_tables, table_in_force

A_3_2023 = "Rundskriv A-3/2023"


@pytest.mark.parametrize(
    ("household", "children", "today", "adults", "for_children", "total"),
    [
        # 2024 (A-3/2023): single 7 850, couple 13 100, shared 6 600; children 3 850 / 3 950 / 5 150.
        ("single", Children(), date(2024, 3, 1), 7850, 0, 7850),
        ("couple", Children(aged_0_5=1, aged_6_10=1), date(2024, 3, 1), 13100, 3850 + 3950, 20900),
        ("single", Children(aged_11_17=1), date(2024, 12, 31), 7850, 5150, 13000),
        ("shared", Children(), date(2024, 6, 1), 6600, 0, 6600),
        ("couple", Children(aged_0_5=1, aged_11_17=2), date(2024, 6, 1), 13100, 3850 + 2 * 5150, 27250),
        ("single", Children(aged_0_5=2, aged_6_10=1, aged_11_17=1), date(2024, 6, 1), 7850, 16800, 24650),
        # 1 July 2023: single 7 550, couple 12 600; children 3 700 / 3 800 / 4 950.
        ("couple", Children(aged_6_10=2), date(2023, 9, 1), 12600, 7600, 20200),
        # 1 July 2022 (A-1/2022): single 6 650; child 11–17 4 400.
        ("single", Children(aged_11_17=1), date(2023, 6, 30), 6650, 4400, 11050),
    ],
)
def test_the_guideline_for_a_household(household, children, today, adults, for_children, total):
    result = guideline(household, children, today)
    assert (result.adults, result.children, result.total) == (adults, for_children, total)


def test_without_this_years_rates_the_newest_are_shown_and_flagged():
    result = guideline("single", Children(), date(2026, 11, 29))
    assert result.table.valid_from == date(2024, 1, 1) and result.table.source == A_3_2023
    assert result.current_year_missing and result.year == 2026
    assert not guideline("single", Children(), date(2024, 2, 1)).current_year_missing


def test_every_table_has_its_source_and_the_newest_is_from_the_rundskriv():
    tables = rate_tables()
    assert all(table.source and table.url.startswith("https://") for table in tables)
    assert tables[-1].source == A_3_2023
    assert table_in_force(date(2018, 5, 1)) == tables[0]
