from django.apps import AppConfig


class InboxConfig(AppConfig):
    """The manual inbox: municipal caseworkers without a case system collect applications and report back
    in the browser. Above exchange on the module map (it stores its reports through exchange's services);
    beside innsyn, which it never imports."""

    name = "digisos.inbox"
    label = "inbox"

    def ready(self) -> None:
        # The inbox's own queue, beside those services above it register (inbox/queues.py).
        from django.utils.translation import gettext_lazy as _

        from . import queues, selectors

        queues.register(
            queues.InboxQueue(
                key="soknader",
                name=_("Søknader og ettersendelser"),
                url_name="inbox:inbox",
                visible_to=selectors.is_inbox_user,
                waiting=selectors.waiting_count,
            )
        )
        # The monthly paper count of an inbox municipality, for insights' paper-applications figure.
        from .statistics import register

        register()
