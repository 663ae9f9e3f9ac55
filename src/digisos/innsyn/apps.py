from django.apps import AppConfig


class InnsynConfig(AppConfig):
    name = "digisos.innsyn"
    label = "innsyn"

    def ready(self) -> None:
        from digisos.exchange.signals import case_events_stored

        case_events_stored.connect(_enqueue_notification, dispatch_uid="innsyn.notify_case")

        from digisos.application import eligibility

        from .selectors import had_recent_payment

        eligibility.register(had_recent_payment)


def _enqueue_notification(sender, case_id, **kwargs) -> None:
    """Inside the report's transaction: the task row commits with the report. notify_case is idempotent
    (each notification has a unique key, the deadlines are replaced), so running it twice tells nothing twice."""
    from .tasks import notify_case

    notify_case.enqueue(str(case_id))
