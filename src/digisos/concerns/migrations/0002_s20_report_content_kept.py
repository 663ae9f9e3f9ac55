# The child-welfare inbox lists the reports whose content is still kept (selectors.inbox_deliveries): an index
# of those alone, by office, so the list does not read every report an office ever had (session 20).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="concernreport",
            index=models.Index(
                condition=models.Q(("content_deleted_at__isnull", True)),
                fields=["office"],
                name="concerns_report_kept",
            ),
        ),
    ]
