from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "digisos.insights"
    label = "insights"
