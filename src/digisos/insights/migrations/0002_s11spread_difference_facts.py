import django.db.models.deletion
from django.db import migrations, models


def full_next_run(apps, schema_editor):
    """The stored cells count ettersendelser that have no EttersendelseFact yet: the hourly update applies
    differences to the cells, so its next run must be a full one (as on a first run), which fills the facts."""
    apps.get_model("insights", "Run").objects.update(finished_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0010_s10b_scale_statistics_view'),
        ('insights', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeletedCase',
            fields=[
                ('case_id', models.UUIDField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name='EttersendelseFact',
            fields=[
                ('delivery_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('case_id', models.UUIDField(db_index=True)),
                ('municipality', models.CharField(max_length=4)),
                ('month', models.DateField()),
                ('office', models.CharField(max_length=8, null=True)),
                ('week', models.DateField()),
            ],
        ),
        migrations.AlterField(
            model_name='casefact',
            name='case',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='exchange.case'),
        ),
        migrations.RunPython(full_next_run, migrations.RunPython.noop),
    ]
