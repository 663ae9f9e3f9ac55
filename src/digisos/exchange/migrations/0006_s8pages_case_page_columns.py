# s8-pages: the case page's parts of CaseState.view in columns of their own (case_state.page_columns), so that
# a page reads what it shows instead of cutting a year's view (some 100 kB) on every request. Filled from the
# stored view, which equals a fresh fold (the fold writes them from now on, and rebuild_case_state checks).

from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        fill_in_sql(schema_editor)
        return
    from digisos.exchange.case_state import page_columns

    CaseState = apps.get_model("exchange", "CaseState")
    names = ["page_view", "payments", "recent_history", "payment_count", "history_count"]
    last = None
    while True:
        rows = CaseState.objects.order_by("pk").only("pk", "view")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows[:CHUNK])
        if not chunk:
            return
        for row in chunk:
            for name, value in page_columns(row.view or {}).items():
                setattr(row, name, value)
        CaseState.objects.bulk_update(chunk, names)
        last = chunk[-1].pk


# case_state.page_columns in one UPDATE: reading and writing every row through Python took hours at a million
# cases. `recent_history` is the last RECENT_HISTORY (20) timeline entries, in order; a view's list that is
# missing or not a list counts as empty, as `stored_view.get(...) or []` does.
FILL_SQL = """
UPDATE exchange_casestate SET
    page_view = COALESCE(view, '{}'::jsonb) - 'payments' - 'timeline',
    payments = CASE WHEN jsonb_typeof(view -> 'payments') = 'array' THEN view -> 'payments' ELSE '[]' END,
    recent_history = CASE WHEN jsonb_typeof(view -> 'timeline') = 'array' THEN COALESCE(
        (SELECT jsonb_agg(entry ORDER BY position)
         FROM jsonb_array_elements(view -> 'timeline') WITH ORDINALITY AS entries(entry, position)
         WHERE position > jsonb_array_length(view -> 'timeline') - %s),
        '[]') ELSE '[]' END,
    payment_count = CASE WHEN jsonb_typeof(view -> 'payments') = 'array'
        THEN jsonb_array_length(view -> 'payments') ELSE 0 END,
    history_count = CASE WHEN jsonb_typeof(view -> 'timeline') = 'array'
        THEN jsonb_array_length(view -> 'timeline') ELSE 0 END
"""


def fill_in_sql(schema_editor):
    from digisos.exchange.case_state import RECENT_HISTORY

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL_SQL, [RECENT_HISTORY])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0005_municipality_office")]

    operations = [
        migrations.AddField("casestate", "page_view", models.JSONField(default=dict)),
        migrations.AddField("casestate", "payments", models.JSONField(default=list)),
        migrations.AddField("casestate", "recent_history", models.JSONField(default=list)),
        migrations.AddField("casestate", "payment_count", models.PositiveIntegerField(default=0)),
        migrations.AddField("casestate", "history_count", models.PositiveIntegerField(default=0)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
