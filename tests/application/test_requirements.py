"""Every row of NAV's trigger table (shared/domain/nav-soknad.md §2.2), and each register failure fallback."""

from datetime import date, timedelta

import pytest

from digisos.application.requirements import documentation_requirements

TODAY = date(2026, 11, 23)
PERSON = {"citizenship": "NOR", "children": []}
CHILD = {"given_name": "Ola", "family_name": "N", "birth_date": "2015-01-01", "pid": "01011512345"}


def keys(answers=None, registers=None) -> set[str]:
    registers = {"person": PERSON, "employments": [], **(registers or {})}
    return {r.key for r in documentation_requirements(answers or {}, registers, today=TODAY)}


def employment(end: date | None) -> dict:
    return {
        "employer_name": "X",
        "orgnr": "974760673",
        "start_date": "2020-01-01",
        "end_date": end.isoformat() if end else None,
        "percent": 100,
    }


BASE = {"skattemelding|skattemelding", "annet|annet"}

ROWS = [
    ("always: skattemelding and the optional annet", {}, {}, set()),
    (
        "non-Nordic citizen",
        {},
        {"person": {**PERSON, "citizenship": "POL"}},
        {"oppholdstillatel|oppholdstillatel"},
    ),
    (
        "stateless / unknown citizenship",
        {},
        {"person": {**PERSON, "citizenship": None}},
        {"oppholdstillatel|oppholdstillatel"},
    ),
    ("Swedish citizen is Nordic", {}, {"person": {**PERSON, "citizenship": "SWE"}}, set()),
    ("renting privately", {"bosituasjon": {"botype": "leier"}}, {}, {"husleiekontrakt|husleiekontrakt"}),
    (
        "renting from the municipality",
        {"bosituasjon": {"botype": "kommunal"}},
        {},
        {"husleiekontrakt|kommunal"},
    ),
    ("owner: no rental contract", {"bosituasjon": {"botype": "eier"}}, {}, set()),
    ("ongoing employment", {}, {"employments": [employment(None)]}, {"lonnslipp|arbeid"}),
    (
        "employment ending in two months",
        {},
        {"employments": [employment(TODAY + timedelta(days=60))]},
        {"lonnslipp|arbeid"},
    ),
    (
        "employment ending within a month",
        {},
        {"employments": [employment(TODAY + timedelta(days=20))]},
        {"sluttoppgjor|arbeid"},
    ),
    (
        "employment ended last week",
        {},
        {"employments": [employment(TODAY - timedelta(days=7))]},
        {"sluttoppgjor|arbeid"},
    ),
    ("skatt consent no, no employment", {"inntekt": {"skatt_samtykke": False}}, {}, {"lonnslipp|arbeid"}),
    (
        "skatt consent yes and fetched: no payslip",
        {"inntekt": {"skatt_samtykke": True}},
        {"employments": [employment(None)], "skatt": {"status": "ok"}},
        set(),
    ),
    (
        "skatt consent yes but Skatteetaten failed",
        {"inntekt": {"skatt_samtykke": True}},
        {"skatt": {"status": "failed"}},
        {"lonnslipp|arbeid"},
    ),
    ("pays child support", {"familie": {"barnebidrag": "betaler"}}, {}, {"barnebidrag|betaler"}),
    ("receives child support", {"familie": {"barnebidrag": "mottar"}}, {}, {"barnebidrag|mottar"}),
    (
        "both pays and receives",
        {"familie": {"barnebidrag": "begge"}},
        {},
        {"barnebidrag|betaler", "barnebidrag|mottar"},
    ),
    (
        "student loan",
        {"arbeid": {"er_student": True}, "inntekt": {"studielan": True}},
        {},
        {"student|vedtak"},
    ),
    (
        "bostøtte without consent",
        {"inntekt": {"bostotte": True, "bostotte_samtykke": False}},
        {},
        {"husbanken|vedtak"},
    ),
    (
        "bostøtte with consent, Husbanken answered",
        {"inntekt": {"bostotte": True, "bostotte_samtykke": True}},
        {"husbanken": {"status": "ok"}},
        set(),
    ),
    (
        "bostøtte with consent, Husbanken failed",
        {"inntekt": {"bostotte": True, "bostotte_samtykke": True}},
        {"husbanken": {"status": "failed"}},
        {"husbanken|vedtak"},
    ),
    ("dividends", {"inntekt": {"utbetalinger": ["utbytte"]}}, {}, {"dokumentasjon|utbytte"}),
    ("sale", {"inntekt": {"utbetalinger": ["salg"]}}, {}, {"salgsoppgjor|eiendom"}),
    ("insurance", {"inntekt": {"utbetalinger": ["forsikring"]}}, {}, {"dokumentasjon|forsikringsutbetaling"}),
    ("other payments", {"inntekt": {"utbetalinger": ["annet"]}}, {}, {"dokumentasjon|annetinntekter"}),
    ("brukskonto", {"inntekt": {"bank": ["brukskonto"]}}, {}, {"kontooversikt|brukskonto"}),
    ("bsu", {"inntekt": {"bank": ["bsu"]}}, {}, {"kontooversikt|bsu"}),
    ("sparekonto", {"inntekt": {"bank": ["sparekonto"]}}, {}, {"kontooversikt|sparekonto"}),
    ("livsforsikring", {"inntekt": {"bank": ["livsforsikring"]}}, {}, {"kontooversikt|livsforsikring"}),
    ("verdipapirer", {"inntekt": {"bank": ["verdipapirer"]}}, {}, {"kontooversikt|aksjer"}),
    ("other savings", {"inntekt": {"bank": ["annet"]}}, {}, {"kontooversikt|annet"}),
    ("values need no documents", {"inntekt": {"verdier": ["bolig", "kjoretoy", "annet"]}}, {}, set()),
    ("husleie", {"utgifter": {"boutgifter": ["husleie"]}}, {}, {"faktura|husleie"}),
    ("strøm", {"utgifter": {"boutgifter": ["strom"]}}, {}, {"faktura|strom"}),
    (
        "kommunale avgifter",
        {"utgifter": {"boutgifter": ["kommunaleavgifter"]}},
        {},
        {"faktura|kommunaleavgifter"},
    ),
    ("oppvarming", {"utgifter": {"boutgifter": ["oppvarming"]}}, {}, {"faktura|oppvarming"}),
    ("boliglån", {"utgifter": {"boutgifter": ["boliglan"]}}, {}, {"nedbetalingsplan|avdraglaan"}),
    ("other housing costs", {"utgifter": {"boutgifter": ["annet"]}}, {}, {"dokumentasjon|annetboutgift"}),
    (
        "child costs",
        {
            "utgifter": {
                "barneutgifter": ["fritidsaktiviteter", "barnehage", "sfo", "tannregulering", "annet"]
            }
        },
        {"person": {**PERSON, "children": [CHILD]}},
        {
            "faktura|fritidsaktivitet",
            "faktura|barnehage",
            "faktura|sfo",
            "faktura|tannbehandling",
            "faktura|annetbarnutgift",
        },
    ),
    ("child costs without children are ignored", {"utgifter": {"barneutgifter": ["barnehage"]}}, {}, set()),
    (
        "child elsewhere, 30 % samvær: agreement",
        {"familie": {"barn": {"0": {"samvarsgrad": 30}}}},
        {"person": {**PERSON, "children": [{**CHILD, "lives_with_applicant": False}]}},
        {"samvarsavtale|barn"},
    ),
    (
        "child elsewhere, 0 % samvær: none",
        {"familie": {"barn": {"0": {"samvarsgrad": 0}}}},
        {"person": {**PERSON, "children": [{**CHILD, "lives_with_applicant": False}]}},
        set(),
    ),
    (
        "child elsewhere, 60 % samvær: none",
        {"familie": {"barn": {"0": {"samvarsgrad": 60}}}},
        {"person": {**PERSON, "children": [{**CHILD, "lives_with_applicant": False}]}},
        set(),
    ),
]


@pytest.mark.parametrize(("row", "answers", "registers", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_trigger_table(row, answers, registers, expected):
    assert keys(answers, registers) == BASE | expected
