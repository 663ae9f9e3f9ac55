from django.apps import AppConfig


class InnsynConfig(AppConfig):
    name = "digisos.innsyn"
    label = "innsyn"
