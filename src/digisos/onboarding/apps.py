from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "digisos.onboarding"
    label = "onboarding"
    verbose_name = "Påkobling"
