"""The kinds of delivery the exchange carries: applications, ettersendelser, and what a higher app registers
(concerns registers the concern report from its AppConfig.ready(); the exchange never imports it).

A kind declares the scopes a receiving or sending system may be given for it, the files it delivers, the states
it passes through, its model (an AttemptedDelivery, whose attempts services/attempts.py runs), the task that
makes one attempt, and the hook run when the receiver acknowledges it. The exchange then offers every kind the
same machinery: the sweep that resumes waiting deliveries, the attempt with its retries, acknowledgement,
and the scopes an operator can give a client.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from .models import AttemptedDelivery


# A NamedTuple, not a frozen dataclass: this module loads at every start-up (AppConfig.ready() registers
# into it), and dataclasses compiles six methods per class at run time (docs/operations.md, "Command start-up").
class DeliveryKind(NamedTuple):
    name: str
    flow: str  # its data flow (digisos.core.dataflows)
    scopes: Mapping[str, str]  # scope → what it lets a client do
    files: tuple[str, ...]  # the payload files, in delivery order
    states: tuple[str, ...]  # the states it passes through, in order
    model: type[AttemptedDelivery]
    enqueue: Callable[[int], Any]  # queues one attempt of the delivery with this id
    # Run in the acknowledging transaction (delivery, when); None: nothing more than the delivery's status.
    on_acknowledged: Callable[[Any, datetime], None] | None = None


_KINDS: dict[str, DeliveryKind] = {}


def register(kind: DeliveryKind) -> None:
    """Idempotent by name (ready() may run more than once in tests)."""
    _KINDS[kind.name] = kind


def registered() -> list[DeliveryKind]:
    return list(_KINDS.values())


def kind(name: str) -> DeliveryKind:
    return _KINDS[name]


def known_scopes() -> dict[str, str]:
    """Every scope a client can be given: the exchange's own and every registered kind's."""
    scopes: dict[str, str] = {}
    for registered_kind in _KINDS.values():
        scopes.update(registered_kind.scopes)
    return scopes


def acknowledge(
    name: str, *, delivery_id: int, actor_id: int | None = None, at: datetime | None = None
) -> Any:
    """The receiver has the delivery; the kind's hook runs in the same transaction."""
    from .services.attempts import acknowledge as acknowledge_attempted

    registered_kind = _KINDS[name]
    return acknowledge_attempted(
        registered_kind.model,
        delivery_id,
        actor_id=actor_id,
        at=at,
        on_collected=registered_kind.on_acknowledged,
    )
