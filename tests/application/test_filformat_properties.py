"""Property-based: any combination of answers, for any persona and any register outcome, gives a soknad.json
and a vedlegg.json that validate against NAV's schemas."""

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisos.application import filformat
from digisos.application.filformat_validation import soknad_errors, vedlegg_errors
from digisos.application.requirements import documentation_requirements
from digisos.registers.adapters import local
from digisos.registers.adapters.local import load_population
from digisos.registers.selectors import _jsonable

PERSONAS = list(load_population().values())
TODAY = date(2026, 11, 23)
maybe_bool = st.one_of(st.none(), st.booleans())
text = st.text(max_size=60)
subset = lambda options: st.lists(st.sampled_from(options), unique=True)  # noqa: E731


def registers_for(persona: dict, skatt: str | None, husbanken: str | None) -> dict:
    person = local.LocalFolkeregister().get_person(persona["pid"])
    registers = {
        "person": _jsonable(person),
        "mobile": persona["krr"]["mobile"],
        "account": persona["kontoregister"]["account_number"],
        "employments": persona["aaregister"]["employments"],
        "nav_payments": [
            {**p, "components": p.get("components", [])} for p in persona["nav_utbetalinger"]["payments"]
        ],
        "failed": [],
    }
    if skatt:
        incomes = persona["skatteetaten"]["incomes"] if skatt == "ok" else []
        registers["skatt"] = {
            "status": skatt,
            "incomes": [{**i, "period_start": "2026-10-01", "period_end": "2026-10-31"} for i in incomes],
        }
    if husbanken:
        registers["husbanken"] = {
            "status": husbanken,
            **(
                {"cases": persona["husbanken"]["cases"], "payments": persona["husbanken"]["payments"]}
                if husbanken == "ok"
                else {"cases": [], "payments": []}
            ),
        }
    return registers


answers_strategy = st.fixed_dictionaries(
    {
        "personalia": st.fixed_dictionaries(
            {
                "adresse_valg": st.sampled_from(["folkeregistrert", "soknad"]),
                "annen_adresse": st.just(
                    {
                        "street_name": "Storgata",
                        "house_number": "5",
                        "house_letter": "B",
                        "street_code": None,
                        "postnummer": "0155",
                        "poststed": "OSLO",
                        "kommunenummer": "0301",
                        "bydelsnummer": None,
                    }
                ),
                "telefon": st.one_of(st.none(), st.from_regex(r"\+47[49][0-9]{7}", fullmatch=True)),
                "kontonummer": st.one_of(st.none(), st.just("12345678903")),
                "har_ikke_konto": st.booleans(),
            }
        ),
        "behov": st.fixed_dictionaries(
            {"hva": text, "hvorfor": text, "nodhjelp": subset(["mat", "bolig", "strom"])}
        ),
        "arbeid": st.fixed_dictionaries(
            {
                "kommentar": text,
                "er_student": maybe_bool,
                "studentgrad": st.sampled_from([None, "heltid", "deltid"]),
            }
        ),
        "familie": st.fixed_dictionaries(
            {
                "sivilstatus": st.sampled_from(["", "gift", "ugift", "samboer", "enke", "skilt", "separert"]),
                "ektefelle_fornavn": text,
                "ektefelle_etternavn": text,
                "bor_sammen": maybe_bool,
                "barnebidrag": st.sampled_from(["", "betaler", "mottar", "begge", "ingen"]),
                "barn": st.dictionaries(
                    st.sampled_from(["0", "1"]),
                    st.fixed_dictionaries(
                        {"delt_bosted": maybe_bool, "samvarsgrad": st.one_of(st.none(), st.integers(0, 100))}
                    ),
                ),
            }
        ),
        "bosituasjon": st.fixed_dictionaries(
            {
                "botype": st.sampled_from(["", *filformat.BOTYPER]),
                "antall_personer": st.one_of(st.none(), st.integers(0, 50)),
            }
        ),
        "inntekt": st.fixed_dictionaries(
            {
                "skatt_samtykke": maybe_bool,
                "bostotte": maybe_bool,
                "bostotte_samtykke": maybe_bool,
                "studielan": maybe_bool,
                "utbetalinger": subset(["utbytte", "salg", "forsikring", "annet"]),
                "utbetalinger_annet": text,
                "bank": subset(
                    ["brukskonto", "sparekonto", "bsu", "livsforsikring", "verdipapirer", "annet"]
                ),
                "bank_annet": text,
                "verdier": subset(["bolig", "campingvogn", "kjoretoy", "fritidseiendom", "annet"]),
                "verdier_annet": text,
            }
        ),
        "utgifter": st.fixed_dictionaries(
            {
                "boutgifter": subset(
                    ["husleie", "strom", "kommunaleavgifter", "oppvarming", "boliglan", "annet"]
                ),
                "boutgifter_annet": text,
                "barneutgifter": subset(
                    ["fritidsaktiviteter", "barnehage", "sfo", "tannregulering", "annet"]
                ),
            }
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    persona=st.sampled_from(PERSONAS),
    answers=answers_strategy,
    skatt=st.sampled_from([None, "ok", "failed"]),
    husbanken=st.sampled_from([None, "ok", "failed"]),
    amount=st.one_of(st.none(), st.integers(0, 10_000_000)),
    uploaded=st.booleans(),
    earlier=st.booleans(),
)
def test_every_answer_combination_validates(persona, answers, skatt, husbanken, amount, uploaded, earlier):
    registers = registers_for(persona, skatt, husbanken)
    requirements = documentation_requirements(answers, registers, today=TODAY)
    amounts = {
        r.key: {"belop": amount, "brutto": amount, "netto": amount, "avdrag": amount, "renter": amount}
        for r in requirements
        if amount is not None
    }
    soknad = filformat.build_soknad(
        answers=answers,
        registers=registers,
        mottaker={
            "kommunenummer": "0301",
            "enhetsnummer": "0315",
            "navEnhetsnavn": "NAV Grünerløkka, Oslo kommune",
        },
        amounts=amounts,
        sent_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    )
    assert soknad_errors(soknad) == []
    files = {requirements[0].key: [("fil-12345678.pdf", "a" * 128)]} if uploaded else {}
    vedlegg = filformat.build_vedlegg(
        requirements, files=files, delivered_earlier={r.key for r in requirements} if earlier else set()
    )
    assert vedlegg_errors(vedlegg) == []
    statuses = {v["status"] for v in vedlegg["vedlegg"]}
    assert statuses <= {"LastetOpp", "VedleggKreves", "VedleggAlleredeSendt"}
    if uploaded:
        assert vedlegg["vedlegg"][0]["status"] == "LastetOpp"
