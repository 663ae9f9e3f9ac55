from django_tasks import task

from . import services


@task()
def notify_inboxes() -> int:
    return services.notify_inboxes()
