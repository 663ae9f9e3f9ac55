from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "digisos.core"
    label = "core"
    verbose_name = "Kjerne"

    def ready(self) -> None:
        from .logging import configure_logging

        configure_logging()
