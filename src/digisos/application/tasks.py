from django_tasks import task

from . import services


@task()
def remove_expired_drafts() -> int:
    """Drafts are deleted 14 days after they were started, with their documents."""
    return services.remove_expired_drafts()


@task()
def clear_sent_application_metadata() -> int:
    """Daily: a sent application's working copy is cleared 200 days after it was sent."""
    return services.clear_sent_application_metadata()
