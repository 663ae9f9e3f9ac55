# s11-scale: what the EXPLAIN of `make bench-scale` found at a million cases (docs/performance.md).
# - The statistics' hourly update finds the cases changed since its last run by updated_at: without an index,
#   a sequential scan of every case (716 MB of heap at a million) at each run, growing with the cases.
# - Case.Meta's index on owner duplicated the owner foreign key's own index (exchange_case_owner_id_8811a2cf,
#   the one every plan uses): it only cost every case insert and 20 MB.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0013_s11inboxlist_inbox_new_index")]

    operations = [
        migrations.RemoveIndex(model_name="case", name="exchange_ca_owner_i_1b299e_idx"),
        migrations.AddIndex(
            model_name="case", index=models.Index(fields=["updated_at"], name="exchange_case_updated_idx")
        ),
    ]
