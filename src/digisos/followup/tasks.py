from django_tasks import task

from . import services


@task()
def delete_expired_access_decisions() -> int:
    """Daily: access decisions older than settings.AUDIT_RETENTION_DAYS are deleted."""
    return services.delete_expired_access_decisions()
