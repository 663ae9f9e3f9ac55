"""The data-flow register: every flow of personal data in DigiSos, declared once, as data.

Each flow says why the data moves (purpose), on what legal basis (law and section), who is controller and
who is processor, which kinds of data, who may set it off, and how long the data is kept. Code that moves
personal data names its flow:

- a register port (registers/ports.py) and each adapter behind it carry `flow = "register.<port>"`;
- a delivery kind maps to a flow (exchange.models.Delivery.FLOWS);
- a notification sender, a background job or an employee-facing reader is decorated with `@uses_flow(...)`,
  or, in a module other sessions edit often, listed in the module's `DATAFLOWS` dict.

tests/followup/test_dataflow_register.py finds those places by introspection and fails when one names no
flow, or a flow this register does not declare. The public page "Personvern og behandlingsgrunnlag"
(digisos.followup) is rendered from FLOWS, so what citizens read cannot drift from the code.

This module lives in core, the lowest layer, because registers and exchange must name their flows and cannot
import the higher apps. It imports nothing from DigiSos.

The legal bases are those the domain notes give (shared/domain/services-onboarding-statistics.md §D,
no-ecosystem-security.md §3): they name the law and section the flow rests on; the municipality, as
controller, owns the final wording.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

F = TypeVar("F", bound=Callable[..., Any])

# Explicitly "this reader shows no other person's data" (for instance: is the employee allowed in the inbox at
# all). Saying so is a decision, written down; leaving a reader unmarked fails the register test.
NO_PERSONAL_DATA = "none"


class FlowKind(StrEnum):
    REGISTER = "register"  # a lookup in a public register
    DELIVERY = "delivery"  # personal data handed to the municipality
    CITIZEN_VIEW = "citizen_view"  # the case system's reports, shown to the applicant
    EMPLOYEE_VIEW = "employee_view"  # an employee reads another person's data
    NOTIFICATION = "notification"  # SMS or e-mail to the citizen
    STATISTICS = "statistics"  # aggregates without persons
    AUDIT = "audit"  # the record of who looked


# The parties, named once so every flow spells them the same.
MUNICIPALITY = _("Kommunen der søkeren bor (behandlingsansvarlig)")
NAV_DIRECTORATE = _("Arbeids- og velferdsdirektoratet (databehandler)")


@dataclass(frozen=True)
class DataFlow:
    key: str
    kind: FlowKind
    title: Promise | str
    purpose: Promise | str
    legal_basis: Promise | str  # the law and its section
    controller: Promise | str
    processor: Promise | str
    data_categories: tuple[Promise | str, ...]
    triggered_by: Promise | str
    retention: Promise | str
    source: Promise | str = ""  # the register or system the data comes from, where there is one


class UnknownFlow(LookupError):
    pass


# The legal bases used by several flows (no-ecosystem-security.md §3.1–3.2; services-onboarding-statistics.md
# §D.3). GDPR art. 6(1)(e) and art. 9(2)(b)/(h) with the national law named.
_APPLICATION_BASIS = _(
    "Sosialtjenesteloven §§ 18 og 43 (opplysninger innhentes i samarbeid med søkeren); personvernforordningen "
    "art. 6 nr. 1 bokstav e"
)
_CONSENT_BASIS = _(
    "Sosialtjenesteloven § 43 med søkerens samtykke i søknaden; personvernforordningen art. 6 nr. 1 bokstav e"
)
# The basis of NAV's own registers (Nav payments, Aa-registeret) in the office's person overview: see the
# "employee.state_registers" flow below for the sources. The panels show it as it is (followup.selectors).
NAV_REGISTERS_BASIS = _(
    "NAV-loven § 16: taushetsplikten etter NAV-loven § 7 er ikke til hinder for at ansatte i samme Nav-kontor får "
    "opplysningene, i den utstrekning det trengs for en hensiktsmessig arbeids- og arkivordning; "
    "personvernforordningen art. 6 nr. 1 bokstav e."
)
# What the code does (RETENTION_RULES below lists the jobs, one each).
_APPLICATION_RETENTION = _(
    "Kopien i et utkast slettes 14 dager etter at søknaden ble startet, hvis den ikke sendes. Når søknaden er "
    "sendt, slettes arbeidskopien (svarene og opplysningene fra registrene) etter 200 dager. Sendt søknad "
    "arkiveres av kommunen."
)

_FLOWS: tuple[DataFlow, ...] = (
    # Register lookups: what the application is pre-filled with, and what the access policy asks.
    DataFlow(
        key="register.folkeregister",
        kind=FlowKind.REGISTER,
        title=_("Folkeregisteret: navn, adresse og familie"),
        purpose=_("Fylle ut søknaden, finne riktig Nav-kontor og vite hvem som hører til husstanden."),
        legal_basis=_APPLICATION_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("fødselsnummer"),
            _("navn"),
            _("bostedsadresse"),
            _("sivilstand"),
            _("statsborgerskap"),
            _("ektefelle og barn"),
        ),
        triggered_by=_("Søkeren, når søknaden startes"),
        retention=_APPLICATION_RETENTION,
        source=_("Folkeregisteret (Skatteetaten)"),
    ),
    DataFlow(
        key="register.krr",
        kind=FlowKind.REGISTER,
        title=_("Kontakt- og reservasjonsregisteret: mobilnummer"),
        purpose=_(
            "Fylle ut telefonnummer og varsle søkeren om nytt i saken, med mindre søkeren har reservert seg mot digital kontakt."
        ),
        legal_basis=_APPLICATION_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("mobilnummer"), _("e-postadresse"), _("reservasjon mot digital kontakt")),
        triggered_by=_("Søkeren, når søknaden startes"),
        retention=_APPLICATION_RETENTION,
        source=_("Kontakt- og reservasjonsregisteret (Digdir)"),
    ),
    DataFlow(
        key="register.kontoregister",
        kind=FlowKind.REGISTER,
        title=_("Kontoregisteret: kontonummer"),
        purpose=_("Fylle ut kontonummeret pengene skal betales til."),
        legal_basis=_APPLICATION_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("kontonummer"),),
        triggered_by=_("Søkeren, når søknaden startes"),
        retention=_APPLICATION_RETENTION,
        source=_("Kontoregister for offentlige utbetalinger"),
    ),
    DataFlow(
        key="register.aaregister",
        kind=FlowKind.REGISTER,
        title=_("Aa-registeret: arbeidsforhold"),
        purpose=_("Fylle ut arbeidsforhold, så søkeren slipper å skrive dem selv."),
        legal_basis=_APPLICATION_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("arbeidsgiver"), _("stillingsprosent"), _("start- og sluttdato")),
        triggered_by=_("Søkeren, når søknaden startes"),
        retention=_APPLICATION_RETENTION,
        source=_("Arbeidsgiver- og arbeidstakerregisteret (Nav)"),
    ),
    DataFlow(
        key="register.nav_utbetalinger",
        kind=FlowKind.REGISTER,
        title=_("Utbetalinger fra Nav"),
        purpose=_("Fylle ut ytelser fra Nav de siste 40 dagene, som inngår i vurderingen av søknaden."),
        legal_basis=_APPLICATION_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("ytelse"), _("beløp"), _("utbetalingsdato")),
        triggered_by=_("Søkeren, når søknaden startes"),
        retention=_APPLICATION_RETENTION,
        source=_("Nav (utbetalinger)"),
    ),
    DataFlow(
        key="register.skatteetaten",
        kind=FlowKind.REGISTER,
        title=_("Skatteetaten: skattbar inntekt"),
        purpose=_("Hente siste måneds inntekt når søkeren sier ja til det."),
        legal_basis=_CONSENT_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("arbeidsgiver"), _("inntekt før skatt"), _("skattetrekk")),
        triggered_by=_("Søkeren, bare etter samtykke"),
        retention=_APPLICATION_RETENTION,
        source=_("A-ordningen (Skatteetaten)"),
    ),
    DataFlow(
        key="register.husbanken",
        kind=FlowKind.REGISTER,
        title=_("Husbanken: bostøtte"),
        purpose=_("Hente bostøttesaker og -utbetalinger de siste to månedene når søkeren sier ja til det."),
        legal_basis=_CONSENT_BASIS,
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("bostøttesak og status"), _("utbetalinger av bostøtte")),
        triggered_by=_("Søkeren, bare etter samtykke"),
        retention=_APPLICATION_RETENTION,
        source=_("Husbanken"),
    ),
    DataFlow(
        key="register.address_protection",
        kind=FlowKind.REGISTER,
        title=_("Folkeregisteret: adressebeskyttelse"),
        purpose=_(
            "Stenge ansattes oppslag på personer med fortrolig eller strengt fortrolig adresse, før noe vises, "
            "unntatt for ansatte med særskilt tilgang til nivået."
        ),
        legal_basis=_("Sosialtjenesteloven § 44 (taushetsplikt); NAV-loven § 16"),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("fødselsnummer"), _("gradering av adressebeskyttelse")),
        triggered_by=_("Ansatte i Nav-kontoret, kommunen og Nav Kontaktsenter, ved hvert oppslag"),
        retention=_("Lagres ikke; bare svaret på tilgangskontrollen føres i tilgangsloggen."),
        source=_("Folkeregisteret (Skatteetaten)"),
    ),
    DataFlow(
        key="register.skjerming",
        kind=FlowKind.REGISTER,
        title=_("Skjermede personer: ansatte i Nav"),
        purpose=_("Stenge oppslag på personer som er skjermet fordi de er ansatt i Nav."),
        legal_basis=_("NAV-loven § 16; sosialtjenesteloven § 44"),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("fødselsnummer"), _("om personen er skjermet")),
        triggered_by=_("Ansatte i Nav-kontoret, kommunen og Nav Kontaktsenter, ved hvert oppslag"),
        retention=_("Lagres ikke; bare svaret på tilgangskontrollen føres i tilgangsloggen."),
        source=_("Skjermingsregisteret (Nav)"),
    ),
    DataFlow(
        key="register.altinn",
        kind=FlowKind.REGISTER,
        title=_("Altinn: hvem som kan handle for kommunen"),
        purpose=_("Finne ut om den som er logget inn har rett til å signere avtalene for kommunen."),
        legal_basis=_("Personvernforordningen artikkel 6 nr. 1 bokstav e; samarbeidsavtalen med kommunen"),
        controller=_("Arbeids- og velferdsdirektoratet (behandlingsansvarlig for påkoblingen)"),
        processor=_("Digitaliseringsdirektoratet (Altinn, databehandler)"),
        data_categories=(_("fødselsnummer"), _("roller og rettigheter i organisasjoner")),
        triggered_by=_("Ansatte i kommunen, når de gjør et steg i påkoblingen"),
        retention=_("Lagres ikke; handlingen og hvem som gjorde den føres i påkoblingens logg."),
        source=_("Altinn autorisasjon (Digitaliseringsdirektoratet)"),
    ),
    DataFlow(
        key="register.enhetsregisteret",
        kind=FlowKind.REGISTER,
        title=_("Enhetsregisteret: organisasjonen til den som melder bekymring"),
        purpose=_(
            "Kontrollere organisasjonsnummeret og hente navn og adresse når en offentlig ansatt melder bekymring."
        ),
        legal_basis=_("Barnevernsloven § 13-2; enhetsregisterloven § 22"),
        controller=_("Kommunen som mottar bekymringsmeldingen (behandlingsansvarlig)"),
        processor=NAV_DIRECTORATE,
        data_categories=(_("organisasjonsnummer"), _("organisasjonens navn og adresse")),
        triggered_by=_("Den som melder bekymring som offentlig ansatt"),
        retention=_("Lagres med bekymringsmeldingen og slettes med den."),
        source=_("Enhetsregisteret (Brønnøysundregistrene)"),
    ),
    # Deliveries: the application and later documents handed to the municipality.
    DataFlow(
        key="delivery.soknad",
        kind=FlowKind.DELIVERY,
        title=_("Søknaden sendes til kommunen"),
        purpose=_("Kommunen skal behandle søknaden om økonomisk sosialhjelp."),
        legal_basis=_(
            "Sosialtjenesteloven §§ 18 og 41; samarbeidsavtalen og databehandleravtalen med kommunen"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("alle opplysninger i søknaden"),
            _("vedlegg"),
            _("søknaden som PDF"),
        ),
        triggered_by=_("Søkeren, når søknaden sendes"),
        retention=_(
            "Krypterte kopier hos oss slettes 30 dager etter at kommunens fagsystem eller innboks har hentet dem; "
            "deretter hos kommunen etter arkivloven."
        ),
    ),
    DataFlow(
        key="delivery.ettersendelse",
        kind=FlowKind.DELIVERY,
        title=_("Dokumenter sendt etter søknaden"),
        purpose=_("Kommunen får dokumentasjonen den har bedt om, eller som søkeren vil legge til."),
        legal_basis=_("Sosialtjenesteloven §§ 18 og 43"),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("vedlegg"), _("vedleggsliste")),
        triggered_by=_("Søkeren"),
        retention=_(
            "Krypterte kopier hos oss slettes 30 dager etter at kommunen har hentet dem; deretter hos kommunen "
            "etter arkivloven."
        ),
    ),
    # What the municipality's case system reports back, for the applicant to read.
    DataFlow(
        key="citizen.innsyn",
        kind=FlowKind.CITIZEN_VIEW,
        title=_("Kommunen melder hvordan det går med saken"),
        purpose=_("Du skal kunne følge saken din: status, brev, vedtak, frister og utbetalinger."),
        legal_basis=_(
            "Forvaltningsloven §§ 11 og 18 (veiledning og partsinnsyn); databehandleravtalen med kommunen"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("saksstatus"),
            _("vedtak og brev"),
            _("dokumentkrav og frister"),
            _("utbetalinger"),
            _("Nav-kontor og kommune"),
        ),
        triggered_by=_("Kommunens fagsystem eller saksbehandler i innboksen"),
        retention=_(
            "Lagres så lenge saken finnes hos oss; sletting etter databehandleravtalens 200 dager er ikke "
            "automatisert ennå."
        ),
        source=_("Kommunens fagsystem"),
    ),
    DataFlow(
        key="delivery.bekymringsmelding",
        kind=FlowKind.DELIVERY,
        title=_("Bekymringsmeldingen sendes til barneverntjenesten"),
        purpose=_("Barneverntjenesten skal vurdere bekymringen for barnet."),
        legal_basis=_("Barnevernsloven §§ 13-1 og 13-2 (meldeplikt og meldinger)"),
        controller=_("Kommunen som mottar bekymringsmeldingen (behandlingsansvarlig)"),
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("barnets navn, fødselsnummer eller fødselsdato og adresse"),
            _("foresatte"),
            _("bekymringen"),
            _("den som melder"),
        ),
        triggered_by=_("Den som melder bekymring, eller et fagsystem som sender meldingen for dem"),
        retention=_(
            "Innholdet slettes hos oss 30 dager etter at barneverntjenesten har bekreftet mottak; "
            "tellinger til statistikk beholdes."
        ),
        source=_("Den som melder"),
    ),
    # Employees' reads of another person's data.
    DataFlow(
        key="employee.inbox",
        kind=FlowKind.EMPLOYEE_VIEW,
        title=_("Kommunens saksbehandler leser søknader i innboksen"),
        purpose=_("Behandle søknader i kommuner som ikke har eget fagsystem."),
        legal_basis=_(
            "Sosialtjenesteloven § 41 og forvaltningsloven; sosialtjenesteloven § 44 (taushetsplikt)"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("søknaden med vedlegg"), _("saksstatus"), _("vedtak og brev")),
        triggered_by=_("Saksbehandlere i mottakerkommunen"),
        retention=_("Som søknaden: hos kommunen etter arkivloven."),
    ),
    DataFlow(
        key="employee.nav_office",
        kind=FlowKind.EMPLOYEE_VIEW,
        title=_("Ansatte på Nav-kontoret ser personens saker"),
        purpose=_("Følge opp personen samlet, uten å slå opp i mange systemer."),
        legal_basis=_(
            "NAV-loven § 16 (innenfor Nav-kontoret, i den utstrekning det trengs); sosialtjenesteloven § 44"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("søknader og vedtak"), _("utbetalinger"), _("dokumentkrav og frister")),
        triggered_by=_("Ansatte på Nav-kontoret som har personens sak, med oppgitt formål"),
        retention=_("Vises bare; hvert oppslag føres i tilgangsloggen."),
    ),
    DataFlow(
        # The state registers' panels in the person overview (followup), checked in issue 13 against
        # services-onboarding-statistics.md §D.3 and the legal study it cites ("Personvern i Navs digitale
        # saksbehandling", Köhler-Olsen and Kane, ch. 5.2: https://9pdf.net/article/digitale-saksbehandlings-og-
        # arkivsystemer.yng64o71). NAV-loven (arbeids- og velferdsforvaltningsloven) § 16 lifts the state side's
        # duty of confidentiality in § 7 for other staff in the same NAV office, as far as needed for a practical
        # working and filing arrangement (the wording of fvl. § 13 b nr. 3). It reaches data held by the office's
        # state and municipal parts: NAV's payments and Aa-registeret (run by NAV). It does not reach Husbanken's
        # bostøtte, which is neither NAV's nor the social service's: the only basis the notes give for it is the
        # applicant's consent in the application (sosialtjenesteloven § 43, flow "register.husbanken"), so the
        # panel is shown only when that consent is on the case (followup.selectors.housing_allowance_consented).
        # Sosialtjenesteloven § 44 was listed here before; it is the municipal side's duty of confidentiality, not
        # the one these state data are under (§ 7), so it is no basis for this flow. Personopplysningsloven only
        # makes the GDPR Norwegian law: the GDPR basis is art. 6 nr. 1 bokstav e, with § 16 and § 43 as the
        # supplementary national law (art. 6 nr. 3). Staff in the office only: not NKS, and not a municipal
        # caseworker whose relation is to the municipality and not to an office (policy.ROLE_KINDS).
        key="employee.state_registers",
        kind=FlowKind.EMPLOYEE_VIEW,
        title=_("Ansatte på Nav-kontoret ser opplysninger fra statlige registre"),
        purpose=_(
            "Se utbetalinger fra Nav, arbeidsforhold og bostøtte sammen med sosialhjelpssaken, uten å slå opp i "
            "hvert register for seg."
        ),
        legal_basis=format_lazy(
            "{nav} {housing}",
            nav=NAV_REGISTERS_BASIS,
            housing=_("Bostøtte: bare med søkerens samtykke i søknaden (sosialtjenesteloven § 43)."),
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("utbetalinger fra Nav"),
            _("arbeidsforhold fra Aa-registeret"),
            _("bostøttesaker og -utbetalinger fra Husbanken, når søkeren har samtykket"),
        ),
        triggered_by=_(
            "Ansatte på Nav-kontoret som har personens sak, med formålet oppfølging; ikke Nav Kontaktsenter"
        ),
        retention=_(
            "Hentes fra registrene ved hvert oppslag og lagres ikke; hvert oppslag føres i tilgangsloggen."
        ),
        source=_("Nav (utbetalinger), Aa-registeret (Nav) og Husbanken"),
    ),
    DataFlow(
        key="employee.nks",
        kind=FlowKind.EMPLOYEE_VIEW,
        title=_("Nav Kontaktsenter svarer når du ringer"),
        purpose=_("Svare på generelle spørsmål om saken mens innbyggeren er i telefonen."),
        legal_basis=_(
            "Samarbeidsavtalen og databehandleravtalen med kommunen (NKS-tilgang); oppslag bare når innbyggeren "
            "ringer Nav Kontaktsenter"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("søknader siste 15 måneder og status"),
            _("Nav-kontor og kommune"),
            _("dokumentkrav og frister"),
            _("vedtak"),
            _("utbetalinger (uten kontonummer når andre får pengene)"),
            _("navn på vedlegg, uten innhold"),
        ),
        triggered_by=_("Veiledere i Nav Kontaktsenter, for kommuner som har avtale om det"),
        retention=_("Vises bare; hvert oppslag føres i tilgangsloggen."),
    ),
    # Notifications to the citizen.
    DataFlow(
        key="employee.child_welfare_inbox",
        kind=FlowKind.EMPLOYEE_VIEW,
        title=_("Barneverntjenesten leser bekymringsmeldinger i innboksen"),
        purpose=_("Ta imot bekymringsmeldinger i kommuner uten eget fagsystem for barnevern."),
        legal_basis=_("Barnevernsloven §§ 13-1 og 13-2; barnevernsloven § 13-6 (taushetsplikt)"),
        controller=_("Kommunen som mottar bekymringsmeldingen (behandlingsansvarlig)"),
        processor=NAV_DIRECTORATE,
        data_categories=(_("bekymringsmeldingen"),),
        triggered_by=_("Ansatte i barneverntjenesten for det kontoret meldingen gjelder"),
        retention=_("Som bekymringsmeldingen."),
    ),
    DataFlow(
        key="notification.case_news",
        kind=FlowKind.NOTIFICATION,
        title=_("Varsel om nytt i saken og frister"),
        purpose=_("Si fra at det er nytt i saken eller at en frist nærmer seg, uten å si hva."),
        legal_basis=_(
            "Forvaltningsloven § 11 (veiledningsplikt); personvernforordningen art. 6 nr. 1 bokstav e"
        ),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("mobilnummer eller e-postadresse"),),
        triggered_by=_("Nye hendelser fra kommunens fagsystem, og fristene i saken"),
        retention=_("Varselet lagres ikke med innhold; at det er sendt, lagres så lenge saken finnes."),
    ),
    # Statistics: aggregates only.
    DataFlow(
        key="notification.concern_receipt",
        kind=FlowKind.NOTIFICATION,
        title=_("Kvittering for bekymringsmelding på e-post"),
        purpose=_("Den som meldte skal vite at meldingen er mottatt."),
        legal_basis=_("Forvaltningsloven § 11 (veiledningsplikt); barnevernsloven § 13-2"),
        controller=_("Kommunen som mottar bekymringsmeldingen (behandlingsansvarlig)"),
        processor=NAV_DIRECTORATE,
        data_categories=(_("e-postadresse fra Kontakt- og reservasjonsregisteret"),),
        triggered_by=_("Den som melder bekymring"),
        retention=_("Lagres ikke; e-posten har ikke noe av innholdet i meldingen."),
    ),
    DataFlow(
        key="notification.onboarding",
        kind=FlowKind.NOTIFICATION,
        title=_("E-post til kommunens ansatte under påkoblingen"),
        purpose=_("Den som eier et steg i påkoblingen skal vite hva som venter på dem."),
        legal_basis=_("Personvernforordningen artikkel 6 nr. 1 bokstav e; samarbeidsavtalen med kommunen"),
        controller=_("Arbeids- og velferdsdirektoratet (behandlingsansvarlig for påkoblingen)"),
        processor=_("Ingen"),
        data_categories=(_("navn og e-postadresse i jobben"), _("rolle i påkoblingen")),
        triggered_by=_("Påkoblingens steg og påminnelser"),
        retention=_("Rollene lagres mens kommunen er koblet på; e-postene lagres ikke."),
    ),
    DataFlow(
        key="statistics.aggregates",
        kind=FlowKind.STATISTICS,
        title=_("Statistikk"),
        purpose=_("Følge med på bruken av tjenesten og gevinstene, uten å kunne finne enkeltpersoner."),
        legal_basis=_("Databehandleravtalen vedlegg 1 (innsikt og måling); personvernforordningen art. 89"),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(_("antall, uten personopplysninger; små tall skjules"),),
        triggered_by=_("Automatisk, hver natt"),
        retention=_(
            "Bare tall lagres. Rådata for innsikt skal etter databehandleravtalen slettes etter 30 dager."
        ),
    ),
    # The record of employee looks, which the citizen can read.
    DataFlow(
        key="audit.lookups",
        kind=FlowKind.AUDIT,
        title=_("Tilgangslogg: hvem har sett opplysningene dine"),
        purpose=_("Kunne vise deg og tilsynet hvem som så hva, når og hvorfor, også når tilgang ble nektet."),
        legal_basis=_("Personvernforordningen art. 5 nr. 2 og art. 32; sosialtjenesteloven § 44"),
        controller=MUNICIPALITY,
        processor=NAV_DIRECTORATE,
        data_categories=(
            _("den ansattes ident"),
            _("fødselsnummeret det ble slått opp på"),
            _("formål"),
            _("tidspunkt"),
            _("svar (tilgang gitt eller nektet)"),
        ),
        triggered_by=_("Hvert oppslag fra en ansatt"),
        retention=_(
            "Slettes etter to år (DigiSos' forslag; kommunen som behandlingsansvarlig kan endre det)."
        ),
    ),
)

FLOWS: dict[str, DataFlow] = {flow.key: flow for flow in _FLOWS}


@dataclass(frozen=True)
class RetentionRule:
    """One deletion rule and the one periodic job (settings.PERIODIC_TASKS) that carries it out; None when the
    rule is agreed but no job does it yet, which the privacy page says plainly."""

    key: str
    title: Promise | str
    period: Promise | str
    periodic_task: str | None


RETENTION_RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        "drafts",
        _("Utkast til søknad, med vedlegg"),
        _("14 dager etter at søknaden ble startet"),
        "application.draft_retention",
    ),
    RetentionRule(
        "orphaned_uploads",
        _("Opplastede filer som ikke hører til noe lenger"),
        _("24 timer"),
        "documents.retention",
    ),
    RetentionRule(
        "delivered_files",
        _("Krypterte kopier av det som er sendt kommunen"),
        _("30 dager etter at kommunen hentet dem"),
        "exchange.collected_files",
    ),
    RetentionRule("access_log", _("Tilgangsloggen"), _("To år"), "followup.audit_retention"),
    RetentionRule(
        "application_metadata",
        _("Arbeidskopien av en sendt søknad: svarene og opplysningene fra registrene"),
        _("200 dager etter at søknaden ble sendt (databehandleravtalen)"),
        "application.metadata_retention",
    ),
)


def get_flow(key: str) -> DataFlow:
    try:
        return FLOWS[key]
    except KeyError:
        raise UnknownFlow(f"{key!r} is not declared in digisos.core.dataflows") from None


def is_declared(key: str) -> bool:
    return key == NO_PERSONAL_DATA or key in FLOWS


def uses_flow(key: str) -> Callable[[F], F]:
    """Marks a function as moving personal data on the declared flow `key` (checked when the module loads)."""
    if not is_declared(key):
        raise UnknownFlow(f"{key!r} is not declared in digisos.core.dataflows")

    def mark(function: F) -> F:
        function.__dataflow__ = key  # type: ignore[attr-defined]
        return function

    return mark


def flow_of(obj: Any) -> str | None:
    """The flow `obj` names: a `@uses_flow` function's, or a class's `flow` attribute; None when it names none."""
    # A background task (django_tasks' frozen Task) carries the flow on the function it wraps.
    wrapped = getattr(obj, "func", None)
    return (
        getattr(obj, "__dataflow__", None)
        or getattr(obj, "flow", None)
        or (getattr(wrapped, "__dataflow__", None) if wrapped is not None else None)
    )


def flows_of_kind(kind: FlowKind) -> list[DataFlow]:
    return [flow for flow in _FLOWS if flow.kind == kind]
