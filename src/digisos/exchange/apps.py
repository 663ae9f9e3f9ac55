import uuid

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "digisos.exchange"
    label = "exchange"

    def ready(self) -> None:
        # A sent application becomes a case with a delivery in send_application's transaction. application is
        # below exchange on the module map, so it declares the port and exchange fills it in here
        # (digisos.application.submission explains why a port rather than a signal).
        from digisos.application import submission

        submission.register(ExchangeSubmission())


class ExchangeSubmission:
    """application's submission backend: the case and its delivery (services.delivery.submit_application)."""

    def submit(self, *, application_id: uuid.UUID) -> None:
        # services (with the PDF, encryption and token libraries behind it) loads on the first sent application,
        # not in every process that starts Django (manage.py commands, the worker, tests).
        from .services.delivery import submit_application

        submit_application(application_id=application_id)
