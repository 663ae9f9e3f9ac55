from django_tasks import task

from . import services


@task()
def remove_expired_documents() -> int:
    """Retention: expired folders (demo uploads) and orphaned draft folders, with their encrypted files."""
    return services.remove_expired_and_orphaned_folders()
