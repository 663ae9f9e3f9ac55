"""The indexes the pages and the statistics need at a million cases, and none that only cost writes
(docs/performance.md, "Which index carries each query"; checked at scale by `make bench-scale`'s EXPLAIN)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from digisos.exchange.models import Case

pytestmark = pytest.mark.django_db

# Two indexes of one table on the same columns, in the same order, with the same predicate: the second is
# never used by the planner and only costs every write and its disk.
DUPLICATES = """
SELECT t.relname, string_agg(i.relname, ', ' ORDER BY i.relname)
FROM pg_index AS x
JOIN pg_class AS i ON i.oid = x.indexrelid
JOIN pg_class AS t ON t.oid = x.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace AND n.nspname = 'public'
GROUP BY t.relname, x.indkey::text, x.indclass::text, coalesce(pg_get_expr(x.indexprs, x.indrelid), ''),
         coalesce(pg_get_expr(x.indpred, x.indrelid), '')
HAVING count(*) > 1
"""


def test_no_table_has_two_indexes_on_the_same_columns():
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATES)
        assert cursor.fetchall() == []


def test_the_hourly_statistics_update_finds_the_changed_cases_by_index():
    # insights.services.update's first question: which cases changed since the last run. Without an index on
    # updated_at PostgreSQL reads every case to answer it (a parallel sequential scan of 716 MB at a million
    # cases, growing with them); with it, the entries of the last hour. The planner is told not to scan (the
    # test database is small), so it scans only when there is no index to use.
    changed = Case.objects.filter(updated_at__gt=timezone.now() - timedelta(hours=1)).values_list("id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = changed.explain()
    assert "Seq Scan on exchange_case" not in plan and "updated_at" in plan, plan
