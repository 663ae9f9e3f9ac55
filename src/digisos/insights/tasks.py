"""The statistics' periodic jobs (scheduled in settings.PERIODIC_TASKS): the hourly update ("insights.update")
and the analysts' joint protection after it ("insights.protect_analysts")."""

from django_tasks import task

from . import services


@task()
def update_statistics() -> None:
    services.update()


@task()
def protect_analysts() -> None:
    """Does its work only when an update published new figures since its last run (services.analysts_due)."""
    services.protect_analysts()
