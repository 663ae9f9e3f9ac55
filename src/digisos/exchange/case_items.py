"""A case's items as the caseworker's person overview lists them (CaseItem rows), from its CaseState columns: pure,
no models, no clock.

The items are a function of the columns `case_state.state_values` gives (the decisions, the follow-up view's
requests, conditions, letters and sums per month, the payments), so the report writes both from the same fold,
the rebuild compares both with a fresh fold, and the migration fills the items from the stored rows. Each item's
`rank_at` is its panel's sort key, never NULL: a missing time sorts where the panel sorts a NULL (last).
"""

from datetime import UTC, date, datetime, time
from typing import Any

# The sort keys of a missing time: last in a newest-first panel, last in the requests' soonest-first one.
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)

DECISION, REQUEST, CONDITION, LETTER, PAYMENT, MONTH, FILE = (
    "decision",
    "request",
    "condition",
    "letter",
    "payment",
    "month",
    "file",
)
# The kinds folded from the case's CaseState columns (item_values), rewritten with its row. A FILE item (an
# attachment's name) is not: it is written with the delivery's files (file_item), once, and never rewritten by a
# report or a rebuild.
STATE_KINDS = (DECISION, REQUEST, CONDITION, LETTER, PAYMENT, MONTH)
# An item's columns, in this order (case_items.write_sql's record type names them the same).
ITEM_COLUMNS = (
    "kind",
    "position",
    "rank_at",
    "at",
    "day",
    "title",
    "status",
    "amount",
    "recipient",
    "account",
)


def item_values(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The CaseItem columns (without the case, its owner and creation time) of a case whose CaseState columns
    are `state` (state_values' result, or a stored row's `decisions`, `followup_view` and `payments`)."""
    followup = state.get("followup_view") or {}
    items = []
    for position, decision in enumerate(_list(state.get("decisions"))):
        at = _instant(decision.get("at"))
        items.append(
            _item(
                DECISION,
                position,
                at or EARLIEST,
                at=at,
                title=decision.get("title"),
                status=decision.get("outcome"),
            )
        )
    for position, request in enumerate(_list(followup.get("requests"))):
        deadline = _instant(request.get("deadline"))
        items.append(
            _item(REQUEST, position, deadline or LATEST, at=deadline, title=request.get("document_type"))
        )
    for position, condition in enumerate(_list(followup.get("conditions"))):
        items.append(
            _item(CONDITION, position, EARLIEST, title=condition.get("title"), status=condition.get("status"))
        )
    for position, letter in enumerate(_list(followup.get("letters"))):
        items.append(_item(LETTER, position, EARLIEST, title=letter.get("title")))
    for position, payment in enumerate(_list(state.get("payments"))):
        # The day the overview shows: paid, else due (as case_state.followup_view sums them).
        day = _day(payment.get("paid_date") or payment.get("due_date"))
        items.append(
            _item(
                PAYMENT,
                position,
                datetime.combine(day, time.min, UTC) if day else EARLIEST,
                day=day,
                title=payment.get("description"),
                status=payment.get("status"),
                amount=float(payment.get("amount") or 0),
                recipient=payment.get("recipient"),
                # No account number when another is paid, even if the case system sent one.
                account="" if payment.get("other_recipient") is True else payment.get("account"),
            )
        )
    paid = followup.get("paid")
    for position, (month, amount) in enumerate(sorted(paid.items()) if isinstance(paid, dict) else ()):
        first = _day(f"{month}-01")
        if first is not None:
            items.append(
                _item(
                    MONTH, position, datetime.combine(first, time.min, UTC), day=first, amount=float(amount)
                )
            )
    return items


def file_item(filename: str, position: int, sent_at: datetime) -> dict[str, Any]:
    """The CaseItem columns of an attachment the case's delivery carried (a DeliveredFile of role "vedlegg"),
    ranked by the delivery's creation: the overview lists the newest sent attachments first, each delivery's in
    its files' order."""
    return _item(FILE, position, sent_at, title=filename)


def _item(
    kind: str,
    position: int,
    rank_at: datetime,
    *,
    at: datetime | None = None,
    day: date | None = None,
    title: Any = "",
    status: Any = "",
    amount: float | None = None,
    recipient: Any = "",
    account: Any = "",
) -> dict[str, Any]:
    return {
        "kind": kind,
        "position": position,
        "rank_at": rank_at,
        "at": at,
        "day": day,
        "title": str(title or ""),
        "status": str(status or ""),
        "amount": amount,
        "recipient": str(recipient or ""),
        "account": str(account or ""),
    }


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except (TypeError, ValueError):
        return None
