# s11-events: an index for core.queue.enqueue_once, which looks for a waiting (READY) run of the same task with
# the same arguments before it queues one (notify_case, once per case however many reports come meanwhile).
# The table is django-tasks-db's; partial indexes exist in PostgreSQL and SQLite alike.

from django.db import migrations

INDEX = "core_waiting_task_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_periodicrun"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON django_tasks_database_dbtaskresult (task_path, args_kwargs) "
            "WHERE status = 'READY'",
            f"DROP INDEX {INDEX}",
        ),
    ]
