from django.db import migrations, models
from django.db.models import F


def seal_sent_folders(apps, schema_editor):
    # Until now a folder got its municipality only when its application or ettersendelse was sent, so every
    # such folder with a municipality has been sent (when is not kept; its creation stands in). Letters and
    # demo folders are never sealed.
    Folder = apps.get_model("documents", "Folder")
    Folder.objects.filter(kind__in=["application", "ettersendelse", "concern"]).exclude(kommunenummer="").update(
        sealed_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_alter_folder_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="folder",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(seal_sent_folders, migrations.RunPython.noop),
    ]
