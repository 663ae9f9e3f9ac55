from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from digisos.accounts.models import User
    from digisos.onboarding.service_registry import MunicipalService


class ConcernsConfig(AppConfig):
    """Bekymringsmelding: a concern for a child, reported to the municipality's child-welfare service."""

    name = "digisos.concerns"
    label = "concerns"

    def ready(self) -> None:
        # The service a municipality turns on in the onboarding pages (onboarding does not import concerns). Its
        # forms load on the first onboarding page that lists or opens it, not in every process that starts Django.
        from digisos.onboarding import service_registry

        service_registry.register_lazy("barnevern", _onboarding_service)
        register_delivery_kind()
        # Reports sent per municipality and month, for insights (which does not import concerns either).
        from digisos.core import statistics_sources

        from .statistics import SOURCE

        statistics_sources.register(SOURCE)
        register_inbox_queue()


def _onboarding_service() -> "MunicipalService":
    from .onboarding import service

    return service()


def register_inbox_queue() -> None:
    """The child-welfare inbox as one of the inbox's queues (inbox/queues.py): offered only to employees
    with the child-welfare role, with how many reports to their offices wait."""
    from django.utils.translation import gettext_lazy as _

    from digisos.inbox import queues

    queues.register(
        queues.InboxQueue(
            key="bekymringsmeldinger",
            name=_("Bekymringsmeldinger"),
            url_name="concerns:staff-inbox",
            visible_to=_is_child_welfare_staff,
            waiting=_waiting_reports,
        )
    )


# The selectors load on the first list of queues, not in every process that starts Django.
def _is_child_welfare_staff(user: "User") -> bool:
    from .selectors import is_child_welfare_staff

    return is_child_welfare_staff(user)


def _waiting_reports(user: "User") -> int:
    from .selectors import waiting_reports

    return waiting_reports(user)


# The scopes a child-welfare case system, or a system that sends reports, can be given (api.py checks them).
COLLECT_SCOPE = "bekymringsmelding:collect"
SEND_SCOPE = "bekymringsmelding:send"


def register_delivery_kind() -> None:
    """The concern report as a kind of delivery the exchange carries: the exchange's sweep retries it, its
    scopes are ones an operator can give a client, acknowledging it runs on_acknowledged (exchange does not
    import concerns)."""
    from digisos.exchange import delivery_kinds

    from .models import ConcernDeliveredFile, ConcernDelivery, ConcernState

    delivery_kinds.register(
        delivery_kinds.DeliveryKind(
            name=ConcernDelivery.KIND,
            flow=ConcernDelivery.FLOW,
            scopes={
                COLLECT_SCOPE: "hente bekymringsmeldinger til barnevernet, kvittere for mottak eller melde feil",
                SEND_SCOPE: "sende bekymringsmeldinger fra et annet system (skole, helse, politi)",
            },
            files=tuple(ConcernDeliveredFile.Role.labels),
            states=tuple(ConcernState.State.values),
            model=ConcernDelivery,
            enqueue=_enqueue_attempt,
            on_acknowledged=_on_acknowledged,
        )
    )


def _enqueue_attempt(delivery_id: int) -> None:
    from .tasks import deliver_report

    deliver_report.enqueue(delivery_id)


def _on_acknowledged(delivery, at) -> None:
    from .delivery import on_acknowledged

    on_acknowledged(delivery, at)
