# Where the person left off ("Lagre og fortsett senere", an upload) for "Fortsett der du slapp". A constant
# column default as well as Django's: PostgreSQL adds the column without rewriting the table, and rows inserted
# by SQL of their own (bench/scale.py) get "".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('application', '0003_application_municipality'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='paused_step',
            field=models.CharField(blank=True, db_default='', default='', max_length=40),
        ),
    ]
