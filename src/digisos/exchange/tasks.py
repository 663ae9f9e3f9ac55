from django_tasks import task

from .services import clients, delivery


@task()
def deliver(delivery_id: int) -> str:
    return delivery.deliver(delivery_id=delivery_id)


@task()
def resume_deliveries() -> int:
    """Retries due, and deliveries whose worker died mid-way."""
    return delivery.resume_deliveries()


@task()
def remove_spent_assertions() -> int:
    return clients.remove_spent_assertions()


@task()
def remove_collected_files() -> int:
    """Retention: encrypted copies of deliveries collected long enough ago."""
    return delivery.remove_collected_files()
