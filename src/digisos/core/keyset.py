"""Positions in lists paged by keyset (the application inbox, the child-welfare inbox): the link to the next page
carries the last row's sort values, written as whole numbers joined by dots, and that page is read from the index
where this one ended, at the same cost on the thousandth page as on the first."""

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_DIGITS = 19  # a bigint's


def token(*values: int | datetime) -> str:
    """A position as a link carries it: a time as its microseconds since 1970."""
    return ".".join(
        str((v - EPOCH) // timedelta(microseconds=1) if isinstance(v, datetime) else v) for v in values
    )


def numbers(position: str | None, count: int) -> list[int] | None:
    """The `count` numbers of a link's position; None for a missing or broken one (the list then shows its first
    page). ASCII digits only: str.isdigit() also takes other scripts' digits (٣)."""
    parts = (position or "").split(".")
    if len(parts) != count or not all(
        0 < len(p) <= _MAX_DIGITS and p.isascii() and p.isdigit() for p in parts
    ):
        return None
    return [int(part) for part in parts]


def moment(microseconds: int) -> datetime | None:
    """The time a position's number stands for; None past the calendar's end."""
    try:
        return EPOCH + timedelta(microseconds=microseconds)
    except OverflowError:
        return None


def flagged(position: str | None) -> tuple[int, datetime, int] | None:
    """A position in a list of two parts, each newest first (both inboxes: the new ones, then the rest): the part
    (0 or 1), the time and the id; None for a missing or broken one."""
    found = numbers(position, 3)
    if found is None or found[0] not in (0, 1):
        return None
    part, microseconds, pk = found
    at = moment(microseconds)
    return None if at is None else (part, at, pk)
