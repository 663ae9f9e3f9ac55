"""Every month, date and amount a person sees is written by core/formatting.py, per language ("oktober 2026",
"29. november 2026", "5 250 kr"; "October 2026", "29 November 2026", "NOK 5,250"). Five places had month names
of their own, and the follow-up overview, the guide, innsyn and the inbox wrote "N kr" or "N kroner" themselves
(English "5,250 kr" where core writes "NOK 5,250"). This looks for the ways that happened, so that a new page
does not start again.

The PDFs sent to the municipality (exchange/pdf.py, application/pdf.py, concerns/pdf.py, onboarding/agreements.py)
are rendered in bokmål whatever the page's language, through the same helpers: they wrote "05:40" where the pages
write "kl. 05.40"."""

import re
from pathlib import Path

import digisos

ROOT = Path(digisos.__file__).parent
CORE = ROOT / "core" / "formatting.py"

# What writes a month, a date or an amount outside core: Django's month names, a date format of one's own (in
# Python or a template), strftime to a day, and an amount followed by " kr"/" kroner" (in a template or a text).
OWN_FORMATS = {
    "Django's month names": re.compile(r"from django\.utils\.dates import|\bMONTHS\["),
    "date_format": re.compile(r"\bdate_format\(|\btime_format\("),
    # (an ISO date or time for a machine, in an attribute, is not one: `|date:'Y-m-d'`, `|date:'c'`)
    "a |date filter": re.compile(r"\|date:[\"'](?!(Y-m-d|c)[\"'])"),
    "strftime to a day": re.compile(
        r"strftime\(\"%[dbBem]"
    ),  # not an ISO time for the exchange ("%Y-%m-%dT…")
    "an amount's own kr": re.compile(r"(\}\}|%\(\w+\)s|\{\w*\}) ?(kr|kroner)\b"),
}


def _sources() -> list[Path]:
    return [
        path
        for pattern in ("*.py", "*.html", "*.txt")
        for path in ROOT.rglob(pattern)
        if path != CORE and "migrations" not in path.parts
    ]


def test_no_page_formats_a_month_a_date_or_an_amount_of_its_own() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {what}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for what, pattern in OWN_FORMATS.items()
        if pattern.search(line) and not line.lstrip().startswith(("#", "{#"))
    ]
    assert offenders == [], "\n".join(offenders)


def test_the_check_finds_what_it_looks_for() -> None:
    """Each pattern matches the code it was written against (so that a pattern that can never match fails)."""
    examples = {
        "Django's month names": "from django.utils.dates import MONTHS",
        "date_format": 'date_format(m.period, "F Y")',
        "a |date filter": '{{ row.month|date:"F Y" }}',
        "strftime to a day": 'deadline.strftime("%d.%m.%Y")',
        "an amount's own kr": '{{ kroner(rates.total) }} kr and _("%(amount)s kr i måneden") and "%(belop)s kroner"',
    }
    for what, example in examples.items():
        assert OWN_FORMATS[what].search(example), what
    # What is not a format of a page's own: an ISO time for the exchange and a field's label.
    assert not OWN_FORMATS["strftime to a day"].search('utc.strftime("%Y-%m-%dT%H:%M:%S.")')
    assert not OWN_FORMATS["an amount's own kr"].search('_("Beløp i kroner")')
    assert not OWN_FORMATS["a |date filter"].search("<time datetime=\"{{ event.at|date:'c' }}\">")
