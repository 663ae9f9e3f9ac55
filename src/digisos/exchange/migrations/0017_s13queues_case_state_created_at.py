# s13-queues: CaseState carries its case's creation (its receipt), and follow-up's § 11a queue reads the read
# model alone, a range of one partial index by (municipality, case_created_at) instead of the join of the index
# of unanswered cases to the cases (docs/performance.md, "Follow-up's work queues"). With the join, which table
# to start from depended on the data, PostgreSQL judged its one generic plan for the queues' statement dearer
# than a plan for each request's values, and planned the statement again at every request.
#
# The column is filled from the case in one UPDATE (the case's creation never changes), then made NOT NULL: a
# writer that forgets it fails at once instead of leaving a case out of the queue.

from django.db import migrations, models

FILL = (
    "UPDATE exchange_casestate SET case_created_at = "
    "(SELECT c.created_at FROM exchange_case c WHERE c.id = exchange_casestate.case_id)"
)
# PostgreSQL: a join instead of one subquery per row (a million rows on the scale bench's database).
FILL_POSTGRESQL = (
    "UPDATE exchange_casestate s SET case_created_at = c.created_at FROM exchange_case c WHERE c.id = s.case_id"
)


def fill(apps, schema_editor) -> None:
    sql = FILL_POSTGRESQL if schema_editor.connection.vendor == "postgresql" else FILL
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0016_s13overview_case_items"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestate",
            name="case_created_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="casestate",
            name="case_created_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(model_name="casestate", name="exchange_casestate_unanswered"),
        migrations.AddIndex(
            model_name="casestate",
            index=models.Index(
                condition=models.Q(
                    ("preliminary_answer_at__isnull", True), ("status__in", ("SENDT", "MOTTATT", "UNDER_BEHANDLING"))
                ),
                fields=["municipality", "case_created_at"],
                name="exchange_casestate_11a",
            ),
        ),
    ]
