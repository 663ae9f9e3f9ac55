# i12-fk: User.municipality (an employee's kommunenummer as text) becomes a foreign key to the municipality,
# in the same column ("municipality") with the same values; "" becomes NULL.

import django.db.models.deletion
from django.db import migrations, models

from digisos.core.relations import blank_to_null, require_known


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_user_kind"),
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="municipality",
            field=models.CharField(max_length=4, null=True, blank=True, db_column="municipality"),
        ),
        blank_to_null("accounts", "User", "municipality"),
        require_known(
            "accounts", "User", "municipality", ("municipalities", "Municipality"), "load_municipalities"
        ),
        migrations.AlterField(
            model_name="user",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_column="municipality",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.municipality",
            ),
        ),
    ]
