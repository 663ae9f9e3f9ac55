"""Writes for login: the user behind an ID token, their groups, the audit entry."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from digisos.core.identifiers import InvalidIdentityNumber, is_number_code, parse_identity_number
from digisos.core.services import record_audit

from .models import User

# barnevern_saksbehandler: child-welfare staff (digisos.concerns); which offices they serve is kept there.
ROLES = ("veileder", "kommune_saksbehandler", "operator", "analyst", "nks", "barnevern_saksbehandler")


class LoginRefused(Exception):
    """The provider said yes but we cannot let the person in; `reason` is the metric label."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def citizen_from_claims(claims: dict[str, Any]) -> User:
    """Checks the level of assurance and the pid, then finds or creates the citizen."""
    if claims.get("acr") not in settings.IDPORTEN["ACCEPTED_ACR"]:
        raise LoginRefused("low_acr")
    try:
        pid = parse_identity_number(str(claims.get("pid", ""))).value
    except InvalidIdentityNumber:
        raise LoginRefused("invalid_pid") from None
    with transaction.atomic():
        user = citizen_for_pid(pid)
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.save()
        record_audit(actor=user, action="citizen.login", object_type="accounts.User", object_id=user.pk)
    return user


def citizen_for_pid(pid: str) -> User:
    """The citizen with this fødselsnummer/d-nummer, created on first sight (a login, or a paper case)."""
    user = User.objects.filter(pid=pid).first()
    if user is None:
        # The username is opaque: it shows up in the admin and the audit log, the pid must not.
        user = User(username=f"citizen-{uuid.uuid4().hex}", kind=User.Kind.CITIZEN, pid=pid)
        user.set_unusable_password()
        user.save()
    return user


def _known_municipality(kommunenummer: str) -> str | None:
    """The token's municipality if the register has it; an employee of none is given none (not an error)."""
    if not is_number_code(kommunenummer, 4):
        return None
    # Through the relation, not an import: accounts sits below municipalities in the module map.
    municipalities = User._meta.get_field("municipality").related_model._default_manager
    return kommunenummer if municipalities.filter(pk=kommunenummer).exists() else None


def employee_from_claims(claims: dict[str, Any]) -> User:
    """Finds or creates the employee; their groups follow the roles in the token at every login."""
    roles = _roles(claims.get(settings.EMPLOYEE_OIDC["ROLES_CLAIM"]))
    if not roles:
        raise LoginRefused("no_role")
    subject = str(claims.get("sub", ""))
    if not subject:
        raise LoginRefused("no_subject")
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            username=f"employee-{subject}"[:150], defaults={"kind": User.Kind.EMPLOYEE}
        )
        name = str(claims.get("name", "")).split(" ", 1)
        user.first_name = name[0][:150]
        user.last_name = (name[1] if len(name) > 1 else "")[:150]
        user.email = str(claims.get("email", ""))[:254]
        user.municipality_id = _known_municipality(str(claims.get("municipality", "")))
        user.nav_office_id = _known_office(str(claims.get("nav_office", "")))
        user.is_staff = "operator" in roles
        user.set_unusable_password()
        user.save()
        before = sorted(user.role_names())
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        user.forget_role_names()
        if "operator" in roles:
            _grant_operator_permissions()
        record_audit(
            actor=user,
            action="employee.login",
            object_type="accounts.User",
            object_id=user.pk,
            before={"roles": before},
            after={"roles": sorted(roles)},
        )
    return user


def _known_office(enhetsnummer: str) -> str | None:
    """The token's NAV office if the office register has it; otherwise none (not an error)."""
    if not is_number_code(enhetsnummer, 4):
        return None
    offices = User._meta.get_field("nav_office").related_model._default_manager
    return enhetsnummer if offices.filter(pk=enhetsnummer).exists() else None


def _roles(value: Any) -> list[str]:
    values: Iterable[Any] = value if isinstance(value, list) else [value] if value else []
    return sorted({str(role) for role in values if str(role) in ROLES})


def _grant_operator_permissions() -> None:
    # At login rather than in a migration: apps added later bring models whose permissions must be included.
    group = Group.objects.get(name="operator")
    permissions = Permission.objects.filter(content_type__app_label__in=settings.OPERATOR_ADMIN_APPS).exclude(
        codename__startswith="delete_"
    )
    group.permissions.set(permissions)
