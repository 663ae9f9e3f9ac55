"""The hourly statistics update (scheduled in settings.PERIODIC_TASKS as "insights.update")."""

from django_tasks import task

from . import services


@task()
def update_statistics() -> None:
    services.update()
