from datetime import date
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from digisos.accounts.models import User
    from digisos.core.queue import Queued


class InnsynConfig(AppConfig):
    name = "digisos.innsyn"
    label = "innsyn"

    def ready(self) -> None:
        from digisos.exchange.signals import case_events_stored

        case_events_stored.connect(_enqueue_notification, dispatch_uid="innsyn.notify_case")

        from digisos.application import eligibility

        eligibility.register(_had_recent_payment)


def _had_recent_payment(user: "User", kommunenummer: str, today: date) -> bool:
    from .selectors import had_recent_payment  # loaded on first use, not when Django starts

    return had_recent_payment(user, kommunenummer, today)


def _enqueue_notification(sender, case_id, **kwargs) -> "Queued":
    """The notification to queue with the report (the exchange writes it in the report's own statement or
    transaction, so the task row commits with the report). notify_case is idempotent (each notification has a
    unique key, the deadlines are replaced), so running it twice tells nothing twice; and it reads the case
    when it runs, so one waiting run covers every report stored before it starts (core.queue.enqueue_once): a
    case system posting faster than the worker runs queues one row per case, not per post."""
    from digisos.core.queue import Queued

    from .tasks import notify_case

    return Queued(notify_case, (str(case_id),))
