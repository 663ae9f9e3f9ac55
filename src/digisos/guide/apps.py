from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "digisos.guide"
    label = "guide"
