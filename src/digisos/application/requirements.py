"""Which documents the application asks for, computed from the answers and the register data.

NAV's trigger table (shared/domain/nav-soknad.md §2.2), rule for rule, plus the legacy samværsavtale rule that
the current NAV backend lost. A pure function: the documentation step, vedlegg.json and the receipt all call
it, so they can never disagree.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_noop

NORDIC = {"NOR", "SWE", "FRO", "ISL", "DNK", "FIN", "ALA", "GRL"}


@dataclass(frozen=True)
class Requirement:
    type: str
    tilleggsinfo: str
    title: str  # bokmål, as the caseworker reads it; translated for the user by the templates
    amount: str = "belop"  # "belop", "brutto_netto", "avdrag_renter" or "" (no amount asked)
    optional: bool = False

    @property
    def key(self) -> str:
        return f"{self.type}|{self.tilleggsinfo}"


def _r(type_: str, info: str, title: str, amount: str = "belop", optional: bool = False) -> Requirement:
    return Requirement(type_, info, title, amount, optional)


SKATTEMELDING = _r(
    "skattemelding", "skattemelding", gettext_noop("Skattemelding og skatteoppgjør (siste år)"), amount=""
)
ANNET = _r("annet", "annet", gettext_noop("Andre opplysninger"), amount="", optional=True)
OPPHOLDSTILLATELSE = _r(
    "oppholdstillatel", "oppholdstillatel", gettext_noop("Registreringsbevis eller oppholdstillatelse"), ""
)
HUSLEIEKONTRAKT = _r("husleiekontrakt", "husleiekontrakt", gettext_noop("Husleiekontrakt"), amount="")
HUSLEIEKONTRAKT_KOMMUNAL = _r(
    "husleiekontrakt", "kommunal", gettext_noop("Husleiekontrakt (kommunal bolig)"), amount=""
)
LONNSLIPP = _r("lonnslipp", "arbeid", gettext_noop("Lønnsslipp (siste måned)"), amount="brutto_netto")
SLUTTOPPGJOR = _r("sluttoppgjor", "arbeid", gettext_noop("Sluttoppgjør"), amount="brutto_netto")
BARNEBIDRAG_BETALER = _r("barnebidrag", "betaler", gettext_noop("Opplysninger om barnebidrag du betaler"))
BARNEBIDRAG_MOTTAR = _r("barnebidrag", "mottar", gettext_noop("Opplysninger om barnebidrag du mottar"))
STUDENT = _r("student", "vedtak", gettext_noop("Vedtak fra Lånekassen"))
HUSBANKEN = _r("husbanken", "vedtak", gettext_noop("Vedtak om bostøtte for de siste to månedene"))
SAMVAERSAVTALE = _r(
    "samvarsavtale", "barn", gettext_noop("Samværsavtale eller avtale om delt bosted"), amount=""
)

INCOME = {
    "utbytte": _r("dokumentasjon", "utbytte", gettext_noop("Opplysninger om utbytte")),
    "salg": _r("salgsoppgjor", "eiendom", gettext_noop("Opplysninger om salgsoppgjør")),
    "forsikring": _r(
        "dokumentasjon", "forsikringsutbetaling", gettext_noop("Opplysninger om forsikringsutbetaling")
    ),
    "annet": _r("dokumentasjon", "annetinntekter", gettext_noop("Opplysninger om andre utbetalinger")),
}
SAVINGS = {
    "brukskonto": _r(
        "kontooversikt", "brukskonto", gettext_noop("Saldoutskrift for brukskonto (på søknadstidspunktet)")
    ),
    "bsu": _r("kontooversikt", "bsu", gettext_noop("Saldoutskrift for BSU (på søknadstidspunktet)")),
    "sparekonto": _r(
        "kontooversikt", "sparekonto", gettext_noop("Saldoutskrift for sparekonto (på søknadstidspunktet)")
    ),
    "livsforsikring": _r(
        "kontooversikt", "livsforsikring", gettext_noop("Oversikt over livsforsikring med sparedel")
    ),
    "verdipapirer": _r(
        "kontooversikt", "aksjer", gettext_noop("Oversikt over aksjer, obligasjoner og fond (VPS)")
    ),
    "annet": _r("kontooversikt", "annet", gettext_noop("Saldoutskrift for annen sparing")),
}
HOUSING_COSTS = {
    "husleie": _r("faktura", "husleie", gettext_noop("Kvittering eller faktura for husleie")),
    "strom": _r("faktura", "strom", gettext_noop("Siste faktura for strøm")),
    "kommunaleavgifter": _r(
        "faktura", "kommunaleavgifter", gettext_noop("Siste faktura for kommunale avgifter")
    ),
    "oppvarming": _r("faktura", "oppvarming", gettext_noop("Siste faktura for ved, gass eller fjernvarme")),
    "boliglan": _r(
        "nedbetalingsplan",
        "avdraglaan",
        gettext_noop("Nedbetalingsplan for boliglån"),
        amount="avdrag_renter",
    ),
    "annet": _r("dokumentasjon", "annetboutgift", gettext_noop("Opplysninger om andre boutgifter")),
}
CHILD_COSTS = {
    "fritidsaktiviteter": _r(
        "faktura", "fritidsaktivitet", gettext_noop("Kvittering eller faktura for fritidsaktiviteter")
    ),
    "barnehage": _r("faktura", "barnehage", gettext_noop("Faktura for barnehage")),
    "sfo": _r("faktura", "sfo", gettext_noop("Faktura for SFO eller AKS")),
    "tannregulering": _r("faktura", "tannbehandling", gettext_noop("Faktura for tannregulering")),
    "annet": _r("faktura", "annetbarnutgift", gettext_noop("Opplysninger om andre utgifter til barn")),
}


def is_nordic(citizenship: str | None) -> bool:
    return citizenship in NORDIC


def skatt_ok(answers: dict[str, Any], registers: dict[str, Any]) -> bool:
    return (
        answers.get("inntekt", {}).get("skatt_samtykke") is True
        and registers.get("skatt", {}).get("status") == "ok"
    )


# Kort søknad: NAV's fixed set of upload categories (DokumentasjonService), all optional; only those with
# files go into vedlegg.json.
SHORT = [
    _r("kontooversikt", "brukskonto", gettext_noop("Kontoutskrift for brukskonto"), "", True),
    _r("kort", "behov", gettext_noop("Dokumentasjon av det du søker om"), "", True),
    _r("faktura", "husleie", gettext_noop("Kvittering eller faktura for husleie"), "", True),
    _r("faktura", "strom", gettext_noop("Siste faktura for strøm"), "", True),
    _r("faktura", "barnehage", gettext_noop("Faktura for barnehage"), "", True),
    _r("faktura", "sfo", gettext_noop("Faktura for SFO eller AKS"), "", True),
    _r("husbanken", "vedtak", gettext_noop("Vedtak om bostøtte fra Husbanken"), "", True),
    _r("lonnslipp", "arbeid", gettext_noop("Lønnsslipp (siste måned)"), "", True),
    _r("student", "vedtak", gettext_noop("Vedtak om stipend og lån fra Lånekassen"), "", True),
    _r("barnebidrag", "mottar", gettext_noop("Dokumentasjon av barnebidrag du mottar"), "", True),
    _r("barnebidrag", "betaler", gettext_noop("Dokumentasjon av barnebidrag du betaler"), "", True),
    _r("kontooversikt", "annet", gettext_noop("Saldoutskrift for annen sparing"), "", True),
    _r("annet", "annet", gettext_noop("Andre opplysninger"), "", True),
]


def known_titles() -> frozenset[str]:
    """Every requirement title this module gives (bokmål msgids, translated where shown): a page that shows a
    title that came back from a case system translates it only when it is one of ours."""
    found: set[str] = set()
    for value in globals().values():
        if isinstance(value, Requirement):
            found.add(value.title)
        elif isinstance(value, dict):
            found |= {r.title for r in value.values() if isinstance(r, Requirement)}
        elif isinstance(value, list):
            found |= {r.title for r in value if isinstance(r, Requirement)}
    return frozenset(found)


def documentation_requirements(
    answers: dict[str, Any], registers: dict[str, Any], *, today: date, short: bool = False
) -> list[Requirement]:
    if short:
        return list(SHORT)
    found: list[Requirement] = [SKATTEMELDING]
    person = registers.get("person") or {}
    if not is_nordic(person.get("citizenship")):
        found.append(OPPHOLDSTILLATELSE)

    botype = answers.get("bosituasjon", {}).get("botype")
    if botype == "leier":
        found.append(HUSLEIEKONTRAKT)
    elif botype == "kommunal":
        found.append(HUSLEIEKONTRAKT_KOMMUNAL)

    found += _work(answers, registers, today=today)

    familie = answers.get("familie", {})
    bidrag = familie.get("barnebidrag")
    if bidrag in ("betaler", "begge"):
        found.append(BARNEBIDRAG_BETALER)
    if bidrag in ("mottar", "begge"):
        found.append(BARNEBIDRAG_MOTTAR)
    if _needs_contact_agreement(familie, person):
        found.append(SAMVAERSAVTALE)

    inntekt = answers.get("inntekt", {})
    if inntekt.get("studielan") is True and answers.get("arbeid", {}).get("er_student") is True:
        found.append(STUDENT)
    if inntekt.get("bostotte") is True and not (
        inntekt.get("bostotte_samtykke") is True and registers.get("husbanken", {}).get("status") == "ok"
    ):
        found.append(HUSBANKEN)
    found += [INCOME[k] for k in INCOME if k in inntekt.get("utbetalinger", [])]
    found += [SAVINGS[k] for k in SAVINGS if k in inntekt.get("bank", [])]

    utgifter = answers.get("utgifter", {})
    found += [HOUSING_COSTS[k] for k in HOUSING_COSTS if k in utgifter.get("boutgifter", [])]
    if person.get("children"):
        found += [CHILD_COSTS[k] for k in CHILD_COSTS if k in utgifter.get("barneutgifter", [])]

    found.append(ANNET)
    unique: dict[str, Requirement] = {}
    for requirement in found:
        unique.setdefault(requirement.key, requirement)
    return list(unique.values())


def _work(answers: dict[str, Any], registers: dict[str, Any], *, today: date) -> list[Requirement]:
    found = []
    ending_soon = today + timedelta(days=31 + 1)
    active = False
    for employment in registers.get("employments", []):
        end = date.fromisoformat(employment["end_date"]) if employment.get("end_date") else None
        if end is None or end > ending_soon:
            active = True
        elif end >= today - timedelta(days=92):
            found.append(SLUTTOPPGJOR)
    consent = answers.get("inntekt", {}).get("skatt_samtykke")
    skatt_failed = consent is True and registers.get("skatt", {}).get("status") == "failed"
    # With consent and an answer from Skatteetaten the payslip is not needed: the income is already there.
    if not skatt_ok(answers, registers) and (active or consent is False or skatt_failed):
        found.insert(0, LONNSLIPP)
    return found


def _needs_contact_agreement(familie: dict[str, Any], person: dict[str, Any]) -> bool:
    children = person.get("children") or []
    answers = familie.get("barn", {})
    for index, child in enumerate(children):
        if child.get("lives_with_applicant", True):
            continue
        samvar = answers.get(str(index), {}).get("samvarsgrad")
        if isinstance(samvar, int) and 1 <= samvar <= 50:
            return True
    return False
