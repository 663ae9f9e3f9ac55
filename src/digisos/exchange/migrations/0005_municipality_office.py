# i12-fk: the municipality and office numbers stored as text on receivers, clients, cases and deliveries
# become foreign keys to municipalities.Municipality / NavOffice, in the same columns (kommunenummer,
# enhetsnummer) with the same values. Case.enhetsnummer "" (no office yet) becomes NULL. The indexes that lead
# with kommunenummer are dropped and built again under the same names (their definition names the field, and
# SQLite rebuilds the table in between). CaseState.office stays text: see the model.

import django.db.models.deletion
from django.db import migrations, models

from digisos.core.relations import blank_to_null, require_known

MUNICIPALITY = ("municipalities", "Municipality")
OFFICE = ("municipalities", "NavOffice")


def number_to_municipality(model_name: str, *, primary_key: bool = False) -> list:
    """The text column `kommunenummer` named `municipality` in the state, its column unchanged."""
    return [
        migrations.AlterField(
            model_name=model_name,
            name="kommunenummer",
            field=models.CharField(max_length=4, primary_key=primary_key, db_column="kommunenummer"),
        ),
        migrations.RenameField(model_name=model_name, old_name="kommunenummer", new_name="municipality"),
        require_known("exchange", model_name, "municipality", MUNICIPALITY, "load_municipalities"),
    ]


def inbox_order_index() -> models.Index:
    return models.Index(
        models.F("municipality"),
        models.F("channel"),
        models.Case(
            models.When(status="available", then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        ),
        models.OrderBy(models.F("available_at"), descending=True),
        models.OrderBy(models.F("id"), descending=True),
        condition=models.Q(("status__in", ("available", "collected"))),
        name="exchange_delivery_inbox_order",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_case_state"),
        ("municipalities", "0001_initial"),
    ]

    operations = [
        # Receiver: its primary key becomes a one-to-one with the municipality.
        *number_to_municipality("receiver", primary_key=True),
        migrations.AlterField(
            model_name="receiver",
            name="municipality",
            field=models.OneToOneField(
                db_column="kommunenummer",
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="receiver",
                serialize=False,
                to="municipalities.municipality",
            ),
        ),
        # ApiClient
        *number_to_municipality("apiclient"),
        migrations.AlterField(
            model_name="apiclient",
            name="municipality",
            field=models.ForeignKey(
                db_column="kommunenummer",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_clients",
                to="municipalities.municipality",
            ),
        ),
        # Case: municipality
        migrations.RemoveIndex(model_name="case", name="exchange_ca_kommune_1742f5_idx"),
        *number_to_municipality("case"),
        migrations.AlterField(
            model_name="case",
            name="municipality",
            field=models.ForeignKey(
                db_column="kommunenummer",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="municipalities.municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["municipality", "created_at"], name="exchange_ca_kommune_1742f5_idx"),
        ),
        # Case: office
        migrations.AlterField(
            model_name="case",
            name="enhetsnummer",
            field=models.CharField(max_length=8, null=True, blank=True, db_column="enhetsnummer"),
        ),
        migrations.RenameField(model_name="case", old_name="enhetsnummer", new_name="office"),
        blank_to_null("exchange", "Case", "office"),
        require_known("exchange", "Case", "office", OFFICE, "load_municipalities"),
        migrations.AlterField(
            model_name="case",
            name="office",
            field=models.ForeignKey(
                blank=True,
                db_column="enhetsnummer",
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.navoffice",
            ),
        ),
        # Delivery
        migrations.RemoveIndex(model_name="delivery", name="exchange_de_kommune_48e983_idx"),
        migrations.RemoveIndex(model_name="delivery", name="exchange_delivery_inbox_order"),
        *number_to_municipality("delivery"),
        migrations.AlterField(
            model_name="delivery",
            name="municipality",
            field=models.ForeignKey(
                db_column="kommunenummer",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliveries",
                to="municipalities.municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["municipality", "status", "id"], name="exchange_de_kommune_48e983_idx"),
        ),
        migrations.AddIndex(model_name="delivery", index=inbox_order_index()),
    ]
