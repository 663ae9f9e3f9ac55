from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    """Bekymringsmelding: a concern for a child, reported to the municipality's child-welfare service."""

    name = "digisos.concerns"
    label = "concerns"

    def ready(self) -> None:
        # The service a municipality turns on in the onboarding pages (onboarding does not import concerns).
        from .onboarding import register_with_onboarding

        register_with_onboarding()
