from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "digisos.accounts"
    label = "accounts"
