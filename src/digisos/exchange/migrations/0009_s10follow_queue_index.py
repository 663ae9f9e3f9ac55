# s10-follow: an index for follow-up's work queues — a municipality's deliveries of one kind and status by when
# they became available (the "not received after two working days" and "documents not yet looked at" queues).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0008_s10follow_preliminary_answer")]

    operations = [
        migrations.AddIndex(
            "delivery",
            models.Index(
                fields=["municipality", "kind", "status", "available_at"], name="exchange_delivery_waiting"
            ),
        ),
    ]
