# s11-inboxlist: who applied, as a column of the case (Case.applicant_name), set when the case is made from the
# sent application; filled here from each application's register snapshot (which never changes after sending).
# The caseworker's inbox list reads it instead of three keys of every listed application's snapshot.

from django.db import migrations, models

CHUNK = 1000

FILL_SQL = """
UPDATE exchange_case AS c
SET applicant_name = left(concat_ws(' ',
        nullif(a.registers #>> '{person,given_name}', ''),
        nullif(a.registers #>> '{person,middle_name}', ''),
        nullif(a.registers #>> '{person,family_name}', '')), 300)
FROM application_application AS a
WHERE a.id = c.application_id
  AND concat_ws(' ', a.registers #>> '{person,given_name}', a.registers #>> '{person,middle_name}',
                a.registers #>> '{person,family_name}') <> ''
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FILL_SQL)
        return
    from digisos.application.summary import registered_name

    Case = apps.get_model("exchange", "Case")
    last = None
    while True:
        rows = Case.objects.filter(application__isnull=False).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows.select_related("application").only("pk", "application__registers")[:CHUNK])
        if not chunk:
            return
        for case in chunk:
            case.applicant_name = registered_name(case.application.registers)[:300]
        Case.objects.bulk_update(chunk, ["applicant_name"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0011_s11follow_followup_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="applicant_name",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
