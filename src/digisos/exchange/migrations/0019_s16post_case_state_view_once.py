# s16-post: CaseState keeps each part of the folded view once. The whole view had a column of its own beside its
# parts (page_view, payments, recent_history), so every report sent and PostgreSQL parsed the fold twice; the
# history before the newest RECENT_HISTORY entries, which only the whole view held, gets a column of its own
# (earlier_history) and the whole view goes (case_state.joined_view puts it together from the parts). Filled from
# the stored view, which equals a fresh fold (rebuild_case_state checks).

from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        fill_in_sql(schema_editor)
        return
    from digisos.exchange.case_state import page_columns

    CaseState = apps.get_model("exchange", "CaseState")
    last = None
    while True:
        rows = CaseState.objects.order_by("pk").only("pk", "view")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows[:CHUNK])
        if not chunk:
            return
        for row in chunk:
            row.earlier_history = page_columns(row.view or {})["earlier_history"]
        CaseState.objects.bulk_update(chunk, ["earlier_history"])
        last = chunk[-1].pk


# case_state.page_columns' earlier_history in one UPDATE (a million rows through Python took hours in 0006): the
# timeline's entries before its last RECENT_HISTORY (20), in order. Only rows with a longer history are written;
# the rest keep the column's default, an empty list, as a view's missing or non-list timeline does.
FILL_SQL = """
UPDATE exchange_casestate SET
    earlier_history = COALESCE(
        (SELECT jsonb_agg(entry ORDER BY position)
         FROM jsonb_array_elements(view -> 'timeline') WITH ORDINALITY AS entries(entry, position)
         WHERE position <= jsonb_array_length(view -> 'timeline') - %s),
        '[]')
WHERE CASE WHEN jsonb_typeof(view -> 'timeline') = 'array'
    THEN jsonb_array_length(view -> 'timeline') > %s ELSE false END
"""


def fill_in_sql(schema_editor):
    from digisos.exchange.case_state import RECENT_HISTORY

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL_SQL, [RECENT_HISTORY, RECENT_HISTORY])


# Back: the whole view from its parts, as case_state.joined_view puts it together.
UNFILL_SQL = """
UPDATE exchange_casestate SET
    view = page_view || jsonb_build_object('payments', payments, 'timeline', earlier_history || recent_history)
"""


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(UNFILL_SQL)
        return
    from digisos.exchange.case_state import joined_view

    CaseState = apps.get_model("exchange", "CaseState")
    for row in CaseState.objects.iterator(chunk_size=CHUNK):
        row.view = joined_view(row.page_view, row.payments, row.earlier_history, row.recent_history)
        row.save(update_fields=["view"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0018_s15ovpg_file_items")]

    operations = [
        migrations.AddField("casestate", "earlier_history", models.JSONField(default=list)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, unfill),
        migrations.RemoveField("casestate", "view"),
    ]
