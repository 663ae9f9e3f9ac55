"""The queues the inbox offers an employee: its own (applications and ettersendelser) and those that services
above it register from their AppConfig.ready() (concerns: the child-welfare office's concern reports). The
inbox never imports them; each queue decides who may see it, so a queue's existence and its count are shown
only to those who may open it.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from digisos.accounts.models import User


# A NamedTuple, not a frozen dataclass: this module loads at every start-up (AppConfig.ready() registers
# into it), and dataclasses compiles six methods per class at run time (docs/operations.md, "Command start-up").
class InboxQueue(NamedTuple):
    key: str
    name: Any  # (lazy) text
    url_name: str  # reversed without arguments
    visible_to: Callable[[User], bool]
    waiting: Callable[[User], int]  # how many new ones wait for this employee


class OfferedQueue(NamedTuple):
    queue: InboxQueue
    waiting: int


_QUEUES: dict[str, InboxQueue] = {}


def register(queue: InboxQueue) -> None:
    """Idempotent by key (ready() may run more than once in tests)."""
    _QUEUES[queue.key] = queue


def registered() -> list[InboxQueue]:
    return list(_QUEUES.values())


def queues_for(user: User, *, other_than: str = "") -> list[OfferedQueue]:
    """The queues this employee may open, each with how many new ones wait; none for anyone else.
    `other_than`: a queue's url_name, left out (and not counted) on that queue's own page."""
    if not user.is_authenticated or user.kind != User.Kind.EMPLOYEE:
        return []
    return [
        OfferedQueue(queue, queue.waiting(user))
        for queue in _QUEUES.values()
        if queue.url_name != other_than and queue.visible_to(user)
    ]
