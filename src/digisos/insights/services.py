"""The hourly update and the full rebuild of the aggregate tables (the only writes of insights).

`update()` starts from the watermarks of the last run (insights.Run): the cases whose read model changed
(Case.updated_at, which every stored report and every send moves) and the ettersendelser delivered since. It
recomputes those cases' facts, then only the cells they touch — (municipality, month) and (NAV office, week),
old and new place — then publishes only the touched periods again. `rebuild()` empties the tables and runs the
same code over everything, so an update and a rebuild give the same tables (tests/insights/test_update.py).
"""

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

import structlog
from django.db import connection, models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from digisos.core import statistics_sources
from digisos.exchange.models import Case, Delivery
from digisos.municipalities.models import GeographicArea, Municipality
from digisos.onboarding.models import Onboarding, Stage

from . import figures as f
from .facts import HISTOGRAMS, PAPER, SHORT, STANDARD, CaseFacts, Cell, case_facts, month_of, week_of
from .models import (
    AnalystSnapshot,
    AnalystWeek,
    CaseFact,
    DeletedCase,
    EttersendelseFact,
    Published,
    Run,
    SourceCount,
)
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
        for model in (CaseFact, EttersendelseFact, DeletedCase, CellRow, SourceCount, Published, Run):
            model.objects.all().delete()
        return update(full=True)


def update(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    with transaction.atomic():
        run, _ = Run.objects.select_for_update().get_or_create(name=RUN)
        if connection.vendor == "postgresql":
            # The facts statement's estimated cost switches JIT compilation on: 0.17 s of its 0.8 s for 2,300
            # changed cases (EXPLAIN ANALYZE on the 230,000-case bench), for a statement that runs once.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        full = full or run.finished_at is None
        since = None if full else run.cases_since
        newest_delivery = Delivery.objects.aggregate(newest=Max("id"))["newest"] or 0
        started = time.monotonic()
        if since is None:
            DeletedCase.objects.all().delete()  # every fact is made again from the cases there are
            _refresh_facts(None)
            _refresh_ettersendelse_facts(None)
            case_count = CaseFact.objects.count()
            facts_done = time.monotonic()
            changed_periods = _recompute_cells()
        else:
            # The changed cases, the cases of new ettersendelser (their answered-on-time fact may change) and
            # the deleted cases (facts without a case any more): each one's stored facts are taken out of the
            # cells they were counted in and its new facts added; no cell is regrouped from all its facts.
            new_ettersendelser = Delivery.objects.filter(
                kind=Delivery.Kind.ETTERSENDELSE, id__gt=run.delivery_id, id__lte=newest_delivery
            )
            case_ids = set(Case.objects.filter(updated_at__gt=since - OVERLAP).values_list("id", flat=True))
            case_ids |= set(new_ettersendelser.values_list("case_id", flat=True))
            case_ids |= _deleted_cases()
            ordered = sorted(case_ids, key=str)
            difference: dict[tuple[str, str, date], Cell] = defaultdict(Cell)
            old, new = _refresh_case_facts(ordered)
            _add_cases(difference, old, -1)
            _add_cases(difference, new, 1)
            old_sent, new_sent = _refresh_ettersendelse_facts(ordered)
            _add_ettersendelser(difference, old_sent, -1)
            _add_ettersendelser(difference, new_sent, 1)
            case_count = len(case_ids)
            facts_done = time.monotonic()
            changed_periods = _apply_difference(difference)
        cells_done = time.monotonic()
        # Only the periods whose cells changed are published again, and of those only the rows that changed.
        touched_months = {period for grain, period in changed_periods if grain == MONTH}
        touched_months |= _refresh_sources(None if since is None else run.finished_at)
        touched_weeks = {period for grain, period in changed_periods if grain == WEEK}
        county_of = dict(Municipality.objects.values_list("kommunenummer", "county_id"))
        for month in sorted(touched_months):
            _publish_month(month, county_of)
        for week in sorted(touched_weeks):
            _publish_week(week)
        # The analysts' weeks are not protected here: that is protect_analysts(), its own job after this one
        # (it took 40 s of this update at a million cases, four times the update's 10 s).
        _publish_coverage(now)
        run.cases_since = now
        run.delivery_id = newest_delivery
        run.finished_at = now
        run.save()
    result = {"cases": case_count, "months": len(touched_months), "weeks": len(touched_weeks)}
    # Where the time went (the bench prints these; at a million cases the facts and the cells are most of it).
    seconds = {
        "facts_s": facts_done - started,
        "cells_s": cells_done - facts_done,
        "publish_s": time.monotonic() - cells_done,
    }
    result |= {key: round(value, 2) for key, value in seconds.items()}
    log.info("insights.updated", full=full, **result)
    return result


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def case_deleted(sender, instance: Case, **kwargs) -> None:
    """post_delete of a Case (apps.py): marks it for the next update, in the deleting transaction."""
    DeletedCase.objects.get_or_create(case_id=instance.pk)


def _deleted_cases() -> set:
    """The cases deleted since the last update (their marks are removed: this run takes their facts out)."""
    marks = DeletedCase.objects.all()
    gone = set(marks.values_list("case_id", flat=True))
    if gone:
        marks.filter(case_id__in=gone).delete()
    return gone


def _refresh_case_facts(case_ids: list) -> tuple[list[CaseFacts], list[CaseFacts]]:
    """These cases' facts again; returns their stored facts before and their facts now (none for a case that
    no longer exists)."""
    if connection.vendor == "postgresql":
        return _refresh_facts_in_sql(case_ids)
    old: list[CaseFacts] = []
    new: list[CaseFacts] = []
    for chunk in _chunks(case_ids, CHUNK):
        chunk_old, chunk_new = _refresh_facts(chunk)
        old += chunk_old
        new += chunk_new
    return old, new


def _refresh_facts(case_ids: list | None) -> tuple[list[CaseFacts], list[CaseFacts]]:
    """Recomputes these cases' facts in Python (None: every case, into emptied tables; PostgreSQL computes
    every case's in SQL then); returns their old and new facts (none kept on a full run)."""
    old: list[CaseFacts] = []
    new_facts: list[CaseFacts] = []
    if case_ids is None:
        CaseFact.objects.all().delete()  # empty already in a rebuild; a first run starts from nothing too
        if connection.vendor == "postgresql":
            _insert_all_facts_in_sql()
            return old, new_facts
    else:
        stored = CaseFact.objects.filter(case_id__in=case_ids)
        old = [CaseFacts(*row) for row in stored.values_list(*FACT_FIELDS)]
        stored.delete()
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
        if case_ids is not None:
            new_facts.append(facts)
        if len(new) >= CHUNK:
            _insert(CaseFact, ["case_id", *FACT_FIELDS], new)
            new = []
    _insert(CaseFact, ["case_id", *FACT_FIELDS], new)
    return old, new_facts


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


# On PostgreSQL a rebuild computes every case's facts in one INSERT ... SELECT over the read model's narrow
# columns (CaseState.statistics_view, decisions), the same rules as facts.case_facts (mind that GREATEST ignores a
# NULL, hence the IS NOT NULL before each duration): a million cases never pass
# through Python, and no case's whole folded view is read. The hourly update runs the same statement restricted
# to its changed cases (_PG_CHANGED): case_facts cost about 0.3 ms a case in Python, 6 s for the 21,000 cases a
# change spread over all history brings at a million cases. The quick start's SQLite goes through case_facts.
_PG_FACTS = """
INSERT INTO insights_casefact (case_id, municipality, office, month, week, channel, received_hours,
    preliminary_hours, decision_hours, decided_without_request, requested, answered_on_time)
SELECT x.id, x.kommunenummer, x.office,
    date_trunc('month', x.sent AT TIME ZONE 'Europe/Oslo')::date,
    date_trunc('week', x.sent AT TIME ZONE 'Europe/Oslo')::date,
    x.channel,
    CASE WHEN NOT x.paper AND x.received IS NOT NULL
        THEN GREATEST(0, floor(extract(epoch FROM x.received - x.sent) / 3600))::int END,
    CASE WHEN NOT x.paper AND x.preliminary IS NOT NULL
        THEN GREATEST(0, floor(extract(epoch FROM x.preliminary - x.sent) / 3600))::int END,
    CASE WHEN NOT x.paper AND x.decided IS NOT NULL
        THEN GREATEST(0, floor(extract(epoch FROM x.decided - x.sent) / 3600))::int END,
    NOT x.paper AND x.decided IS NOT NULL AND (x.first_request IS NULL OR x.first_request >= x.decided),
    NOT x.paper AND x.first_request IS NOT NULL,
    NOT x.paper AND x.first_request IS NOT NULL AND EXISTS (
        SELECT 1 FROM exchange_delivery AS e
        WHERE e.case_id = x.id AND e.kind = 'ettersendelse' AND e.created_at >= x.first_request
          AND (e.created_at <= COALESCE(
                (SELECT min((t ->> 'deadline')::timestamptz)
                 FROM jsonb_array_elements(COALESCE(x.sv -> 'tasks', '[]'::jsonb)) AS t
                 WHERE t ->> 'from_caseworker' = 'true' AND COALESCE(t ->> 'deadline', '') <> ''
                   AND (t ->> 'requested_at')::timestamptz = x.first_request),
                x.decided) IS NOT FALSE))
FROM (
    SELECT c.id, c.kommunenummer, COALESCE(NULLIF(s.office, ''), NULLIF(c.enhetsnummer, ''), '') AS office,
        COALESCE(a.sent_at, c.created_at) AS sent,
        a.variant IS NULL AS paper,
        CASE WHEN a.variant IS NULL THEN 'paper' WHEN a.variant = 'kort' THEN 'kort' ELSE 'standard' END AS channel,
        CASE WHEN s.statistics_view #>> '{timeline,0,kind}' = 'status_mottatt'
            THEN (s.statistics_view #>> '{timeline,0,at}')::timestamptz END AS received,
        (s.statistics_view #>> '{preliminary_answer,at}')::timestamptz AS preliminary,
        (SELECT min((d ->> 'at')::timestamptz) FROM jsonb_array_elements(COALESCE(s.decisions, '[]'::jsonb)) AS d
         WHERE COALESCE(d ->> 'at', '') <> '') AS decided,
        (SELECT min((r ->> 'at')::timestamptz)
         FROM jsonb_array_elements(COALESCE(s.statistics_view -> 'timeline', '[]'::jsonb)) AS r
         WHERE r ->> 'kind' = 'documents_requested') AS first_request,
        s.statistics_view AS sv
    FROM exchange_case AS c
    LEFT JOIN application_application AS a ON a.id = c.application_id
    LEFT JOIN exchange_casestate AS s ON s.case_id = c.id
    {where}
) AS x
"""
_PG_CHANGED = "WHERE c.id = ANY(%s::uuid[])"


def _insert_all_facts_in_sql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_PG_FACTS.replace("{where}", ""))


def _refresh_facts_in_sql(case_ids: list) -> tuple[list[CaseFacts], list[CaseFacts]]:
    """These cases' facts again, each step one statement (PostgreSQL); returns their old and new facts (as
    _refresh_case_facts)."""
    if not case_ids:
        return [], []
    returning = " RETURNING " + ", ".join(FACT_FIELDS)
    delete = "DELETE FROM insights_casefact WHERE case_id = ANY(%s::uuid[])" + returning  # noqa: S608 (constant)
    with connection.cursor() as cursor:
        cursor.execute(delete, [case_ids])
        old = [CaseFacts(*row) for row in cursor.fetchall()]
        cursor.execute(_PG_FACTS.replace("{where}", _PG_CHANGED) + returning, [case_ids])  # constant SQL
        new = [CaseFacts(*row) for row in cursor.fetchall()]
    return old, new


# Where each ettersendelse is counted (EttersendelseFact): the same rules as _ettersendelse_rows below, which
# the quick start's SQLite runs (Django's TruncMonth/TruncWeek with the Oslo time zone are these date_truncs).
_PG_ETTERSENDELSER = """
INSERT INTO insights_ettersendelsefact (delivery_id, case_id, municipality, month, office, week)
SELECT d.id, d.case_id, d.kommunenummer,
    date_trunc('month', d.created_at AT TIME ZONE 'Europe/Oslo')::date,
    s.office,
    date_trunc('week', d.created_at AT TIME ZONE 'Europe/Oslo')::date
FROM exchange_delivery AS d
LEFT JOIN exchange_casestate AS s ON s.case_id = d.case_id
WHERE d.kind = 'ettersendelse' {where}
"""
ETTERSENDELSE_PLACE = ["municipality", "month", "office", "week"]


def _refresh_ettersendelse_facts(case_ids: list | None) -> tuple[list[tuple], list[tuple]]:
    """The places of these cases' ettersendelser again (None: every one, into an emptied table); returns the
    (municipality, month, office, week) each was counted in and is counted in now (none kept on a full run)."""
    columns = ["delivery_id", "case_id", "municipality", "month", "office", "week"]
    if case_ids is None:
        EttersendelseFact.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_PG_ETTERSENDELSER.replace("{where}", ""))
        else:
            for chunk in _chunks(_ettersendelse_rows(None), CHUNK):
                _insert(EttersendelseFact, columns, chunk)
        return [], []
    if connection.vendor == "postgresql":
        returning = " RETURNING " + ", ".join(ETTERSENDELSE_PLACE)
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM insights_ettersendelsefact WHERE case_id = ANY(%s::uuid[])" + returning,  # noqa: S608
                [case_ids],
            )
            old = cursor.fetchall()
            cursor.execute(
                _PG_ETTERSENDELSER.replace("{where}", "AND d.case_id = ANY(%s::uuid[])") + returning,
                [case_ids],
            )
            return old, cursor.fetchall()
    old, new = [], []
    for chunk in _chunks(case_ids, CHUNK):
        stored = EttersendelseFact.objects.filter(case_id__in=chunk)
        old += list(stored.values_list(*ETTERSENDELSE_PLACE))
        stored.delete()
        rows = list(_ettersendelse_rows(chunk))
        _insert(EttersendelseFact, columns, rows)
        new += [row[2:] for row in rows]
    return old, new


def _ettersendelse_rows(case_ids: list | None) -> Iterator[tuple]:
    deliveries = Delivery.objects.filter(kind=Delivery.Kind.ETTERSENDELSE)
    if case_ids is not None:
        deliveries = deliveries.filter(case_id__in=case_ids)
    for pk, case_id, municipality, created, office in deliveries.values_list(
        "id", "case_id", "municipality_id", "created_at", "case__state__office"
    ).iterator(chunk_size=CHUNK):
        yield pk, _uuid_param(case_id), municipality, month_of(created), office, week_of(created)


def _case_rows(case_ids: list | None) -> Iterator[tuple]:
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(id__in=case_ids)
    for *head, statistics_view in cases.values_list(
        "id",
        "municipality_id",
        "office_id",
        "created_at",
        "application__variant",
        "application__sent_at",
        "state__office",
        "state__decisions",
        "state__statistics_view",
    ).iterator(chunk_size=CHUNK):
        yield (*head, statistics_view or {})


def _add_cases(difference: dict, facts: Iterable[CaseFacts], times: int) -> None:
    for fact in facts:
        difference[(MONTH, fact.municipality, fact.month)].add_case(fact, times)
        difference[(WEEK, fact.office, fact.week)].add_case(fact, times)


def _add_ettersendelser(difference: dict, places: Iterable[tuple], times: int) -> None:
    for municipality, month, office, week in places:
        difference[(MONTH, municipality, month)].counts["ettersendelser"] += times
        if office is not None:  # a case without a read model yet: no office's week counts it (as a rebuild)
            difference[(WEEK, office, week)].counts["ettersendelser"] += times


def _apply_difference(difference: dict[tuple[str, str, date], Cell]) -> set[tuple[str, date]]:
    """Adds each cell's difference (new facts minus old) to its stored contents: counts and hour histograms
    both add up, so the medians and 90th percentiles published from the histograms need no regrouping either.
    Reads and writes only the cells whose difference is not zero; returns their (grain, period)s."""
    touched = [key for key, cell in difference.items() if not cell.is_empty()]
    stored = _stored_cells(touched)
    stale: list[int] = []
    fresh: list[tuple] = []
    for key in touched:
        pk, data = stored.get(key, (None, None))
        new = with_difference(data, difference[key])
        if pk is not None:
            stale.append(pk)
        if new is not None:
            fresh.append((*key, json.dumps(new)))
    for chunk in _chunks(stale, CHUNK):
        CellRow.objects.filter(pk__in=chunk).delete()
    _insert(CellRow, ["grain", "area", "period", "data"], fresh)
    return {(grain, period) for grain, _, period in touched}


def with_difference(data: dict | None, difference: Cell) -> dict | None:
    """A stored cell's contents (None: no row) with a difference added; None when nothing is left (the row is
    deleted, as a rebuild would not make it)."""
    cell = Cell.from_json(data or {})
    cell.add(difference)
    if any(value < 0 for value in _all_values(cell)):
        # Only if the stored facts and cells disagree (a bug, or a hand edit): `insights_rebuild` mends it.
        log.error("insights.cell_negative")
    return None if cell.is_empty() else cell.to_json()


def _all_values(cell: Cell) -> Iterator[int]:
    yield from cell.counts.values()
    for histogram in cell.histograms.values():
        yield from histogram.values()


def _stored_cells(keys: list[tuple[str, str, date]]) -> dict[tuple[str, str, date], tuple[int, dict]]:
    """The stored cells of exactly these (grain, area, period)s, through the unique index on (grain, period,
    area): a change spread over every month and municipality reads the cells it touches, not whole periods."""
    found: dict[tuple[str, str, date], tuple[int, dict]] = {}
    per_statement = max(1, min(500, (connection.features.max_query_params or 999) // 3))
    table = connection.ops.quote_name(CellRow._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), per_statement):
            batch = keys[start : start + per_statement]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"SELECT id, grain, area, period, data FROM {table} "  # noqa: S608 (names from the model)
                f"WHERE (grain, period, area) IN (VALUES {values})",
                [value for grain, area, period in batch for value in (grain, period, area)],
            )
            for pk, grain, area, period, data in cursor.fetchall():
                if not isinstance(period, date):
                    period = date.fromisoformat(period)  # SQLite gives the text it stores
                found[(grain, area, period)] = (pk, json.loads(data) if isinstance(data, str) else data)
    return found


def _recompute_cells() -> set[tuple[str, date]]:
    """Every cell from the facts with a few grouped queries (the full run); writes only the cells whose contents
    changed and returns their (grain, period)s."""
    changed: set[tuple[str, date]] = set()
    for grain in (MONTH, WEEK):
        new = _cells(grain)
        old = {
            (area, period): (pk, data)
            for pk, area, period, data in CellRow.objects.filter(grain=grain).values_list(
                "pk", "area", "period", "data"
            )
        }
        new_data = {key: cell.to_json() for key, cell in new.items() if not cell.is_empty()}
        stale = [pk for key, (pk, data) in old.items() if new_data.get(key) != data]
        fresh = [key for key, data in new_data.items() if key not in old or old[key][1] != data]
        for chunk in _chunks(stale, CHUNK):
            CellRow.objects.filter(pk__in=chunk).delete()
        _insert(
            CellRow,
            ["grain", "area", "period", "data"],
            [(grain, area, period, json.dumps(new_data[(area, period)])) for area, period in fresh],
        )
        stale_keys = set(stale)
        changed |= {(grain, period) for _, period in fresh}
        changed |= {(grain, period) for (_, period), (pk, _) in old.items() if pk in stale_keys}
    return changed


def _cells(grain: str) -> dict[tuple[str, date], Cell]:
    """Every cell of a grain from grouped queries over the case facts and the ettersendelse facts."""
    area_field, period_field = ("municipality", "month") if grain == MONTH else ("office", "week")
    facts = CaseFact.objects.all()
    cells: dict[tuple[str, date], Cell] = defaultdict(Cell)
    digital = ~Q(channel=PAPER)
    counts = (
        facts.values(area_field, period_field)
        .order_by()
        .annotate(
            digital_standard=Count("pk", filter=Q(channel=STANDARD)),
            digital_short=Count("pk", filter=Q(channel=SHORT)),
            paper=Count("pk", filter=Q(channel=PAPER)),
            decided_n=Count("pk", filter=digital & Q(decision_hours__isnull=False)),
            decided_without_request_n=Count(
                "pk", filter=digital & Q(decision_hours__isnull=False, decided_without_request=True)
            ),
            requested_n=Count("pk", filter=digital & Q(requested=True)),
            answered_on_time_n=Count("pk", filter=digital & Q(answered_on_time=True)),
        )
    )
    for row in counts:
        cell = cells[(row.pop(area_field), row.pop(period_field))]
        cell.counts.update({key: value for key, value in row.items() if value})
    for name in HISTOGRAMS:
        hours = f"{name}_hours"
        grouped = (
            facts.filter(**{f"{hours}__isnull": False})
            .exclude(channel=PAPER)
            .values_list(area_field, period_field, hours)
            .order_by()
            .annotate(n=Count("pk"))
        )
        for area, period, value, n in grouped:
            cells[(area, period)].histograms[name][value] = n
    # A case without a read model yet has no office: no week counts its ettersendelser.
    sent = EttersendelseFact.objects.filter(**{f"{area_field}__isnull": False})
    grouped = sent.values_list(area_field, period_field).order_by().annotate(n=Count("pk"))
    for area, period, n in grouped:
        cells[(area, period)].counts["ettersendelser"] += n
    return cells


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
    # One stored cell per area and month (insights_cell_once): each is read as it is, not added to an empty one.
    cells: dict[str, Cell] = {
        area: Cell.from_json(data)
        for area, data in CellRow.objects.filter(grain=MONTH, period=month).values_list("area", "data")
    }
    for key, municipality, count in SourceCount.objects.filter(month=month).values_list(
        "key", "municipality", "count"
    ):
        if municipality not in cells:
            cells[municipality] = Cell()
        merged = f.MERGED_SOURCES.get(key)
        if merged:
            cells[municipality].counts[merged] += count
        else:
            cells[municipality].sources[key] += count
    return cells


def _publish_month(month: date, county_of: dict[str, str] | None = None) -> None:
    if county_of is None:
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
    """Writes a period's published rows: only those that changed are deleted and inserted again."""
    # A plain cursor: the ORM's row iteration cost as much as the query for a month's 5,000 rows, and every
    # period touched by a spread update is read here.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, level, area, figure, value, suppressed FROM insights_published "
            "WHERE grain = %s AND period = %s",
            [grain, period],
        )
        existing = {
            (level, area, figure): (pk, value, suppressed)
            for pk, level, area, figure, value, suppressed in cursor.fetchall()
            if figure not in keep
        }
    wanted = {(row.level, row.area, row.figure): (row.value, row.suppressed) for row in rows}
    _write_changed(
        Published,
        ["grain", "level", "area", "period", "figure", "value", "suppressed"],
        existing,
        wanted,
        lambda key, values: (grain, key[0], key[1], period, key[2], *values),
    )


def _write_changed(
    model: type[models.Model],
    columns: list[str],
    existing: dict[tuple, tuple],
    wanted: dict[tuple, tuple],
    row_of: Callable[[tuple, tuple], tuple],
) -> None:
    """Makes the stored rows equal to `wanted` (key → values), given `existing` (key → (pk, *values)): only the
    rows whose values changed are deleted and inserted again (`row_of` gives an inserted row's columns)."""
    stale = [pk for key, (pk, *old) in existing.items() if wanted.get(key) != tuple(old)]
    for chunk in _chunks(stale, CHUNK):
        model.objects.filter(pk__in=chunk).delete()
    stale_keys = set(stale)
    _insert(
        model,
        columns,
        [
            row_of(key, values)
            for key, values in wanted.items()
            if key not in existing or existing[key][0] in stale_keys
        ],
    )


ANALYSTS = "analysts"  # the AnalystSnapshot row


def analysts_due() -> bool:
    """The analysts' weeks are older than the published figures (an update ran since the last protection)."""
    figures_of = Run.objects.filter(name=RUN).values_list("finished_at", flat=True).first()
    if figures_of is None:
        return False  # nothing published yet
    protected = AnalystSnapshot.objects.filter(name=ANALYSTS).values_list("figures_of", flat=True).first()
    return protected != figures_of


def protect_analysts(*, force: bool = False, budget_seconds: float | None = None) -> dict:
    """The analysts' job (settings.PERIODIC_TASKS "insights.protect_analysts", after the hourly update): protects
    the published weeks together with the public months of one snapshot (insights/analyst.py) and stores the
    weeks as analysts may see them in AnalystWeek, with the snapshot's time in AnalystSnapshot. Runs only when
    the figures changed since its last run, unless `force` (the rebuild command).

    Consistent: the published rows are read while holding the update's lock (insights.Run), so they are all
    of one finished update, never half of one. Fail-closed: the protection's rounds get `budget_seconds`
    (settings.INSIGHTS_ANALYST_BUDGET_SECONDS) shared by the figures; past it, every week still shown in the
    months of anything still pinned is hidden at once (analyst.protect). A job that fails writes nothing: the
    analysts keep the previous snapshot, whole."""
    from django.conf import settings

    if not force and not analysts_due():
        return {"skipped": True}
    started = time.monotonic()
    taken_at = timezone.now()
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(name=RUN).first()
        if run is None or run.finished_at is None:
            return {"skipped": True}
        figures_of = run.finished_at
        snapshot = _analyst_snapshot()
    read_done = time.monotonic()
    budget = settings.INSIGHTS_ANALYST_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    wanted, over_budget, counts = _protect_snapshot(snapshot, budget)
    protect_done = time.monotonic()
    with transaction.atomic():
        current = AnalystSnapshot.objects.select_for_update().filter(name=ANALYSTS).first()
        if current is not None and current.figures_of > figures_of:
            # A job that read a newer snapshot finished first (two workers): keep its weeks.
            return {"skipped": True}
        _store_analyst_weeks(wanted)
        AnalystSnapshot.objects.update_or_create(
            name=ANALYSTS,
            defaults={
                "figures_of": figures_of,
                "taken_at": taken_at,
                "seconds": time.monotonic() - started,
                "over_budget": over_budget,
            },
        )
    result = {
        "weeks": len(wanted),
        "hidden": sum(counts.values()),
        "over_budget": over_budget,
        "read_s": round(read_done - started, 2),
        "protect_s": round(protect_done - read_done, 2),
        "store_s": round(time.monotonic() - protect_done, 2),
    }
    log.info("insights.analysts_protected", **result)
    return result


@dataclass
class _Snapshot:
    """What the analysts' protection reads in one consistent moment: every published week row, the linked
    figures' month rows, the municipalities' counties, the office–municipality pairs, and whether an inbox
    municipality entered paper counts."""

    weeks: list[tuple]  # (level, area, period, figure, value, suppressed)
    months: list[tuple]
    county_of: dict[str, str]
    pairs: set[tuple[str, str]]
    inbox: bool


def _analyst_snapshot() -> _Snapshot:
    from . import analyst

    fields = ("level", "area", "period", "figure", "value", "suppressed")
    weeks = list(Published.objects.filter(grain=WEEK).values_list(*fields))
    months = list(Published.objects.filter(grain=MONTH, figure__in=analyst.LINKED).values_list(*fields))
    county_of = dict(Municipality.objects.values_list("kommunenummer", "county_id"))
    offices = {area for level, area, *_rest in weeks if level == OFFICE}
    # Which office's cases can be which municipality's: those that are (the case facts), and those the
    # register says (anyone can look that up); offices with no week published have no cases.
    pairs = set(CaseFact.objects.order_by().values_list("office", "municipality").distinct())
    pairs |= set(
        GeographicArea.objects.filter(office_id__in=offices)
        .order_by()
        .values_list("office_id", "municipality_id")
        .distinct()
    )
    inbox = SourceCount.objects.filter(key="paper_applications_inbox").exists()
    return _Snapshot(weeks, months, county_of, pairs, inbox)


def _protect_snapshot(
    snapshot: _Snapshot, budget_seconds: float
) -> tuple[dict[tuple[str, str, date, str], tuple[float | None, str]], bool, dict[str, int]]:
    """The week rows as analysts may see them: {(level, area, week, figure): (value, mark)}, whether the budget
    ran out, and the number of weeks hidden per figure beyond their own week's suppression."""
    from . import analyst

    tables: dict[tuple[str, str], dict] = defaultdict(dict)
    periods: dict[str, set] = defaultdict(set)
    for grain, rows in ((WEEK, snapshot.weeks), (MONTH, snapshot.months)):
        for level, area, period, figure, value, suppressed in rows:
            periods[grain].add(period)
            if figure in analyst.LINKED:
                tables[(grain, figure)][(level, area, period)] = analyst.Published(value, suppressed)
    # Every period the statistics have (the country's row may be missing for one figure: 0, "under 5").
    for (grain, _figure), table in tables.items():
        for period in periods[grain]:
            table.setdefault((COUNTRY, "", period), analyst.Published(None, Published.Suppressed.UNDER_5))
    county_of = snapshot.county_of
    pairs = sorted((o, k) for o, k in snapshot.pairs if k in county_of)
    deadline = time.monotonic() + budget_seconds
    over_budget = False
    extra: dict[tuple[str, str, date, str], str] = {}
    # The figures with both weeks and months published (a figure with none has nothing to protect).
    linked = [key for key in analyst.LINKED if tables.get((WEEK, key)) and tables.get((MONTH, key))]
    for index, figure in enumerate(linked):
        weeks, months = tables[(WEEK, figure)], tables[(MONTH, figure)]
        # The budget left, shared by the figures still to protect.
        share = max(0.0, (deadline - time.monotonic()) / (len(linked) - index))
        protect_started = time.monotonic()
        marks = analyst.protect(
            weeks,
            months,
            county_of,
            pairs,
            inbox=snapshot.inbox and figure == analyst.INBOX_FIGURE,
            budget_seconds=share,
        )
        over_budget = over_budget or time.monotonic() - protect_started > share
        extra |= {(level, area, week, figure): mark for (level, area, week), mark in marks.items()}
    for derived, inputs in analyst.DERIVED.items():
        for level, area, week, figure in list(extra):
            if figure in inputs:
                extra[(level, area, week, derived)] = Published.Suppressed.WITHHELD
    wanted: dict[tuple[str, str, date, str], tuple[float | None, str]] = {}
    counts: dict[str, int] = defaultdict(int)
    for level, area, period, figure, value, suppressed in snapshot.weeks:
        mark = extra.get((level, area, period, figure), "")
        if mark == analyst.MASKED:
            # A week «under 5» the months would pin: «skjult», as a week hidden to protect another (no range).
            mark = Published.Suppressed.SECONDARY
        elif suppressed:
            mark = ""
        if mark:
            counts[figure] += 1
            wanted[(level, area, period, figure)] = (None, mark)
        else:
            wanted[(level, area, period, figure)] = (value, suppressed)
    return wanted, over_budget, dict(counts)


def _store_analyst_weeks(wanted: dict[tuple[str, str, date, str], tuple[float | None, str]]) -> None:
    """Makes AnalystWeek equal to `wanted`: only the rows that changed are deleted and inserted again."""
    existing = {
        (level, area, period, figure): (pk, value, suppressed)
        for pk, level, area, period, figure, value, suppressed in AnalystWeek.objects.values_list(
            "pk", "level", "area", "period", "figure", "value", "suppressed"
        )
    }
    _write_changed(
        AnalystWeek,
        ["level", "area", "period", "figure", "value", "suppressed"],
        existing,
        wanted,
        lambda key, values: (*key, *values),
    )


def connected_in(month: date, go_live: date | None, left: bool) -> bool:
    """Connected at the month's end: accepting now, and started by then (no onboarding: every month)."""
    if left:
        return False
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return go_live is None or go_live < following


def _publish_coverage(now: datetime) -> None:
    """Connected municipalities and inhabitants for every published month (cheap: one row per municipality)."""
    # DISTINCT in the database: every published month's figures are about 5,000 rows, all read every hour before.
    months = sorted(
        Published.objects.filter(grain=MONTH)
        .exclude(figure__in=COVERAGE)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
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
