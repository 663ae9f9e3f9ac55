from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "digisos.followup"
    label = "followup"
