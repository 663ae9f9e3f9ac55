from django_tasks import task

from . import services


@task()
def deliver(delivery_id: int) -> str:
    return services.deliver(delivery_id=delivery_id)


@task()
def resume_deliveries() -> int:
    """Retries due, and deliveries whose worker died mid-way."""
    return services.resume_deliveries()


@task()
def remove_spent_assertions() -> int:
    return services.remove_spent_assertions()


@task()
def remove_collected_files() -> int:
    """Retention: encrypted copies of deliveries collected long enough ago."""
    return services.remove_collected_files()
