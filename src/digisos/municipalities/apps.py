from django.apps import AppConfig


class MunicipalitiesConfig(AppConfig):
    name = "digisos.municipalities"
    label = "municipalities"
