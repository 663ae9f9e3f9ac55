"""Reads owned by core."""

from django.db import connection
from django.db.models import QuerySet

from .models import AuditEntry


def database_is_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any database error means "not ready"
        return False


def audit_entries_for(object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
