# s12-queues: CaseState carries its case's municipality, and follow-up's work queues read the read model by
# municipality from two partial indexes (docs/performance.md). Before, the overdue requests' count joined every
# overdue case of every municipality to its case to keep the municipality's own (980 rows for 490 at 10,000
# cases; at a million cases, the whole country's overdue cases on every page), and the § 11a queue joined
# every case of the municipality older than a month to the index of unanswered ones.
#
# The column is filled from the case in one UPDATE (the case's municipality never changes), then made NOT
# NULL: a writer that forgets it fails at once instead of leaving a case out of the queues.

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE exchange_casestate SET kommunenummer = "
    "(SELECT c.kommunenummer FROM exchange_case c WHERE c.id = exchange_casestate.case_id)"
)
# PostgreSQL: a join instead of one subquery per row (a million rows on the scale bench's database).
FILL_POSTGRESQL = (
    "UPDATE exchange_casestate s SET kommunenummer = c.kommunenummer FROM exchange_case c WHERE c.id = s.case_id"
)


def fill(apps, schema_editor) -> None:
    sql = FILL_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else FILL
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0014_s11scale_case_indexes"),
        ("municipalities", "0003_s9_onboard_test_mode"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestate",
            name="municipality",
            field=models.ForeignKey(
                db_column="kommunenummer",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.municipality",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="casestate",
            name="municipality",
            field=models.ForeignKey(
                db_column="kommunenummer",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.municipality",
            ),
        ),
        migrations.RemoveIndex(model_name="casestate", name="exchange_casestate_no_prelim"),
        migrations.AddIndex(
            model_name="casestate",
            index=models.Index(
                condition=models.Q(
                    ("preliminary_answer_at__isnull", True), ("status__in", ("SENDT", "MOTTATT", "UNDER_BEHANDLING"))
                ),
                fields=["municipality", "case"],
                name="exchange_casestate_unanswered",
            ),
        ),
        migrations.AddIndex(
            model_name="casestate",
            index=models.Index(
                condition=models.Q(("open_tasks__gt", 0)),
                fields=["municipality", "next_deadline"],
                name="exchange_casestate_overdue",
            ),
        ),
    ]
