"""Where a sent application goes: the submission backend, a port that exchange fills in (Open Forms style).

Why a port and not a signal or a direct call: application sits below exchange on the module map, so it may
not import exchange, yet the case and its delivery must be created in send_application's own transaction
(the application is marked sent exactly when a municipality will receive it). A signal did that invisibly: a
reader of send_application could not see what else happened in its transaction, and with no receiver
connected an application was "sent" to nobody without a word. Here application declares what it needs
(`SubmissionBackend`), exchange registers its implementation in `ExchangeConfig.ready()`, and
send_application calls `backend().submit(...)` explicitly, in its transaction. No backend registered is a
configuration error: sending fails (and rolls back) instead of losing the application.
"""

import uuid
from typing import Protocol


class SubmissionBackend(Protocol):
    def submit(self, *, application_id: uuid.UUID) -> None:
        """Hand over the application (already marked sent and saved, its row locked by the caller): create
        what the receiving side needs, in the caller's transaction. Raise to refuse; the send rolls back."""

    def case_of(self, *, application_id: uuid.UUID) -> uuid.UUID | None:
        """The case a sent application became (the person follows it up, and sends more, on its page in
        innsyn), or None when there is none."""


class NoSubmissionBackend(RuntimeError):
    """No app registered a submission backend (digisos.exchange is not installed, or not ready yet)."""


_backend: SubmissionBackend | None = None


def register(backend: SubmissionBackend) -> None:
    """Called once from the implementing app's AppConfig.ready(); a later registration replaces it."""
    global _backend
    _backend = backend


def backend() -> SubmissionBackend:
    if _backend is None:
        raise NoSubmissionBackend("No submission backend is registered: is digisos.exchange installed?")
    return _backend
