# s10-follow: when the first foreløpig svar was given (forvaltningsloven § 11a), a column of the case read model
# for follow-up's queue of cases past one month without one, filled from the stored view's history (which equals
# a fresh fold; the fold writes it from now on, and rebuild_case_state checks it), and the queue's index.

from django.db import migrations, models

CHUNK = 500


def fill(apps, schema_editor):
    from digisos.exchange.case_state import preliminary_answer_at

    CaseState = apps.get_model("exchange", "CaseState")
    last = None
    while True:
        # Only the cases that had a foreløpig svar need a value; the rest stay empty.
        rows = CaseState.objects.order_by("pk").only("pk", "view")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows[:CHUNK])
        if not chunk:
            return
        changed = []
        for row in chunk:
            row.preliminary_answer_at = preliminary_answer_at(row.view or {})
            if row.preliminary_answer_at is not None:
                changed.append(row)
        CaseState.objects.bulk_update(changed, ["preliminary_answer_at"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("exchange", "0007_s10case_refold_case_state")]

    operations = [
        migrations.AddField(
            "casestate", "preliminary_answer_at", models.DateTimeField(blank=True, null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            "casestate",
            models.Index(
                condition=models.Q(
                    ("preliminary_answer_at__isnull", True),
                    ("status__in", ("SENDT", "MOTTATT", "UNDER_BEHANDLING")),
                ),
                fields=["case"],
                name="exchange_casestate_no_prelim",
            ),
        ),
    ]
