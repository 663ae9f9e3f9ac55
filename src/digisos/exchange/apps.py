from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "digisos.exchange"
    label = "exchange"

    def ready(self) -> None:
        # A sent application becomes a case with a delivery in the same transaction (application → exchange
        # would point the wrong way on the module map, so application announces and exchange listens).
        from digisos.application.signals import application_sent

        from . import services

        application_sent.connect(services.on_application_sent, dispatch_uid="exchange.case_for_application")
