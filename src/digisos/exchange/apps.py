from typing import Any

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "digisos.exchange"
    label = "exchange"

    def ready(self) -> None:
        # A sent application becomes a case with a delivery in the same transaction (application → exchange
        # would point the wrong way on the module map, so application announces and exchange listens).
        from digisos.application.signals import application_sent

        application_sent.connect(_case_for_application, dispatch_uid="exchange.case_for_application")


def _case_for_application(sender: Any, **kwargs: Any) -> None:
    # services (with the PDF, encryption and token libraries behind it) loads on the first sent application, not
    # in every process that starts Django (manage.py commands, the worker, tests).
    from .services import delivery

    delivery.on_application_sent(sender, **kwargs)
