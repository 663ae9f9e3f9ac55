# s11-follow: the parts of CaseState.view follow-up's person overview reads (case_state.followup_view) in a small
# column of their own, so that a person's 200 cases are not 200 detoasted page views and payment lists on every
# look. Filled from the stored page view and payments (the fold writes it from now on); `rebuild_case_state`
# gives the same.

from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
    from digisos.exchange.case_state import followup_view

    CaseState = apps.get_model("exchange", "CaseState")
    last = None
    while True:
        rows = CaseState.objects.order_by("pk").only("pk", "page_view", "payments")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows[:CHUNK])
        if not chunk:
            return
        for row in chunk:
            row.followup_view = followup_view({**(row.page_view or {}), "payments": row.payments or []})
        CaseState.objects.bulk_update(chunk, ["followup_view"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("exchange", "0010_s10b_scale_statistics_view")]

    operations = [
        migrations.AddField("casestate", "followup_view", models.JSONField(default=dict)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
