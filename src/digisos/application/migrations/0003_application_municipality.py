# i12-fk: Application.kommunenummer (text) becomes the foreign key `municipality`, in the same column
# ("kommunenummer") with the same values; "" (no address chosen yet) becomes NULL.

import django.db.models.deletion
from django.db import migrations, models

from digisos.core.relations import blank_to_null, require_known


class Migration(migrations.Migration):
    dependencies = [
        ("application", "0002_variant"),
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="kommunenummer",
            field=models.CharField(max_length=4, null=True, blank=True, db_column="kommunenummer"),
        ),
        migrations.RenameField(model_name="application", old_name="kommunenummer", new_name="municipality"),
        blank_to_null("application", "Application", "municipality"),
        require_known(
            "application", "Application", "municipality", ("municipalities", "Municipality"), "load_municipalities"
        ),
        migrations.AlterField(
            model_name="application",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_column="kommunenummer",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="municipalities.municipality",
            ),
        ),
    ]
