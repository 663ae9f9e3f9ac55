from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "digisos.core"
    label = "core"
    verbose_name = "Kjerne"

    def ready(self) -> None:
        # Every model is imported and Django's apps are ready: what start-up made is frozen and the garbage
        # collector runs as usual from here (digisos/__init__.py).
        import digisos

        digisos.start_up_finished()
        from .logging import configure_logging

        configure_logging()
        from django.urls import register_converter

        from .converters import KommunenummerConverter

        register_converter(KommunenummerConverter, "kommunenummer")
