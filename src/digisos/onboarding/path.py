"""The onboarding path as data: each stage's checklist, who owns each item, and who may invite whom.

Items marked `automatic` are facts the system sees for itself (a role is filled, a date is booked); the rest
are ticked by their owner. A stage is complete when every item is done.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role, Stage

# NAV booked go-live dates at least three weeks ahead, because of the agreements (§B.2 step 6).
GO_LIVE_NOTICE_DAYS = 21
# NAV switched municipalities on in weekly batches (puljer); ours go live on Tuesdays (Monday = 0).
GO_LIVE_WEEKDAY = 1


def batch_days(today: date, count: int = 12) -> list[date]:
    """The next `count` batch days a municipality may ask for: Tuesdays at least three weeks ahead."""
    first = today + timedelta(days=GO_LIVE_NOTICE_DAYS)
    first += timedelta(days=(GO_LIVE_WEEKDAY - first.weekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(count)]


@dataclass(frozen=True)
class Item:
    key: str
    label: Promise
    owner: Role
    automatic: bool = False


CHECKLISTS: dict[str, tuple[Item, ...]] = {
    Stage.DECISION: (
        Item("decision", _("Kommunen har besluttet å ta i bruk digital søknad"), Role.KOMMUNEDIREKTOR),
        Item("vendor_contacted", _("Leverandøren av fagsystemet er kontaktet"), Role.KOMMUNEDIREKTOR),
        Item("administrator_named", _("En lokal administrator er utpekt"), Role.KOMMUNEDIREKTOR, True),
        Item("contacts_named", _("Fagansvarlig og teknisk ansvarlig er utpekt"), Role.KOMMUNEDIREKTOR, True),
    ),
    # Done when the agreement's signed PDF is stored, its PAdES signature verified (agreements.KINDS).
    Stage.AGREEMENTS: (
        Item(
            "ks_service_agreement",
            _("KS: tjenestevedlegg for Digisos er signert"),
            Role.KOMMUNEDIREKTOR,
            True,
        ),
        Item(
            "nav_cooperation_agreement",
            _("Nav: samarbeidsavtale om digitale tjenester er signert"),
            Role.KOMMUNEDIREKTOR,
            True,
        ),
        Item("nav_data_processing", _("Nav: databehandleravtale er signert"), Role.KOMMUNEDIREKTOR, True),
        Item("nks_access", _("Nav: avtale om innsynsflate for NKS er signert"), Role.KOMMUNEDIREKTOR, True),
    ),
    Stage.CONFIGURATION: (
        Item(
            "configuration_complete",
            _("Oppsettet er fylt ut: kanal, fagansvarlig og teknisk ansvarlig"),
            Role.LOCAL_ADMINISTRATOR,
            True,
        ),
        Item("vendor_named", _("Leverandøren av fagsystemet er invitert"), Role.LOCAL_ADMINISTRATOR, True),
        # The baseline (nullpunktsmåling) is required here, not at go-live: it must be measured before any
        # digital application arrives (test mode starts when this stage is completed), and a missing figure
        # must hold back a person completing a step, never a booked go-live day that citizens wait for.
        Item(
            "baseline_recorded",
            _("Nullpunktet er målt: søknader, tidsbruk og henvendelser før digital søknad"),
            Role.FAGANSVARLIG,
            True,
        ),
    ),
    Stage.INTEGRATION: (
        Item(
            "case_system_connected",
            _("Fagsystemet er koblet til (eller innboksen er valgt)"),
            Role.VENDOR,
            True,
        ),
        # The four tests tick themselves from what the exchange stores (selectors.integration_seen), never by
        # hand: nothing goes live on the vendor's word alone.
        Item("test_collected", _("Fagsystemet har hentet og kvittert for en testsøknad"), Role.VENDOR, True),
        Item("test_status_reported", _("Fagsystemet har meldt status MOTTATT"), Role.VENDOR, True),
        Item("test_letter_posted", _("Fagsystemet har sendt et brev"), Role.VENDOR, True),
        Item("test_ettersendelse_collected", _("Fagsystemet har hentet en ettersendelse"), Role.VENDOR, True),
    ),
    Stage.GO_LIVE: (
        Item("training_done", _("De ansatte har fått opplæring"), Role.NAV_OFFICE_LEADER),
        Item("go_live_date_booked", _("Dato for oppstart er bestilt"), Role.NAV_OFFICE_LEADER, True),
        Item("go_live_approved", _("Oppstartsdatoen er godkjent"), Role.OPERATOR, True),
    ),
}

# The fields of KS's Digisos configuration the local administrator edits. Receiving itself is switched by the
# path (go-live, temporary closure, reopening, leaving), never by hand: nothing goes live before every tick.
CONFIGURATION_FIELDS = (
    "channel",
    "fiks_io_account_id",
    "svarut_organisation_number",
    "fagansvarlig_emails",
    "teknisk_ansvarlig_emails",
    "can_update_status",
    "updates_temporarily_disabled",
    "nks_access",
    "behandlingsansvarlig",
    "paper_address",
    "paper_contact_phone",
    "paper_contact_email",
    "contact_note",
)

# Who may record or correct the baseline before go-live: the people who know the caseload and the office.
# After go-live it is fixed (a baseline edited afterwards is no baseline); only an operator corrects an error.
BASELINE_RECORDERS = (
    Role.FAGANSVARLIG,
    Role.LOCAL_ADMINISTRATOR,
    Role.NAV_OFFICE_LEADER,
    Role.KOMMUNEDIREKTOR,
)

# Who moves the municipality on from each stage.
STAGE_OWNERS: dict[str, Role] = {
    Stage.DECISION: Role.KOMMUNEDIREKTOR,
    Stage.AGREEMENTS: Role.KOMMUNEDIREKTOR,
    Stage.CONFIGURATION: Role.LOCAL_ADMINISTRATOR,
    Stage.INTEGRATION: Role.VENDOR,
    Stage.GO_LIVE: Role.OPERATOR,
}

# Who may invite someone to a role. Everyone may also delegate their own role to a colleague.
INVITERS: dict[str, tuple[Role, ...]] = {
    Role.LOCAL_ADMINISTRATOR: (Role.KOMMUNEDIREKTOR,),
    Role.FAGANSVARLIG: (Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR),
    Role.TEKNISK_ANSVARLIG: (Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR),
    Role.VENDOR: (Role.KOMMUNEDIREKTOR, Role.LOCAL_ADMINISTRATOR),
    Role.NAV_OFFICE_LEADER: (Role.KOMMUNEDIREKTOR,),
}
# The kommunedirektør's role comes from Altinn, the operator's from the employee login: neither is invited.
INVITABLE_ROLES = tuple(INVITERS)


def item(key: str) -> Item | None:
    return next((i for items in CHECKLISTS.values() for i in items if i.key == key), None)


def stage_of(key: str) -> str | None:
    return next((stage for stage, items in CHECKLISTS.items() if any(i.key == key for i in items)), None)
