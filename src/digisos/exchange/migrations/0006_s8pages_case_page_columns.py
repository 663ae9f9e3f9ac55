# s8-pages: the case page's parts of CaseState.view in columns of their own (case_state.page_columns), so that
# a page reads what it shows instead of cutting a year's view (some 100 kB) on every request. Filled from the
# stored view, which equals a fresh fold (the fold writes them from now on, and rebuild_case_state checks).

from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
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
