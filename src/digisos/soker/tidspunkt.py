"""NAV's `tidspunkt` (types/tidspunkt.json): UTC with a Z and, as written by us, milliseconds
("2026-11-23T13:37:00.134Z"); as read, any number of decimals."""

from datetime import UTC, datetime


def format_tidspunkt(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_tidspunkt(value: str) -> datetime:
    """An aware UTC datetime; ValueError if the text is not a tidspunkt."""
    if len(value) == 24 and value[19] == "." and value[23] == "Z":
        # As we and most case systems write it (milliseconds): the fast path, as a fold parses every event's.
        return datetime.fromisoformat(value[:23]).replace(tzinfo=UTC)
    seconds, _, rest = value.rstrip("Z").partition(".")
    fraction = "".join(ch for ch in rest if ch.isdigit())[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{seconds}.{fraction}").replace(tzinfo=UTC)
