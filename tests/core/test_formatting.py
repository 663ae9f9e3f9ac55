"""One set of format helpers, per language (issue 17: "Format every date, amount, number and country per
language with one set of helpers")."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template, engines
from django.utils import translation

from digisos.core import formatting

MOMENT = datetime(2026, 11, 29, 8, 23, tzinfo=UTC)  # 09.23 in Oslo

CASES = {
    "nb": {
        "day_and_clock": "29. november 2026 09.23",
        "day": "29. november 2026",
        "day_and_time": "29. november 2026 kl. 09.23",
        "amount": "3\xa0450\xa0kr",
        "number": "12\xa0345,50",
        "country": ("Norge", "Polen"),
    },
    "nn": {
        "day_and_clock": "29. november 2026 09.23",
        "day": "29. november 2026",
        "day_and_time": "29. november 2026 kl. 09.23",
        "amount": "3\xa0450\xa0kr",
        "number": "12\xa0345,50",
        "country": ("Noreg", "Polen"),
    },
    "en": {
        "day_and_clock": "29 November 2026 09:23",
        "day": "29 November 2026",
        "day_and_time": "29 November 2026 at 09:23",
        "amount": "NOK 3,450",
        "number": "12,345.50",
        "country": ("Norway", "Poland"),
    },
}


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_helper_in_every_language(language):
    expected = CASES[language]
    with translation.override(language):
        assert formatting.day(date(2026, 11, 29)) == expected["day"]
        assert formatting.day("2026-11-29") == expected["day"]
        assert formatting.day_and_time(MOMENT) == expected["day_and_time"]
        assert formatting.formatters().day_and_clock(MOMENT) == expected["day_and_clock"]
        assert formatting.formatters().day_and_clock(None) == ""
        assert formatting.amount(3450) == expected["amount"]
        assert formatting.number(12345.5) == expected["number"]
        assert (formatting.country("NOR"), formatting.country("POL")) == expected["country"]
        assert formatting.amount(0) != ""  # 0 is an amount, not nothing
        assert formatting.amount(None) == ""


def test_phone_and_account_numbers_are_grouped():
    assert formatting.phone("91234567") == "912 34 567"
    assert formatting.phone("+4791234567") == "+47 912 34 567"
    assert formatting.phone("22334455") == "22 33 44 55"
    assert formatting.phone("11223344") == "11 22 33 44"
    assert formatting.phone("+46 70 123 45 67") == "+46 70 123 45 67"  # foreign: as written
    assert formatting.account("12345678903") == "1234 56 78903"
    assert formatting.account("1234.56.78903") == "1234 56 78903"
    assert formatting.account("IBAN?") == "IBAN?"


def test_unknown_country_code_is_shown_as_it_came():
    assert formatting.country("XXX") == "XXX"
    assert formatting.country(None) == ""


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_django_filters_and_the_jinja2_globals_are_the_same_helpers(language):
    django_template = Template(
        "{% load digisos_format %}{{ when|day_and_time }} {{ sum|amount }} {{ c|country }}"
    )
    jinja_template = engines["jinja2"].from_string(
        "{{ day_and_time(when) }} {{ sum|amount }} {{ country(c) }}"
    )
    context = {"when": MOMENT, "sum": 3450, "c": "POL"}
    with translation.override(language):
        from_django = django_template.render(Context(context))
        from_jinja = jinja_template.render(context)
    assert from_django == from_jinja
    assert CASES[language]["day_and_time"] in from_django


@pytest.mark.parametrize("language", formatting.LANGUAGES)
def test_a_local_time_is_written_as_day_and_time_writes_it(language):
    """`local_day_and_time` (for a list that converts each time once) gives `day_and_time`'s text."""
    from zoneinfo import ZoneInfo

    oslo = ZoneInfo("Europe/Oslo")
    shown = formatting.formatters(language)
    for moment in (datetime(2026, 11, 29, 8, 3, tzinfo=UTC), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)):
        local = moment.astimezone(oslo)
        assert shown.local_day_and_time(local) == shown.day_and_time(moment, oslo)


MONTH_AND_YEAR = {"nb": "oktober 2026", "nn": "oktober 2026", "en": "October 2026"}


@pytest.mark.parametrize("language", formatting.LANGUAGES)
def test_a_month_and_its_year_in_every_language(language):
    """ "oktober 2026" in bokmål and nynorsk (Norwegian writes month names small), "October 2026" in English:
    the one form every month heading, chart label and month choice shows (issue 17's bar)."""
    with translation.override(language):
        assert formatting.month_and_year(date(2026, 10, 1)) == MONTH_AND_YEAR[language]
        assert formatting.month_and_year("2026-10-31") == MONTH_AND_YEAR[language]
        # The last hour of October in Oslo is November in UTC: the month is the one shown in Oslo.
        assert (
            formatting.month_and_year(datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
            == {
                "nb": "november 2026",
                "nn": "november 2026",
                "en": "November 2026",
            }[language]
        )
        assert formatting.month_and_year(None) == ""
        nn_months = [formatting.formatters("nn").month_and_year(date(2026, m, 1)) for m in range(1, 13)]
    assert nn_months[0] == "januar 2026" and nn_months[11] == "desember 2026"
    assert formatting.formatters("en").month_and_year(date(2026, 5, 1)) == "May 2026"


@pytest.mark.parametrize("language", formatting.LANGUAGES)
def test_the_day_of_a_month_under_its_heading(language):
    """ "27." in Norwegian (the point makes it an ordinal, as "27. november"), "27" in English; "" for nothing."""
    shown = formatting.formatters(language)
    assert shown.day_of_month(date(2026, 11, 27)) == ("27" if language == "en" else "27.")
    assert shown.day_of_month(None) == ""


@pytest.mark.parametrize("language", formatting.LANGUAGES)
def test_month_and_year_is_a_django_filter_and_a_jinja2_global(language):
    django_template = Template("{% load digisos_format %}{{ m|month_and_year }}")
    jinja_template = engines["jinja2"].from_string("{{ month_and_year(m) }}|{{ m|month_and_year }}")
    with translation.override(language):
        assert django_template.render(Context({"m": date(2026, 10, 1)})) == MONTH_AND_YEAR[language]
        shown = MONTH_AND_YEAR[language]
        assert jinja_template.render({"m": date(2026, 10, 1)}) == f"{shown}|{shown}"


@pytest.mark.parametrize("language", formatting.LANGUAGES)
def test_numbers_and_amounts_are_rounded_not_cut(language):
    """Django's numberformat cuts the digits it does not show (12.349 became "12,34"): a number or an amount is
    rounded half up, as a person rounds (Språkrådet), to the decimals it shows."""
    shown = formatting.formatters(language)
    comma = "." if language == "en" else ","
    assert shown.number(12.349) == f"12{comma}35"
    assert shown.number(8.77, 1) == f"8{comma}8"
    assert shown.number(Decimal("2.25"), 1) == f"2{comma}3"
    assert shown.number(1234.6, 0) == ("1,235" if language == "en" else "1\xa0235")
    assert shown.number(-3.25, 1) == f"-3{comma}3"
    assert shown.amount(99.995) == ("NOK 100.00" if language == "en" else "100,00\xa0kr")


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_whole_number_is_grouped_as_djangos_numberformat_groups_it(language):
    """A whole number is written by Python's grouping, not numberformat: the same text for every sign, size and
    type of a whole value (int, float, Decimal), with the language's separator."""
    from django.utils import numberformat

    shown = formatting.formatters(language)
    values = [0, -0.0, 7, 12, 999, 1000, -1000, 3450, 3450.0, Decimal("3450.00"), -1234567, 10**15, 1e20]
    values += [
        sign * 10**power + offset for power in range(1, 10) for offset in (-1, 0, 1) for sign in (1, -1)
    ]
    for value in values:
        expected = numberformat.format(
            int(value),
            shown.decimal_separator,
            None,
            3,
            shown.grouping_separator,
            force_grouping=True,
            use_l10n=True,
        )
        assert shown.number(value) == expected, value
        assert shown.amount(value).replace("NOK ", "").replace("\xa0kr", "") == expected


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("zone", [None, "Europe/Oslo", "UTC", "America/New_York"])
def test_a_day_writer_writes_each_value_as_day_does(language, zone):
    """Formatters.day_writer (one call per value, for pages with many days) writes what `day` writes: an instant in
    the zone (the current one unless given; across midnight and summer time), a date as it is, a text, nothing."""
    from zoneinfo import ZoneInfo

    values = [
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # the next day in Oslo, summer time begins that night
        datetime(2026, 10, 24, 22, 59, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        date(2026, 2, 28),
        "2026-11-29",
        "2026-11-29T23:30:00+00:00",
        "",
        None,
        "not a date",
    ]
    with translation.override(language):
        formats = formatting.formatters()
        given = ZoneInfo(zone) if zone else None
        write = formats.day_writer(given)
        assert [write(value) for value in values] == [formats.day(value, given) for value in values]
