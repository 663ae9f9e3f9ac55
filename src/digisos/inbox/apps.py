from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from digisos.accounts.models import User


class InboxConfig(AppConfig):
    """The manual inbox: municipal caseworkers without a case system collect applications and report back
    in the browser. Above exchange on the module map (it stores its reports through exchange's services);
    beside innsyn, which it never imports."""

    name = "digisos.inbox"
    label = "inbox"

    def ready(self) -> None:
        # The inbox's own queue, beside those services above it register (inbox/queues.py).
        from django.utils.translation import gettext_lazy as _

        from . import queues

        queues.register(
            queues.InboxQueue(
                key="soknader",
                name=_("Søknader og ettersendelser"),
                url_name="inbox:inbox",
                visible_to=_is_inbox_user,
                waiting=_waiting_count,
            )
        )
        # The monthly paper count of an inbox municipality, for insights' paper-applications figure.
        from .statistics import register

        register()


# The selectors (with the application summary, the register ports and the protection rules behind them) load
# on the first list of queues, not in every process that starts Django.
def _is_inbox_user(user: "User") -> bool:
    from .selectors import is_inbox_user

    return is_inbox_user(user)


def _waiting_count(user: "User") -> int:
    from .selectors import waiting_count

    return waiting_count(user)
