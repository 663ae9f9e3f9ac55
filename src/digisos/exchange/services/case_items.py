"""Writes of the case read model's items (CaseItem, exchange/case_items.py), always with the case's CaseState.

On PostgreSQL a case's items are replaced by two data-modifying clauses that go into the statement writing its
CaseState (core.prepared.update_rows' `before`): the report gains no round trip. Their text is constant, the
items travel as one JSON parameter unpacked by jsonb_to_recordset, and the case's owner and creation time are
read from its row in the same statement. Elsewhere (the quick start's SQLite) the ORM deletes and inserts.
"""

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model

from ..case_items import FILE, ITEM_COLUMNS, STATE_KINDS, file_item, item_values
from ..models import Case, CaseItem, DeliveredFile, Delivery

# Each item column's SQL type in jsonb_to_recordset's record (ITEM_COLUMNS' order).
_RECORD_TYPES = {
    "kind": "text",
    "position": "integer",
    "rank_at": "timestamptz",
    "at": "timestamptz",
    "day": "date",
    "title": "text",
    "status": "text",
    "amount": "double precision",
    "recipient": "text",
    "account": "text",
}


def _write_clauses() -> list[str]:
    items, case = CaseItem._meta.db_table, Case._meta.db_table
    columns = ", ".join(ITEM_COLUMNS)
    record = ", ".join(f"{name} {_RECORD_TYPES[name]}" for name in ITEM_COLUMNS)
    # Both see the statement's one snapshot: the DELETE removes the rows there before it, never the new ones.
    return [
        # The case's items of its CaseState only: its attachments' (kind FILE) are its deliveries'.
        f"DELETE FROM \"{items}\" WHERE case_id = %s AND kind <> '{FILE}'",  # noqa: S608 - the model's own table; values are parameters
        f'INSERT INTO "{items}" (case_id, owner_id, case_created_at, {columns}) SELECT c.id, c.owner_id, '  # noqa: S608
        f'c.created_at, {", ".join(f"x.{name}" for name in ITEM_COLUMNS)} FROM "{case}" c CROSS JOIN '
        f"jsonb_to_recordset(%s::jsonb) AS x({record}) WHERE c.id = %s",
    ]


_CLAUSES: list[str] = []


def write_clauses(
    case_id: uuid.UUID, state: dict[str, Any], *, guarded: bool = False
) -> list[tuple[str, list[Any]]] | None:
    """The clauses (SQL, parameters) that replace the case's items by those of its CaseState columns `state`,
    for update_rows' `before` on PostgreSQL; None elsewhere (call `write_items` there). `guarded`: as clauses
    of core.prepared.write_if_unchanged's statement, writing only if its guarding row (`changed`) was written."""
    if connection.vendor != "postgresql":
        return None
    if not _CLAUSES:
        _CLAUSES.extend(_write_clauses())
    delete, insert = _CLAUSES
    if guarded:
        # Only the model's own SQL and a fixed condition go into the text.
        delete, insert = (f"{sql} AND EXISTS (SELECT 1 FROM changed)" for sql in (delete, insert))  # noqa: S608
    return [(delete, [case_id]), (insert, [_as_json(item_values(state)), case_id])]


def _as_json(items: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{name: _plain(item[name]) for name in ITEM_COLUMNS} for item in items], ensure_ascii=False
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def write_items(case_id: uuid.UUID, state: dict[str, Any]) -> None:
    """Replace the case's items by the ORM (any database), in the caller's transaction."""
    owner_id, created_at = Case.objects.values_list("owner_id", "created_at").get(pk=case_id)
    CaseItem.objects.filter(case_id=case_id, kind__in=STATE_KINDS).delete()
    CaseItem.objects.bulk_create(
        CaseItem(case_id=case_id, owner_id=owner_id, case_created_at=created_at, **item)
        for item in item_values(state)
    )


def stored_items(case_ids: Iterable[Any]) -> dict[Any, list[tuple]]:
    """Each case's stored items of its CaseState (not its attachments') as comparable tuples (ITEM_COLUMNS, in the case's order of kinds and positions),
    with the case's owner and creation time first."""
    found: dict[Any, list[tuple]] = {}
    rows = (
        CaseItem.objects.filter(case_id__in=list(case_ids), kind__in=STATE_KINDS)
        .order_by("case_id", "kind", "position")
        .values_list("case_id", "owner_id", "case_created_at", *ITEM_COLUMNS)
    )
    for case_id, *columns in rows:
        found.setdefault(case_id, []).append(tuple(columns))
    return found


def fresh_items(case: Model, state: dict[str, Any]) -> list[tuple]:
    """What `stored_items` should hold for `case` (with its owner_id and created_at) of CaseState columns `state`."""
    items = sorted(item_values(state), key=lambda item: (item["kind"], item["position"]))
    return [(case.owner_id, case.created_at, *(item[name] for name in ITEM_COLUMNS)) for item in items]


def rebuild_items(cases: list[Any], states: dict[Any, dict[str, Any]]) -> set[Any]:
    """Rewrite the items of the `cases` (with owner_id and created_at) whose stored items differ from those of
    their CaseState columns `states` (by case key); returns the keys of the cases rewritten. In the caller's
    transaction, the cases locked."""
    stored = stored_items(case.pk for case in cases)
    differing = [case for case in cases if stored.get(case.pk, []) != fresh_items(case, states[case.pk])]
    if not differing:
        return set()
    CaseItem.objects.filter(case_id__in=[case.pk for case in differing], kind__in=STATE_KINDS).delete()
    CaseItem.objects.bulk_create(
        CaseItem(case_id=case.pk, owner_id=case.owner_id, case_created_at=case.created_at, **item)
        for case in differing
        for item in item_values(states[case.pk])
    )
    return {case.pk for case in differing}


def write_file_items(delivery: Delivery, files: Iterable[DeliveredFile]) -> None:
    """The attachments (role "vedlegg") among a delivery's `files` as its case's items, in the caller's transaction:
    the overview's attachments' panel and its count are then read from the person's items like the other panels,
    not found by joining every listed case's deliveries and their files on every look. Called where the files
    are stored (services.delivery), once per delivery: an attempt that publishes writes its files once."""
    attachments = [file for file in files if file.role == DeliveredFile.Role.VEDLEGG]
    if not attachments:
        return
    case = delivery.case
    CaseItem.objects.bulk_create(
        CaseItem(
            case_id=case.pk,
            owner_id=case.owner_id,
            case_created_at=case.created_at,
            **file_item(file.filename, file.position, delivery.created_at),
        )
        for file in attachments
    )
