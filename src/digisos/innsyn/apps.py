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
    from .tasks import notify_case

    notify_case.enqueue(str(case_id))
