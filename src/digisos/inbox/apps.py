from django.apps import AppConfig


class InboxConfig(AppConfig):
    """The manual inbox: municipal caseworkers without a case system collect applications and report back
    in the browser. Above exchange on the module map (it stores its reports through exchange's services);
    beside innsyn, which it never imports."""

    name = "digisos.inbox"
    label = "inbox"

    def ready(self) -> None:
        # The monthly paper count of an inbox municipality, for insights' paper-applications figure.
        from .statistics import register

        register()
