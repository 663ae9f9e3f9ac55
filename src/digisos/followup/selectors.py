"""Reads of follow-up: the data-flow register as the privacy page shows it."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digisos.core.dataflows import FLOWS, NO_PERSONAL_DATA, DataFlow, FlowKind, uses_flow

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
