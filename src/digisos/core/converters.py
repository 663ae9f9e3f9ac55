"""Path converters for the identifiers URLs carry, registered once at start-up (core.apps).

Nothing here imports core/identifiers.py: it checks numbers with python-stdnum, which (with the pydoc its util
module imports) was about 7 ms of every process's start-up when this module took the pattern from it
(tests/core/test_start_up_imports.py)."""

# A municipality's number (kommunenummer, 0301) and a NAV office's (enhetsnummer, 1201): four ASCII digits, as
# core.identifiers.is_kommunenummer checks them.
KOMMUNENUMMER_PATTERN = "[0-9]{4}"


class KommunenummerConverter:
    """`<kommunenummer:kommunenummer>`: four ASCII digits, or the URL is no page (404) before any view looks the
    number up. As `<str:…>` every character but "/" matched, a NUL among them, which PostgreSQL refuses in a
    query (a 500 on /kommuner/%00/)."""

    regex = KOMMUNENUMMER_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
