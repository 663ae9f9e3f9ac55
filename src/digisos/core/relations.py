"""Helpers for the migrations that turn a number stored as text into a foreign key with the same column.

Used with the historical models a migration passes in (`apps`), never the live ones, so that a migration
keeps working as the models change.
"""

from typing import Any

from django.db import migrations


def blank_to_null(app_label: str, model_name: str, field: str) -> migrations.RunPython:
    """ "" meant "none yet" in the text column; a foreign key says that with NULL."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        model.objects.filter(**{field: ""}).update(**{field: None})

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        model.objects.filter(**{f"{field}__isnull": True}).update(**{field: ""})

    return migrations.RunPython(forwards, backwards, elidable=False)


def require_known(
    app_label: str, model_name: str, field: str, target: tuple[str, str], load_command: str
) -> migrations.RunPython:
    """Stops the migration, naming the values, if a stored number is missing from the referenced table.

    The foreign key's constraint would refuse them anyway; this says which values and what to do, instead
    of PostgreSQL's bare IntegrityError in the middle of a deployment."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        known = apps.get_model(*target).objects.values("pk")
        unknown = sorted(
            model.objects.exclude(**{f"{field}__isnull": True})
            .exclude(**{f"{field}__in": known})
            .values_list(field, flat=True)
            .distinct()[:20]
        )
        if unknown:
            raise RuntimeError(
                f"{app_label}.{model_name}.{field} holds values missing from {'.'.join(target)}: "
                f"{', '.join(unknown)}. Load the reference data (`manage.py {load_command}`), or correct "
                "those rows, and migrate again."
            )

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
