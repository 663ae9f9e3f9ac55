# s10b-scale: the parts of CaseState.view the statistics read (case_state.statistics_view) in a small column of
# their own, so that insights' full rebuild over a million cases does not detoast every case's whole view. Filled
# from the stored view (the fold writes it from now on).

from django.db import migrations, models

CHUNK = 500

FILL_SQL = """
UPDATE exchange_casestate SET statistics_view = jsonb_build_object(
    'timeline',
    CASE WHEN jsonb_path_exists(view, '$.timeline[*] ? (@.kind == "status_mottatt")')
        THEN jsonb_build_array(jsonb_build_object('kind', 'status_mottatt',
            'at', jsonb_path_query_first(view, '$.timeline[*] ? (@.kind == "status_mottatt").at')))
        ELSE '[]'::jsonb END
    || COALESCE((SELECT jsonb_agg(jsonb_build_object('kind', 'documents_requested', 'at', entry -> 'at')
                                  ORDER BY position)
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(view -> 'timeline') = 'array'
                                                THEN view -> 'timeline' ELSE '[]'::jsonb END)
                      WITH ORDINALITY AS entries(entry, position)
                 WHERE entry ->> 'kind' = 'documents_requested'), '[]'::jsonb),
    'preliminary_answer', view -> 'preliminary_answer',
    'tasks', jsonb_path_query_array(view, '$.tasks[*] ? (@.from_caseworker == true)'))
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FILL_SQL)
        return
    from digisos.exchange.case_state import statistics_view

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
            row.statistics_view = statistics_view(row.view or {})
        CaseState.objects.bulk_update(chunk, ["statistics_view"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("exchange", "0009_s10follow_queue_index")]

    operations = [
        migrations.AddField("casestate", "statistics_view", models.JSONField(default=dict)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
