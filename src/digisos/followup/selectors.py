"""Reads of follow-up: the data-flow register as the privacy page shows it, and the citizen's own lookups."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digisos.accounts.models import User
from digisos.core.dataflows import FLOWS, NO_PERSONAL_DATA, DataFlow, FlowKind, uses_flow
from digisos.municipalities.models import Municipality, NavOffice

from .models import AccessDecision
from .policy import NAV_OFFICE_ROLE, NKS_ROLE, DataKind, Purpose

# The privacy page's sections, in the order a citizen meets them.
SECTIONS: tuple[tuple[FlowKind, Promise], ...] = (
    (FlowKind.REGISTER, _("Opplysninger vi henter fra registre")),
    (FlowKind.DELIVERY, _("Det vi sender til kommunen")),
    (FlowKind.EMPLOYEE_VIEW, _("Når ansatte ser opplysningene dine")),
    (FlowKind.NOTIFICATION, _("Varsler til deg")),
    (FlowKind.STATISTICS, _("Statistikk")),
    (FlowKind.AUDIT, _("Logg over hvem som har sett opplysningene dine")),
)


@dataclass(frozen=True)
class Section:
    kind: FlowKind
    heading: Promise
    flows: list[DataFlow]


@uses_flow(NO_PERSONAL_DATA)  # the register itself: no one's data
def privacy_sections() -> list[Section]:
    """Every declared flow, grouped by kind; a kind not in SECTIONS gets its own section last, so a flow
    can never be left off the page."""
    sections = [
        Section(kind, heading, [flow for flow in FLOWS.values() if flow.kind == kind])
        for kind, heading in SECTIONS
    ]
    shown = {kind for kind, _heading in SECTIONS}
    for kind in FlowKind:
        if kind not in shown:
            sections.append(Section(kind, _("Annet"), [flow for flow in FLOWS.values() if flow.kind == kind]))
    return [section for section in sections if section.flows]


@dataclass(frozen=True)
class Lookup:
    """One look at the citizen's data, as the citizen sees it: the office or service, never the employee."""

    at: datetime
    looked_by: str
    purpose: str
    data_kind: str


@uses_flow("audit.lookups")
def my_lookups(user: User, *, limit: int = 200) -> list[Lookup]:
    """The looks at the user's own data that were permitted, newest first, in three queries whatever the
    number. A denied look showed nothing, so it is not a look; it stays in the audit for the supervisor."""
    if not user.pid:
        return []
    decisions = list(
        AccessDecision.objects.filter(subject_pid=user.pid, outcome=AccessDecision.Outcome.PERMIT)
        .only("at", "actor_role", "actor_kommunenummer", "actor_enhetsnummer", "purpose", "data_kind")
        .order_by("-at", "-id")[:limit]
    )
    municipalities = dict(
        Municipality.objects.filter(
            kommunenummer__in={d.actor_kommunenummer for d in decisions if d.actor_kommunenummer}
        ).values_list("kommunenummer", "name")
    )
    offices = dict(
        NavOffice.objects.filter(
            enhetsnummer__in={d.actor_enhetsnummer for d in decisions if d.actor_enhetsnummer}
        ).values_list("enhetsnummer", "name")
    )
    purposes, kinds = dict(Purpose.choices), dict(DataKind.choices)
    return [
        Lookup(
            at=decision.at,
            looked_by=_looked_by(decision, municipalities, offices),
            purpose=str(purposes.get(decision.purpose, decision.purpose)),
            data_kind=str(kinds.get(decision.data_kind, decision.data_kind)),
        )
        for decision in decisions
    ]


def _looked_by(decision: AccessDecision, municipalities: dict[str, str], offices: dict[str, str]) -> str:
    # The unit, never the person: the employee's name and ident stay in the audit.
    if decision.actor_role == NKS_ROLE:
        return str(_("NAV Kontaktsenter"))
    if decision.actor_role == NAV_OFFICE_ROLE:
        name = offices.get(decision.actor_enhetsnummer)
        return name if name else str(_("NAV-kontoret"))
    name = municipalities.get(decision.actor_kommunenummer)
    return str(_("%(name)s kommune") % {"name": name}) if name else str(_("Kommunen"))
