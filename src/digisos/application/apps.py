from django.apps import AppConfig


class ApplicationConfig(AppConfig):
    name = "digisos.application"
    label = "application"
