from django_tasks import task

from . import notifications


@task()
def notify_case(case_id: str) -> int:
    return notifications.notify_case(case_id)


@task()
def remind_deadlines() -> int:
    return notifications.remind_deadlines()
