from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "digisos.registers"
    label = "registers"
