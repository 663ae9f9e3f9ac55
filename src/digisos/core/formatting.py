"""One set of format helpers for the citizen's pages, per language (nb, nn, en): dates, date-times, amounts,
numbers, countries, phone numbers and account numbers.

Norwegian pages write "29. november 2026 kl. 09.23", "november 2026" and "3 450 kr" (as NAV writes amounts, a
no-break space between the groups and before "kr"); English pages "29 November 2026 at 09:23", "November 2026"
and "NOK 3,450". Every page shows a month, a date or an amount through these, never through its own month names,
`|date:"F Y"`, strftime or a " kr" of its own (tests/core/test_formats_through_core.py looks for those).
Citizenship is a country name in the page's language (CLDR's, through Babel), not "NOR".
Phone numbers are grouped as Språkrådet writes them ("912 34 567" for mobiles, "22 33 44 55" otherwise) and
account numbers as banks print them ("1234 56 78903").

Every helper reads the active language. A page with many values (innsyn's history and payments) takes
`formatters()` once and calls its members: the month names, separators and time zone are looked up once per
language and page, not at every value. Templates use the filters in core/templatetags/digisos_format.py, the
Jinja2 fragments the same functions as globals (core/jinja2.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from babel import Locale
from babel.core import get_global
from django.utils import numberformat, timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language, override

Number = int | float | Decimal

# The page languages and the CLDR locale that names countries in each.
LANGUAGES = ("nb", "nn", "en")
_CLDR = {"nb": "nb", "nn": "nn", "en": "en"}


def _language(language: str | None = None) -> str:
    code = (language or get_language() or "nb").split("-")[0].lower()
    return code if code in LANGUAGES else "nb"


@dataclass(frozen=True)
class Formatters:
    """The helpers of one language, with what they need looked up once."""

    language: str
    english: bool  # a field, not a property: read at every date of a long page
    months: dict[int, str]
    grouping_separator: str
    decimal_separator: str
    date_and_time: str  # "%(date)s kl. %(time)s"
    countries: dict[str, str]

    def day(self, value: date | datetime | str | None, zone: tzinfo | None = None) -> str:
        """ "29. november 2026" (nb, nn), "29 November 2026" (en); "" for nothing."""
        value = _local_date(value, zone)
        if value is None:
            return ""
        if self.english:
            return f"{value.day} {self.months[value.month]} {value.year}"
        return f"{value.day}. {self.months[value.month]} {value.year}"

    def day_writer(self, zone: tzinfo | None = None) -> Callable[[date | datetime | str | None], str]:
        """`day` for a page that writes many days (the person overview's some 80): one call per value instead of
        three, the time zone (the current one unless given) looked up once. A datetime is written in that zone,
        a date as it is; anything else (a text, None) goes through `day`."""
        zone = zone or timezone.get_current_timezone()
        months, day = self.months, self.day
        after_day = " " if self.english else ". "  # "23 November 2026", "23. november 2026"

        def write(value: date | datetime | str | None) -> str:
            if isinstance(value, datetime):
                value = value.astimezone(zone)
            elif not isinstance(value, date):
                return day(value, zone)
            return f"{value.day}{after_day}{months[value.month]} {value.year}"

        return write

    def month_and_year(self, value: date | datetime | str | None, zone: tzinfo | None = None) -> str:
        """ "oktober 2026" (nb, nn: a month name is written small in Norwegian, also in nynorsk), "October 2026"
        (en); "" for nothing. A heading that starts with it capitalises its first letter itself."""
        value = _local_date(value, zone)
        if value is None:
            return ""
        return f"{self.months[value.month]} {value.year}"

    def day_of_month(self, value: date | None) -> str:
        """ "27." (nb, nn: the point makes the number an ordinal, as in "27. november"), "27" (en); "" for nothing.
        For a day listed under its month's heading (innsyn's payments), where the month is said once."""
        if value is None:
            return ""
        return str(value.day) if self.english else f"{value.day}."

    def time(self, value: datetime, zone: tzinfo | None = None) -> str:
        """ "09.23" (nb, nn, as Språkrådet writes the time), "09:23" (en)."""
        local = value.astimezone(zone or timezone.get_current_timezone())
        return f"{local:%H:%M}" if self.english else f"{local:%H.%M}"

    def day_and_time(self, value: datetime | str | None, zone: tzinfo | None = None) -> str:
        """ "29. november 2026 kl. 09.23", "29 November 2026 at 09:23"."""
        value = _as_date_or_datetime(value)
        if value is None:
            return ""
        if not isinstance(value, datetime):
            return self.day(value)
        zone = zone or timezone.get_current_timezone()
        return self.date_and_time % {"date": self.day(value, zone), "time": self.time(value, zone)}

    def day_and_clock(self, value: datetime | None, zone: tzinfo | None = None) -> str:
        """ "3. mars 2026 14.05" (nb, nn), "3 March 2026 14:05" (en): the day and the time without "kl."/"at",
        for a list whose every row has one (the follow-up's work queues); "" for nothing."""
        if value is None:
            return ""
        local = value.astimezone(zone or timezone.get_current_timezone())
        if self.english:
            return f"{local.day} {self.months[local.month]} {local.year} {local.hour:02}:{local.minute:02}"
        return f"{local.day}. {self.months[local.month]} {local.year} {local.hour:02}.{local.minute:02}"

    def local_day_and_time(self, local: datetime) -> str:
        """`day_and_time` of a time already in the zone it is shown in, without a conversion or a parse: for a
        list that converts each of its times once and shows it twice (the ISO text and the words)."""
        if self.english:
            day, time = (
                f"{local.day} {self.months[local.month]} {local.year}",
                f"{local.hour:02}:{local.minute:02}",
            )
        else:
            day, time = (
                f"{local.day}. {self.months[local.month]} {local.year}",
                f"{local.hour:02}.{local.minute:02}",
            )
        return self.date_and_time % {"date": day, "time": time}

    def number(self, value: Number | str | None, decimals: int | None = None) -> str:
        """ "3 450", "12,50" (nb, nn; a no-break space between groups), "3,450", "12.50" (en)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            try:
                value = Decimal(value.replace(" ", "").replace("\xa0", "").replace(",", "."))
            except ArithmeticError:
                return value
        if decimals is None:
            if float(value).is_integer():
                # A whole number (most amounts) grouped by Python's own formatting: what numberformat writes for an
                # int ("-1 234"), without its settings lookups and string slicing (a month's timeline is 24).
                return f"{int(value):,}".replace(",", self.grouping_separator)
            decimals = 2
        # Rounded half up to the decimals shown: numberformat cuts the rest off (12.349 was "12,34"). Through str()
        # so that a float is rounded as it is written (99.995), not as it is stored (99.99499…).
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return numberformat.format(
            value,
            self.decimal_separator,
            decimals,
            3,
            self.grouping_separator,
            force_grouping=True,
            use_l10n=True,
        )

    def amount(self, value: Number | str | None) -> str:
        """ "3 450 kr" (nb, nn), "NOK 3,450" (en); "" for nothing, "0 kr" for nought."""
        shown = self.number(value)
        if not shown:
            return ""
        return f"NOK {shown}" if self.english else f"{shown}\xa0kr"

    def country(self, code: str | None) -> str:
        """The country's name in the page's language, from an ISO 3166 code of three letters (as the
        Folkeregister gives citizenship: "NOR", "POL") or two; an unknown code is shown as it came."""
        if not code:
            return ""
        code = code.upper()
        name = code
        if len(code) == 3:
            name = (get_global("territory_aliases").get(code) or [code])[0]
        return self.countries.get(name, code)


@cache
def _formatters(language: str) -> Formatters:
    with override(language):
        months = {number: str(name) for number, name in MONTHS.items()}
        if language != "en":
            months = {number: name.lower() for number, name in months.items()}
    english = language == "en"
    return Formatters(
        language=language,
        english=english,
        months=months,
        grouping_separator="," if english else "\xa0",
        decimal_separator="." if english else ",",
        # A pattern of the language, like CLDR's, not a text to translate: "kl." is how Norwegian writes it.
        date_and_time="%(date)s at %(time)s" if english else "%(date)s kl. %(time)s",
        countries=dict(Locale.parse(_CLDR[language]).territories),
    )


def formatters(language: str | None = None) -> Formatters:
    """The active language's helpers (or `language`'s), made once per language and process."""
    return _formatters(_language(language))


def _local_date(value: date | datetime | str | None, zone: tzinfo | None = None) -> date | datetime | None:
    """A day or an instant (in `zone`, the current time zone unless given) to write a day or month of; None for
    nothing."""
    # The common case first, without a parse: innsyn writes every date of a year's history through this.
    if isinstance(value, datetime):
        return value.astimezone(zone or timezone.get_current_timezone())
    if not isinstance(value, date):
        value = _as_date_or_datetime(value)
        if isinstance(value, datetime):
            return value.astimezone(zone or timezone.get_current_timezone())
    return value


def _as_date_or_datetime(value: date | datetime | str | None) -> date | datetime | None:
    # Answers and register facts keep dates as ISO strings ("2026-11-29"); pages show them as dates.
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if ("T" in value or " " in value.strip()) else parsed.date()
    return value


def day(value: date | datetime | str | None) -> str:
    return formatters().day(value)


def day_and_time(value: datetime | str | None) -> str:
    return formatters().day_and_time(value)


def month_and_year(value: date | datetime | str | None) -> str:
    return formatters().month_and_year(value)


def number(value: Number | str | None) -> str:
    return formatters().number(value)


def amount(value: Number | str | None) -> str:
    return formatters().amount(value)


def country(code: str | None) -> str:
    return formatters().country(code)


_NOT_DIGITS = re.compile(r"\D")


def phone(value: str | None) -> str:
    """ "912 34 567" for a Norwegian mobile (starts with 4 or 9), "22 33 44 55" for other Norwegian numbers,
    with "+47 " kept when it was written; other numbers as they came."""
    if not value:
        return ""
    digits = _NOT_DIGITS.sub("", value)
    prefix = ""
    if value.strip().startswith("+47") and len(digits) == 10:
        prefix, digits = "+47 ", digits[2:]
    elif value.strip().startswith("0047") and len(digits) == 12:
        prefix, digits = "+47 ", digits[4:]
    if len(digits) != 8:
        return value
    if digits[0] in "49":
        return f"{prefix}{digits[:3]} {digits[3:5]} {digits[5:]}"
    return f"{prefix}{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


def account(value: str | None) -> str:
    """A Norwegian account number as banks print it: "1234 56 78903"; anything else as it came."""
    if not value:
        return ""
    digits = _NOT_DIGITS.sub("", value)
    if len(digits) != 11:
        return value
    return f"{digits[:4]} {digits[4:6]} {digits[6:]}"


# The helpers by the names templates use (the Django filters and the Jinja2 globals).
HELPERS: dict[str, Callable[..., Any]] = {
    "day": day,
    "day_and_time": day_and_time,
    "month_and_year": month_and_year,
    "number": number,
    "amount": amount,
    "country": country,
    "phone": phone,
    "account": account,
}
