"""Path converters for the identifiers URLs carry, registered once at start-up (core.apps)."""

from .identifiers import KOMMUNENUMMER_PATTERN


class KommunenummerConverter:
    """`<kommunenummer:kommunenummer>`: four ASCII digits, or the URL is no page (404) before any view looks the
    number up. As `<str:…>` every character but "/" matched, a NUL among them, which PostgreSQL refuses in a
    query (a 500 on /kommuner/%00/)."""

    regex = KOMMUNENUMMER_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
