"""The hourly update and the full rebuild of the aggregate tables (the only writes of insights).

`update()` starts from the watermarks of the last run (insights.Run): the cases whose read model changed
(Case.updated_at, which every stored report and every send moves) and the ettersendelser delivered since. It
recomputes those cases' facts, then only the cells they touch — (municipality, month) and (NAV office, week),
old and new place — then publishes only the touched periods again. `rebuild()` empties the tables and runs the
same code over everything, so an update and a rebuild give the same tables (tests/insights/test_update.py).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

import structlog
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from digisos.core import statistics_sources
from digisos.exchange.models import Case, Delivery
from digisos.municipalities.models import Municipality
from digisos.onboarding.models import Onboarding, Stage

from . import figures as f
from .facts import OSLO, CaseFacts, Cell, case_facts, month_of, week_of
from .models import CaseFact, Published, Run, SourceCount
from .models import Cell as CellRow
from .publish import COUNTRY, COUNTY, MUNICIPALITY, OFFICE, Row, publish

log = structlog.get_logger(__name__)

RUN = "insights"
CHUNK = 2000
# A report committed a little after the previous run began may carry an updated_at before its start: the next
# run looks back this far (recomputing a case twice changes nothing).
OVERLAP = timedelta(minutes=10)
MONTH, WEEK = CellRow.Grain.MONTH, CellRow.Grain.WEEK
FACT_FIELDS = [f.name for f in CaseFact._meta.concrete_fields if f.name != "case"]
COVERAGE = ("connected_municipalities", "connected_inhabitants")


def rebuild() -> dict[str, int]:
    with transaction.atomic():
        for model in (CaseFact, CellRow, SourceCount, Published, Run):
            model.objects.all().delete()
        return update(full=True)


def update(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    with transaction.atomic():
        run, _ = Run.objects.select_for_update().get_or_create(name=RUN)
        full = full or run.finished_at is None
        since = None if full else run.cases_since
        newest_delivery = Delivery.objects.aggregate(newest=Max("id"))["newest"] or 0
        touched_cells: set[tuple[str, str, date]] = set()

        new_ettersendelser = Delivery.objects.filter(
            kind=Delivery.Kind.ETTERSENDELSE, id__gt=run.delivery_id, id__lte=newest_delivery
        )
        ettersendt_cases = set(new_ettersendelser.values_list("case_id", flat=True))
        cases = Case.objects.all() if since is None else Case.objects.filter(updated_at__gt=since - OVERLAP)
        if since is None:
            touched_cells |= _refresh_facts(None)
            case_count = CaseFact.objects.count()
        else:
            case_ids = set(cases.values_list("id", flat=True)) | ettersendt_cases
            for chunk in _chunks(sorted(case_ids, key=str), CHUNK):
                touched_cells |= _refresh_facts(chunk)
            case_count = len(case_ids)
        for municipality, created_at, office in new_ettersendelser.values_list(
            "municipality_id", "created_at", "case__state__office"
        ):
            touched_cells.add((MONTH, municipality, month_of(created_at)))
            touched_cells.add((WEEK, office or "", week_of(created_at)))
        _recompute_cells(touched_cells)
        touched_months = {period for grain, _, period in touched_cells if grain == MONTH}
        touched_months |= _refresh_sources(None if since is None else run.finished_at)
        touched_weeks = {period for grain, _, period in touched_cells if grain == WEEK}
        for month in touched_months:
            _publish_month(month)
        for week in touched_weeks:
            _publish_week(week)
        _publish_coverage(now)
        run.cases_since = now
        run.delivery_id = newest_delivery
        run.finished_at = now
        run.save()
    result = {"cases": case_count, "months": len(touched_months), "weeks": len(touched_weeks)}
    log.info("insights.updated", full=full, **result)
    return result


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _refresh_facts(case_ids: list | None) -> set[tuple[str, str, date]]:
    """Recomputes these cases' facts (None: every case, into emptied tables); returns the cells they were in
    and are in now."""
    touched = set()
    if case_ids is None:
        CaseFact.objects.all().delete()  # empty already in a rebuild; a first run starts from nothing too
    else:
        for old in CaseFact.objects.filter(case_id__in=case_ids).values(
            "municipality", "month", "office", "week"
        ):
            touched.add((MONTH, old["municipality"], old["month"]))
            touched.add((WEEK, old["office"], old["week"]))
        CaseFact.objects.filter(case_id__in=case_ids).delete()
    ettersendelser = Delivery.objects.filter(kind=Delivery.Kind.ETTERSENDELSE)
    if case_ids is not None:
        ettersendelser = ettersendelser.filter(case_id__in=case_ids)
    sent: dict = defaultdict(list)
    for case_id, at in ettersendelser.values_list("case_id", "created_at"):
        sent[case_id].append(at)
    new: list[tuple] = []
    for case_id, municipality, office, created, variant, sent_at, state_office, decisions, view in _case_rows(
        case_ids
    ):
        facts = case_facts(
            municipality=municipality,
            office=state_office or office or "",
            variant=variant,
            sent_at=sent_at or created,
            view=view,
            decisions=decisions or [],
            ettersendelser=sent.get(case_id, ()),
        )
        new.append((_uuid_param(case_id), *(getattr(facts, name) for name in FACT_FIELDS)))
        touched.add((MONTH, facts.municipality, facts.month))
        touched.add((WEEK, facts.office, facts.week))
        if len(new) >= CHUNK:
            _insert(CaseFact, ["case_id", *FACT_FIELDS], new)
            new = []
    _insert(CaseFact, ["case_id", *FACT_FIELDS], new)
    return touched


def _uuid_param(value):
    # SQLite (the quick start) keeps a UUIDField as 32 hex digits; PostgreSQL takes the UUID as it is.
    return value.hex if connection.vendor == "sqlite" else value


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERTs, many rows a statement: the ORM's bulk_create prepared each of a million values
    one by one, and executemany paid a round trip a row."""
    if not rows:
        return
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 30000
    per_statement = max(1, min(1000, limit // len(fields)))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            values = ", ".join([one] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # noqa: S608 (names from the models)
                [value for row in batch for value in row],
            )


# On PostgreSQL the read model's view is narrowed in the database to the few parts a case's facts need (the
# first MOTTATT, the requests' times, the preliminary answer, the caseworker's tasks), so a rebuild does not
# carry every case's whole folded view into Python; the quick start's SQLite reads the parts whole.
_PG_CASES = """
SELECT c.id, c.kommunenummer, c.enhetsnummer, c.created_at, a.variant, a.sent_at, s.office, s.decisions,
       jsonb_path_query_first(s.view, '$.timeline[*] ? (@.kind == "status_mottatt").at') #>> '{}',
       jsonb_path_query_array(s.view, '$.timeline[*] ? (@.kind == "documents_requested").at'),
       s.view -> 'preliminary_answer',
       jsonb_path_query_array(s.view, '$.tasks[*] ? (@.from_caseworker == true)')
FROM exchange_case AS c
LEFT JOIN application_application AS a ON a.id = c.application_id
LEFT JOIN exchange_casestate AS s ON s.case_id = c.id
"""


def _json(value: Any) -> Any:
    """Django's PostgreSQL connection hands jsonb over as text (JSONField decodes it itself)."""
    return json.loads(value) if isinstance(value, str) else value


def _case_rows(case_ids: list | None) -> Iterator[tuple]:
    if connection.vendor == "postgresql":
        sql, params = (
            (_PG_CASES, []) if case_ids is None else (_PG_CASES + " WHERE c.id = ANY(%s)", [case_ids])
        )
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(CHUNK):
                for *head, decisions, received, requested, preliminary, tasks in batch:
                    timeline = [{"kind": "status_mottatt", "at": received}] if received else []
                    timeline += [{"kind": "documents_requested", "at": at} for at in _json(requested) or []]
                    view = {
                        "timeline": timeline,
                        "preliminary_answer": _json(preliminary),
                        "tasks": _json(tasks),
                    }
                    yield (*head, _json(decisions), view)
        return
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(id__in=case_ids)
    for *head, timeline, preliminary, tasks in cases.values_list(
        "id",
        "municipality_id",
        "office_id",
        "created_at",
        "application__variant",
        "application__sent_at",
        "state__office",
        "state__decisions",
        "state__view__timeline",
        "state__view__preliminary_answer",
        "state__view__tasks",
    ).iterator(chunk_size=CHUNK):
        yield (*head, {"timeline": timeline, "preliminary_answer": preliminary, "tasks": tasks})


def _period_range(grain: str, period: date) -> tuple[datetime, datetime]:
    start = datetime(period.year, period.month, period.day, tzinfo=OSLO)
    if grain == WEEK:
        return start, start + timedelta(days=7)
    following = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=OSLO)


def _recompute_cells(touched: set[tuple[str, str, date]]) -> None:
    by_period: dict[tuple[str, date], set[str]] = defaultdict(set)
    for grain, area, period in touched:
        by_period[(grain, period)].add(area)
    for (grain, period), areas in by_period.items():
        area_field, period_field = ("municipality", "month") if grain == MONTH else ("office", "week")
        cells: dict[str, Cell] = defaultdict(Cell)
        facts = CaseFact.objects.filter(**{period_field: period, f"{area_field}__in": areas})
        for values in facts.values(*FACT_FIELDS):
            cells[values[area_field]].add_case(CaseFacts(**values))
        start, end = _period_range(grain, period)
        deliveries = Delivery.objects.filter(
            kind=Delivery.Kind.ETTERSENDELSE, created_at__gte=start, created_at__lt=end
        )
        by = "municipality_id" if grain == MONTH else "case__state__office"
        grouped = deliveries.filter(**{f"{by}__in": areas}).values(by).annotate(n=Count("id"))
        for row in grouped:
            cells[row[by] or ""].counts["ettersendelser"] += row["n"]
        CellRow.objects.filter(grain=grain, period=period, area__in=areas).delete()
        _insert(
            CellRow,
            ["grain", "area", "period", "data"],
            [
                (grain, area, period, json.dumps(cell.to_json()))
                for area, cell in cells.items()
                if not cell.is_empty()
            ],
        )


def _refresh_sources(since: datetime | None) -> set[date]:
    """Each registered source's counts changed since the last run (every count on a rebuild)."""
    touched = set()
    for source in statistics_sources.registered():
        for count in source.monthly_counts(since):
            SourceCount.objects.update_or_create(
                key=source.key,
                municipality=count.municipality_number,
                month=count.month,
                defaults={"count": count.count},
            )
            touched.add(count.month)
    return touched


def _month_cells(month: date) -> dict[str, Cell]:
    cells: dict[str, Cell] = defaultdict(Cell)
    for area, data in CellRow.objects.filter(grain=MONTH, period=month).values_list("area", "data"):
        cells[area].add(Cell.from_json(data))
    for key, municipality, count in SourceCount.objects.filter(month=month).values_list(
        "key", "municipality", "count"
    ):
        merged = f.MERGED_SOURCES.get(key)
        if merged:
            cells[municipality].counts[merged] += count
        else:
            cells[municipality].sources[key] += count
    return cells


def _publish_month(month: date) -> None:
    county_of = dict(Municipality.objects.values_list("kommunenummer", "county_id"))
    parent_of: dict[tuple[str, str], tuple[str, str] | None] = {(COUNTRY, ""): None}
    for municipality, county in county_of.items():
        parent_of[(COUNTY, county)] = (COUNTRY, "")
        parent_of[(MUNICIPALITY, municipality)] = (COUNTY, county)
    cells = {(MUNICIPALITY, area): cell for area, cell in _month_cells(month).items() if area in county_of}
    _store(MONTH, month, publish(cells, parent_of), keep=COVERAGE)


def _publish_week(week: date) -> None:
    cells: dict[tuple[str, str], Cell] = {}
    for area, data in CellRow.objects.filter(grain=WEEK, period=week).values_list("area", "data"):
        cells[(OFFICE, area)] = Cell.from_json(data)
    parent_of: dict[tuple[str, str], tuple[str, str] | None] = {(COUNTRY, ""): None}
    parent_of.update({node: (COUNTRY, "") for node in cells})
    _store(WEEK, week, publish(cells, parent_of))


def _store(grain: str, period: date, rows: Iterable[Row], keep: tuple[str, ...] = ()) -> None:
    Published.objects.filter(grain=grain, period=period).exclude(figure__in=keep).delete()
    _insert(
        Published,
        ["grain", "level", "area", "period", "figure", "value", "suppressed"],
        [(grain, row.level, row.area, period, row.figure, row.value, row.suppressed) for row in rows],
    )


def connected_in(month: date, go_live: date | None, left: bool) -> bool:
    """Connected at the month's end: accepting now, and started by then (no onboarding: every month)."""
    if left:
        return False
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return go_live is None or go_live < following


def _publish_coverage(now: datetime) -> None:
    """Connected municipalities and inhabitants for every published month (cheap: one row per municipality)."""
    months = sorted(
        set(
            Published.objects.filter(grain=MONTH)
            .exclude(figure__in=COVERAGE)
            .values_list("period", flat=True)
        )
    )
    accepting = Municipality.objects.filter(
        service__can_receive_applications=True, service__receiving_temporarily_disabled=False
    )
    onboarding = {
        number: (go_live, stage in (Stage.LEFT,))
        for number, go_live, stage in Onboarding.objects.values_list(
            "municipality_id", "go_live_date", "stage"
        )
    }
    wanted: dict[tuple[str, str, date, str], float] = {}
    for number, county, population in accepting.values_list("kommunenummer", "county_id", "population"):
        go_live, left = onboarding.get(number, (None, False))
        for month in months:
            if not connected_in(month, go_live, left):
                continue
            for level, area in ((MUNICIPALITY, number), (COUNTY, county), (COUNTRY, "")):
                for figure, amount in zip(COVERAGE, (1, population or 0), strict=True):
                    wanted[(level, area, month, figure)] = (
                        wanted.get((level, area, month, figure), 0) + amount
                    )
    for month in months:
        wanted.setdefault((COUNTRY, "", month, COVERAGE[0]), 0)
        wanted.setdefault((COUNTRY, "", month, COVERAGE[1]), 0)
    existing = {
        (level, area, period, figure): (pk, value)
        for pk, level, area, period, figure, value in Published.objects.filter(
            grain=MONTH, figure__in=COVERAGE
        ).values_list("pk", "level", "area", "period", "figure", "value")
    }
    stale = [pk for key, (pk, value) in existing.items() if key not in wanted or value != wanted[key]]
    Published.objects.filter(pk__in=stale).delete()
    stale_keys = set(stale)
    _insert(
        Published,
        ["grain", "level", "area", "period", "figure", "value", "suppressed"],
        [
            (MONTH, level, area, period, figure, value, "")
            for (level, area, period, figure), value in wanted.items()
            if (level, area, period, figure) not in existing
            or existing[(level, area, period, figure)][0] in stale_keys
        ],
    )
