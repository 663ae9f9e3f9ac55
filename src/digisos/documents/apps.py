from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "digisos.documents"
    label = "documents"
    verbose_name = "Dokumenter"

    def ready(self) -> None:
        from . import signals  # noqa: F401
