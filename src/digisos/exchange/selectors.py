"""Reads of the standardised interface. A client sees only its own municipality's cases (the manual inbox's
reads are in digisos.inbox.selectors)."""

import uuid
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from pydantic_core import to_json

from digisos.core.json_sql import utc_time_sql
from digisos.core.prepared import PreparedValues
from digisos.documents.models import Document

from .models import Case, DeliveredFile, Delivery

OSLO = ZoneInfo("Europe/Oslo")

WORKING_DAYS_TO_COLLECT = 2
# What a listing shows; the JSON columns (vedlegg.json, the case's events) stay in the database.
LISTED_FIELDS = (
    "id",
    "public_id",
    "kind",
    "case_id",
    "nav_ekstern_ref_id",
    "municipality_id",
    "status",
    "available_at",
    "collected_at",
)
FILE_FIELDS = ("id", "role", "filename", "content_type", "size")


def _new_deliveries_query(kommunenummer: str, after: int, limit: int) -> QuerySet:
    page = (
        Delivery.objects.filter(municipality_id=kommunenummer, status=Delivery.Status.AVAILABLE, pk__gt=after)
        .order_by("pk")
        .values("pk")[:limit]
    )
    return _joined_with_files(Delivery.objects.filter(pk__in=page))


# Compiled once per process and page size (the LIMIT is written into the SQL): for this call, building and
# compiling the queryset cost more than reading the rows.
_NEW_DELIVERIES: dict[int, PreparedValues] = {}


def new_deliveries(kommunenummer: str, *, after: int, limit: int) -> list[dict[str, Any]]:
    """Deliveries ready to collect, oldest first, after the cursor (the previous page's last id), each a row
    with its files. Plain rows, not model instances, in one round trip (the page's deliveries joined with
    their files): this is the case systems' most frequent call."""
    prepared = _NEW_DELIVERIES.get(limit)
    if prepared is None:
        prepared = _NEW_DELIVERIES.setdefault(
            limit,
            PreparedValues(
                lambda number, cursor: _new_deliveries_query(number, cursor, limit),
                "x999",
                -7654321,
                # The rows are only written out as JSON (api.leveranser): psycopg's own loader for the times.
                native_timestamps=True,
            ),
        )
    return _grouped(prepared.rows(kommunenummer, after))


# A delivery as the Leveranse schema writes it (api.Leveranse, api.Fil): each JSON name and its column, in the
# schema's order. On PostgreSQL the database writes the list's JSON (_LEVERANSER_SQL, the same names and
# columns); on the quick start's SQLite `leveranse` and pydantic-core do; tests/exchange/test_exchange_api.py
# holds the two to the same bytes.
LEVERANSE_FIELDS = (
    ("id", "public_id"),
    ("type", "kind"),
    ("fiksDigisosId", "case_id"),
    ("navEksternRefId", "nav_ekstern_ref_id"),
    ("kommunenummer", "municipality_id"),
    ("status", "status"),
    ("tilgjengelig", "available_at"),
    ("mottatt", "collected_at"),
)
FIL_FIELDS = (
    ("id", "id"),
    ("filnavn", "filename"),
    ("rolle", "role"),
    ("mimetype", "content_type"),
    ("storrelse", "size"),
)


def leveranse(row: dict[str, Any]) -> dict[str, Any]:
    """A `new_deliveries` row as the Leveranse schema, as plain data for pydantic-core's `to_json` (which writes a
    UUID as text and a UTC time with Z, as the schema's own serialiser does)."""
    return {
        **{name: row[column] for name, column in LEVERANSE_FIELDS},
        "filer": [{name: f[column] for name, column in FIL_FIELDS} for f in row["files"]],
    }


# The page's deliveries each as its Leveranse JSON (LEVERANSE_FIELDS, FIL_FIELDS), written by PostgreSQL:
# row_to_json and array_to_json write compact JSON (no spaces) with the columns' names in their order, text
# escaped as pydantic-core escapes it, numbers as numbers, UUIDs as text, NULL as null. A time is written as
# pydantic writes an aware UTC time: seconds, microseconds only when there are any, then Z
# (2026-11-23T13:37:00Z, 2026-11-23T13:37:00.120000Z; core.json_sql.utc_time_sql, shared with the concerns
# list). The page is read from the index on (kommunenummer, status, id) and each delivery's files, in order,
# from the unique index on (delivery_id, position): a page of 200 costs the same with 10 deliveries behind it as with a million. The delivery's record is a LATERAL
# subquery, which PostgreSQL folds into the page's rows (a subquery per delivery only for its files). Python only
# joins the rows (api.leveranser): building 21 deliveries' dicts from 84 joined rows and serialising them again
# had been a third of the list's CPU in Python; gunicorn now pays 0.6-0.75 ms less per list and PostgreSQL
# 0.05-0.15 ms more (docs/performance.md, session 16).
_LEVERANSE_JSON_SQL = f"""
SELECT page.id, row_to_json(leveranse)::text
FROM (
    SELECT id, public_id, kind, case_id, nav_ekstern_ref_id, kommunenummer, status, available_at, collected_at
    FROM exchange_delivery
    {{where}}
) page
CROSS JOIN LATERAL (
    SELECT page.public_id AS "id", page.kind AS "type", page.case_id AS "fiksDigisosId",
        page.nav_ekstern_ref_id AS "navEksternRefId", page.kommunenummer AS "kommunenummer",
        page.status AS "status", {utc_time_sql("page.available_at")} AS "tilgjengelig",
        {utc_time_sql("page.collected_at")} AS "mottatt",
        COALESCE((
            -- In position order: the aggregate reads a sorted subquery, as PostgreSQL's manual shows for
            -- ordered aggregates; it holds while nothing at this level (a join) could reorder the rows. An
            -- ORDER BY in the aggregate would need the position in each file's record, and a subquery per
            -- file to leave it out cost the statement a sixth more.
            SELECT array_to_json(array_agg(fil)) FROM (
                SELECT file.id AS "id", file.filename AS "filnavn", file.role AS "rolle",
                    file.content_type AS "mimetype", file.size AS "storrelse"
                FROM exchange_deliveredfile file
                WHERE file.delivery_id = page.id
                ORDER BY file.position
            ) fil
        ), '[]'::json) AS "filer"
) leveranse
ORDER BY page.id
"""  # noqa: S608 - constant SQL; every value is a parameter
_LEVERANSER_SQL = _LEVERANSE_JSON_SQL.format(
    where="WHERE kommunenummer = %s AND status = 'available' AND id > %s ORDER BY id LIMIT %s"
)
_ONE_LEVERANSE_SQL = _LEVERANSE_JSON_SQL.format(
    where="WHERE kommunenummer = %s AND public_id = %s AND status IN ('available', 'collected')"
)


def new_deliveries_json(kommunenummer: str, *, after: int, limit: int) -> list[tuple[int, str]]:
    """`new_deliveries` as (id, the delivery's Leveranse JSON), in one round trip: on PostgreSQL the database
    writes the JSON (_LEVERANSER_SQL), elsewhere (the quick start's SQLite) `leveranse` and pydantic-core."""
    if connection.vendor != "postgresql":
        return [
            (row["id"], to_json(leveranse(row)).decode())
            for row in new_deliveries(kommunenummer, after=after, limit=limit)
        ]
    with connection.cursor() as cursor:
        cursor.execute(_LEVERANSER_SQL, [kommunenummer, after, limit])
        return cursor.fetchall()


def delivery_listing_json(kommunenummer: str, public_id: uuid.UUID) -> str | None:
    """One delivery's Leveranse JSON as `new_deliveries_json` writes it, if it is the municipality's and was ever
    collectable."""
    if connection.vendor != "postgresql":
        rows = Delivery.objects.filter(
            municipality_id=kommunenummer,
            public_id=public_id,
            status__in=[Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED],
        )
        found = _with_files(rows)
        return to_json(leveranse(found[0])).decode() if found else None
    with connection.cursor() as cursor:
        cursor.execute(_ONE_LEVERANSE_SQL, [kommunenummer, public_id])
        row = cursor.fetchone()
    return row[1] if row else None


def delivery_of(kommunenummer: str, public_id: uuid.UUID) -> Delivery | None:
    return (
        Delivery.objects.filter(municipality_id=kommunenummer, public_id=public_id)
        .only(*LISTED_FIELDS)
        .first()
    )


_JOINED_FILE_FIELDS = tuple(f"files__{name}" for name in FILE_FIELDS)


def _joined_with_files(deliveries: QuerySet[Delivery]) -> QuerySet:
    """A row per file (LISTED_FIELDS, then FILE_FIELDS as files__…), by delivery and position; a delivery
    without files is one row with no file."""
    return deliveries.order_by("pk", "files__position").values(*LISTED_FIELDS, *_JOINED_FILE_FIELDS)


def _with_files(deliveries: QuerySet[Delivery]) -> list[dict[str, Any]]:
    """The deliveries (LISTED_FIELDS) each with "files" (FILE_FIELDS, by position), from one query."""
    return _grouped(_joined_with_files(deliveries))


def _grouped(rows: Any) -> list[dict[str, Any]]:
    """The joined rows as one dict per delivery with its "files"."""
    listed: list[dict[str, Any]] = []
    last = None
    for row in rows:
        if row["id"] != last:
            last = row["id"]
            files: list[dict[str, Any]] = []
            listed.append({**{name: row[name] for name in LISTED_FIELDS}, "files": files})
        if row["files__id"] is not None:
            files.append(
                {name: row[joined] for name, joined in zip(FILE_FIELDS, _JOINED_FILE_FIELDS, strict=True)}
            )
    return listed


def delivered_file_of(kommunenummer: str, public_id: uuid.UUID, file_id: uuid.UUID) -> DeliveredFile | None:
    return (
        DeliveredFile.objects.filter(
            pk=file_id,
            delivery__public_id=public_id,
            delivery__municipality_id=kommunenummer,
            delivery__status__in=[Delivery.Status.AVAILABLE, Delivery.Status.COLLECTED],
        )
        .select_related("delivery")
        .first()
    )


def case_of(kommunenummer: str, case_id: uuid.UUID) -> Case | None:
    # Without the event document: most calls do not need it, and it grows with the case.
    return Case.objects.filter(municipality_id=kommunenummer, pk=case_id).defer("soker").first()


def letters_of(case: Case) -> QuerySet[Document]:
    """The municipality's letters on the case. A file the applicant put among them before that was refused
    (documents/permissions.py) is not a letter and is not shown as one."""
    return (
        Document.objects.filter(folder_id=case.letters_id)
        .exclude(uploaded_by_id=case.owner_id)
        .order_by("created_at", "id")
    )


def deliveries_of_case(case: Case) -> list[Delivery]:
    return list(case.deliveries.order_by("pk"))


# --- Working days and overdue deliveries ------------------------------------------------------------------


@cache
def _norwegian_holidays(year: int) -> frozenset[date]:
    import holidays  # its calendars take a second to import; only the deadline sums need them

    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def collect_deadline(available_at: datetime) -> datetime:
    """The moment two working days have passed since the delivery became available (same time of day)."""
    local = timezone.localtime(available_at)
    moment, counted = local, 0
    while counted < WORKING_DAYS_TO_COLLECT:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            counted += 1
    return moment


def overdue_deliveries(*, now: datetime | None = None) -> list[Delivery]:
    """Available but not collected within two working days: the case system may be down or misconfigured."""
    now = now or timezone.now()
    # Two working days are at least two calendar days: the database narrows, the calendar decides.
    candidates = Delivery.objects.filter(
        status=Delivery.Status.AVAILABLE, available_at__lt=now - timedelta(days=WORKING_DAYS_TO_COLLECT)
    ).order_by("available_at")
    return [d for d in candidates if collect_deadline(d.available_at) <= now]
