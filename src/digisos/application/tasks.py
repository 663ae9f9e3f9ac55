from django_tasks import task

from . import services


@task()
def remove_expired_drafts() -> int:
    """Drafts are deleted 14 days after they were started, with their documents."""
    return services.remove_expired_drafts()
