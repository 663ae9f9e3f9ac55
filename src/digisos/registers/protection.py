"""Address protection and skjerming as an access decision: the one rule every employee view applies, from the
follow-up policy's person overview to the manual inbox's list and case page.

It lives here, below every app that shows a person's data to an employee (the module map: registers <
exchange < inbox < followup), so that the inbox can apply it without importing follow-up, and follow-up's
policy uses the same code. Both fail closed, as NAV's Modia does: an error from a register denies.

- `protection_of(pid, cleared=...)`: the follow-up policy's question for one person — strengt fortrolig
  (kode 6, also utland), fortrolig (kode 7), a grading we do not know, a person the register does not know,
  skjermet (an employee of NAV), or no answer — each a reason to deny. An employee specially authorised for the
  person's level (followup.models.ProtectedAccessGrant; `cleared` answers for it) passes the grading, with its
  own answer (CLEARED_*) so the audit shows the authorisation was used; skjerming is still asked and still
  denies, and a grading we do not know is never cleared.
- `hidden_from_caseworkers(pids, user_id=...)`: which of a list's persons a municipal caseworker's list and
  case page must not show: strengt fortrolig (kode 6), a grading we do not know, and any person the register
  gave no answer for. A case of a kode 6 person is handled outside DigiSos's shared views, by staff the
  municipality authorises for it (docs/privacy.md): a caseworker with a grant for strengt fortrolig in force
  (the same grant, and the same answer, as the policy's) sees them, as in the person overview; a grading we do
  not know and a missing answer are never cleared. Fortrolig (kode 7) hides the address, not the case: the
  inbox shows no addresses.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

from digisos.core.dataflows import uses_flow

from . import registry

log = structlog.get_logger(__name__)

STRENGT_FORTROLIG = ("strengt_fortrolig", "strengt_fortrolig_utland")
KNOWN_GRADINGS = ("ugradert", "fortrolig", *STRENGT_FORTROLIG)


class Protection(StrEnum):
    """The answer for one person; the values are follow-up's denial reasons (followup.policy.Reason)."""

    NONE = "permitted"
    # Permitted because the employee is specially authorised for the person's level (followup.policy).
    CLEARED_FORTROLIG = "permitted_fortrolig"
    CLEARED_STRENGT_FORTROLIG = "permitted_strengt_fortrolig"
    PERSON_NOT_FOUND = "person_not_found"
    FORTROLIG = "fortrolig"
    STRENGT_FORTROLIG = "strengt_fortrolig"
    SKJERMET = "skjermet"
    REGISTER_UNAVAILABLE = "register_unavailable"


@uses_flow("register.address_protection")
def protection_of(pid: str, *, cleared: Callable[[str], bool] | None = None) -> Protection:
    """The first reason an employee may not see this person's data, or NONE (CLEARED_* when a special
    authorisation let the employee past the grading). `cleared(level)` says whether the employee holds a grant
    for "fortrolig" or "strengt_fortrolig"; it is asked only for a protected person. Any failure of either
    register or of `cleared` denies (fail closed), not only RegisterUnavailable; anything but a plain False from
    skjerming is skjermet."""
    try:
        grading = registry.address_protection().get_address_protection(pid)
        if grading is None:
            return Protection.PERSON_NOT_FOUND
        answer = _grading_answer(grading, cleared)
        if answer not in (Protection.NONE, *CLEARED):
            return answer
        if registry.skjerming().is_skjermet(pid) is not False:
            return Protection.SKJERMET
    except Exception:
        return Protection.REGISTER_UNAVAILABLE
    return answer


CLEARED = (Protection.CLEARED_FORTROLIG, Protection.CLEARED_STRENGT_FORTROLIG)


def _grading_answer(grading: str, cleared: Callable[[str], bool] | None) -> Protection:
    if grading == "ugradert":
        return Protection.NONE
    if grading in STRENGT_FORTROLIG:
        # Kode 6 abroad is kode 6: the strengt fortrolig grant covers it, as NAV's kode 6 role does.
        if cleared is not None and cleared("strengt_fortrolig") is True:
            return Protection.CLEARED_STRENGT_FORTROLIG
        return Protection.STRENGT_FORTROLIG
    if grading == "fortrolig" and cleared is not None and cleared("fortrolig") is True:
        return Protection.CLEARED_FORTROLIG
    return Protection.FORTROLIG  # "fortrolig" without a grant, and any grading we do not know (never cleared)


@uses_flow("register.address_protection")
def hidden_from_caseworkers(pids: Iterable[str | None], *, user_id: int | None = None) -> set[str]:
    """Of these persons (empty ones skipped), those a municipal caseworker's views must not show (module
    docstring); `user_id`, the caseworker, sees kode 6 persons when specially authorised for them. Each person
    is asked once; an adapter that can answer many at once (PDL's hentPersonBolk) offers
    `get_address_protections(pids) -> {pid: grading or None}` and is asked once for the lot."""
    wanted = {pid for pid in pids if pid}
    if not wanted:
        return set()
    port = registry.address_protection()
    many = getattr(port, "get_address_protections", None)
    kode_6: set[str] = set()  # hidden for strengt fortrolig alone: what a grant may clear
    if many is not None:
        try:
            gradings = many(sorted(wanted))
        except Exception:
            log.warning("registers.address_protection_failed", persons=len(wanted))
            return wanted
        hidden = {pid for pid in wanted if _hidden(pid in gradings, gradings.get(pid))}
        kode_6 = {pid for pid in hidden if gradings.get(pid) in STRENGT_FORTROLIG}
    else:
        hidden = set()
        for pid in wanted:
            try:
                grading = port.get_address_protection(pid)
            except Exception:
                log.warning("registers.address_protection_failed", persons=1)
                hidden.add(pid)
                continue
            if _hidden(True, grading):
                hidden.add(pid)
                if grading in STRENGT_FORTROLIG:
                    kode_6.add(pid)
    if kode_6 and _cleared(user_id, "strengt_fortrolig"):
        hidden -= kode_6
    return hidden


def _cleared(user_id: int | None, level: str) -> bool:
    """Whether the employee holds a grant in force for this level (settings.PROTECTED_ACCESS_CLEARANCE: the
    follow-up policy's own answer, asked once per list and only when it holds such a person). Anything but a
    plain True — no employee, no setting, an error — is not cleared (fail closed)."""
    if user_id is None:
        return False
    try:
        clearance = import_string(settings.PROTECTED_ACCESS_CLEARANCE)
        return clearance(user_id, level) is True
    except Exception:
        log.warning("registers.protected_access_check_failed")
        return False


def _hidden(answered: bool, grading: str | None) -> bool:
    # Not answered: fail closed. None: the register does not know the person, which protects no one.
    if not answered:
        return True
    return grading is not None and (grading in STRENGT_FORTROLIG or grading not in KNOWN_GRADINGS)
