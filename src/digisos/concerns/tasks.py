from django_tasks import task

from . import delivery


@task()
def deliver_report(delivery_id: int) -> str:
    return delivery.deliver(delivery_id=delivery_id)
