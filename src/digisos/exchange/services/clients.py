"""Who may talk to the exchange: case-system clients (API credentials), receivers (how a municipality
receives), and the housekeeping of spent grant assertions. Every change is audited with before and after."""

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from digisos.accounts.models import User
from digisos.core.services import record_audit

from ..keys import UnreadableKey, certificate_fingerprint, public_key_fingerprint
from ..models import CLIENT_FIELDS, RECEIVER_FIELDS, ApiClient, Receiver, UsedAssertion
from ..tokens import system_username


# Operators and `exchange_connect` change who may collect a municipality's deliveries and to which certificate
# they are encrypted. Each change is audited with before and after (only what changed; keys as SHA-256
# fingerprints, never the PEM), in the change's transaction, as the service flags are.
def _stored_fingerprint(fingerprint: Callable[[str], str], pem: str) -> str:
    # A row stored before keys were checked may hold text that is no key; its change is audited all the same.
    try:
        return fingerprint(pem)
    except UnreadableKey:
        return "unreadable:" + hashlib.sha256(pem.encode()).hexdigest()


def _client_view(client: ApiClient) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "kommunenummer": client.municipality_id,
        "name": client.name,
        "scopes": client.scopes,
        "active": client.active,
        "public_key_sha256": _stored_fingerprint(public_key_fingerprint, client.public_key_pem),
    }


def _receiver_view(receiver: Receiver) -> dict[str, Any]:
    return {
        "channel": receiver.channel,
        "inbox_email": receiver.inbox_email,
        "certificate_sha256": _stored_fingerprint(certificate_fingerprint, receiver.certificate_pem),
    }


def _audit_change(
    *, actor: User | None, action: str, object_type: str, object_id: str, before: dict | None, after: dict
) -> None:
    """Records what changed (all of it when the object is new); nothing changed, no entry."""
    if before is not None:
        changed = [name for name in after if before.get(name) != after[name]]
        if not changed:
            return
        before, after = {n: before.get(n) for n in changed}, {n: after[n] for n in changed}
    record_audit(
        actor=actor, action=action, object_type=object_type, object_id=object_id, before=before, after=after
    )


def register_client(
    *,
    kommunenummer: str,
    name: str,
    public_key_pem: str,
    client_id: str | None = None,
    scopes: str = "exchange:collect exchange:report",
    active: bool = True,
    actor: User | None = None,
) -> ApiClient:
    """Connects a case system (or replaces the credentials of the one with this client_id). An unreadable key
    is stored as given (the tests' paper-case clients have none): no grant verifies against it."""
    client_id = client_id or str(uuid.uuid4())
    with transaction.atomic():
        # The service user carries its municipality, as the documents' permissions expect of a case system.
        user, _ = User.objects.update_or_create(
            username=system_username(client_id),
            defaults={"kind": User.Kind.SYSTEM, "first_name": name[:150], "municipality_id": kommunenummer},
        )
        existing = ApiClient.objects.select_for_update().filter(client_id=client_id).first()
        client, created = ApiClient.objects.update_or_create(
            client_id=client_id,
            defaults={
                "municipality_id": kommunenummer,
                "name": name,
                "public_key_pem": public_key_pem,
                "scopes": scopes,
                "active": active,
                "user": user,
            },
        )
        _audit_change(
            actor=actor,
            action="exchange.client_registered" if created else "exchange.client_changed",
            object_type="exchange.ApiClient",
            object_id=client_id,
            before=_client_view(existing) if existing else None,
            after=_client_view(client),
        )
    return client


def change_client(*, actor: User | None, client: ApiClient, **changes: Any) -> ApiClient:
    """An operator changes a case system's credentials: key, municipality, scopes, name, active."""
    return _change_audited(
        actor=actor,
        row=client,
        changes=changes,
        allowed=CLIENT_FIELDS,
        view=_client_view,
        action="exchange.client_changed",
        object_type="exchange.ApiClient",
        object_id=lambda current: current.client_id,
    )


def register_receiver(
    *,
    kommunenummer: str,
    channel: str,
    certificate_pem: str = "",
    inbox_email: str = "",
    actor: User | None = None,
) -> Receiver:
    """How a municipality receives (new, or a change of the existing row)."""
    certificate_fingerprint(certificate_pem)  # refuse what we could not encrypt to
    with transaction.atomic():
        existing = Receiver.objects.select_for_update().filter(pk=kommunenummer).first()
        receiver, created = Receiver.objects.update_or_create(
            municipality_id=kommunenummer,
            defaults={"channel": channel, "certificate_pem": certificate_pem, "inbox_email": inbox_email},
        )
        _audit_change(
            actor=actor,
            action="exchange.receiver_registered" if created else "exchange.receiver_changed",
            object_type="exchange.Receiver",
            object_id=kommunenummer,
            before=_receiver_view(existing) if existing else None,
            after=_receiver_view(receiver),
        )
    return receiver


def change_receiver(*, actor: User | None, receiver: Receiver, **changes: Any) -> Receiver:
    """An operator changes how a municipality receives; a new certificate redirects its encrypted deliveries."""
    if "certificate_pem" in changes:
        certificate_fingerprint(changes["certificate_pem"])
    return _change_audited(
        actor=actor,
        row=receiver,
        changes=changes,
        allowed=RECEIVER_FIELDS,
        view=_receiver_view,
        action="exchange.receiver_changed",
        object_type="exchange.Receiver",
        object_id=lambda current: current.municipality_id,
    )


def _change_audited(
    *,
    actor: User | None,
    row: Any,
    changes: dict[str, Any],
    allowed: tuple[str, ...],
    view: Callable[[Any], dict[str, Any]],
    action: str,
    object_type: str,
    object_id: Callable[[Any], str],
) -> Any:
    """Applies an operator's changes to a locked row and audits them with before and after."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {object_type} fields: {sorted(unknown)}")
    with transaction.atomic():
        current = type(row).objects.select_for_update().get(pk=row.pk)
        before = view(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        _audit_change(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id(current),
            before=before,
            after=view(current),
        )
    return current


def remove_spent_assertions(*, now: datetime | None = None) -> int:
    deleted, _ = UsedAssertion.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
