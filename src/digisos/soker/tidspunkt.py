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


def newest_event_time(document: object) -> datetime | None:
    """The newest `hendelsestidspunkt` of a document's events; None without any. Events that are not objects or
    have no time are passed over (a stored document was checked when posted; this also reads drafts of one)."""
    events = document.get("hendelser") if isinstance(document, dict) else None
    stamps = [
        parse_tidspunkt(event["hendelsestidspunkt"])
        for event in events or ()
        if isinstance(event, dict) and isinstance(event.get("hendelsestidspunkt"), str)
    ]
    return max(stamps, default=None)
