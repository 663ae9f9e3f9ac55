from django_tasks import task

from . import delivery


@task()
def deliver_report(delivery_id: int) -> str:
    return delivery.deliver(delivery_id=delivery_id)


@task()
def send_overdue_by_letter() -> int:
    from .fallbacks import send_overdue_by_letter as send

    return send()


@task()
def remove_expired_content() -> int:
    from .fallbacks import remove_expired_content, remove_expired_drafts

    return remove_expired_content() + remove_expired_drafts()


@task()
def alert_unacknowledged() -> int:
    from .fallbacks import alert_unacknowledged as alert

    return alert()
