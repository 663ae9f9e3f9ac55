# i12-fk: Folder.kommunenummer (text) becomes the foreign key `municipality`, in the same column
# ("kommunenummer") with the same values; "" (not released to a municipality) becomes NULL.

import django.db.models.deletion
from django.db import migrations, models

from digisos.core.relations import blank_to_null, require_known


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_folder_sealed_at"),
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="folder",
            name="kommunenummer",
            field=models.CharField(max_length=4, null=True, blank=True, db_column="kommunenummer"),
        ),
        migrations.RenameField(model_name="folder", old_name="kommunenummer", new_name="municipality"),
        blank_to_null("documents", "Folder", "municipality"),
        require_known(
            "documents", "Folder", "municipality", ("municipalities", "Municipality"), "load_municipalities"
        ),
        migrations.AlterField(
            model_name="folder",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_column="kommunenummer",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.municipality",
            ),
        ),
    ]
