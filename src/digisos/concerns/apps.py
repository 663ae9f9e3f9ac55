from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    """Bekymringsmelding: a concern for a child, reported to the municipality's child-welfare service."""

    name = "digisos.concerns"
    label = "concerns"
