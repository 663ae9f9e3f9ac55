"""Property-based: any combination of answers, for any persona and any register outcome (each register may
fail), for the standard and the short application, gives a soknad.json and a vedlegg.json that validate
against NAV's schemas."""

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, example, given, settings
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


# The registers asked when the application starts that may fail (registers.selectors.fetch_prefill): one that
# failed is listed in "failed" and gives nothing.
FALLIBLE = ["krr", "kontoregister", "aaregister", "nav_utbetalinger"]


def registers_for(persona: dict, skatt: str | None, husbanken: str | None, failed: list[str]) -> dict:
    person = local.LocalFolkeregister().get_person(persona["pid"])
    payments = [{**p, "components": p.get("components", [])} for p in persona["nav_utbetalinger"]["payments"]]
    registers = {
        "person": _jsonable(person),
        "mobile": None if "krr" in failed else persona["krr"]["mobile"],
        "account": None if "kontoregister" in failed else persona["kontoregister"]["account_number"],
        "employments": [] if "aaregister" in failed else persona["aaregister"]["employments"],
        "nav_payments": [] if "nav_utbetalinger" in failed else payments,
        "failed": list(failed),
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


personalia_strategy = st.fixed_dictionaries(
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
)
answers_strategy = st.fixed_dictionaries(
    {
        "personalia": personalia_strategy,
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


# Kort søknad (application.steps.SHORT_STEPS): personalia as in the standard one, what is applied for and
# whether anything changed, and a comment on the registers' work and family facts.
short_answers_strategy = st.fixed_dictionaries(
    {
        "personalia": personalia_strategy,
        "behov": st.fixed_dictionaries(
            {
                "hva": text,
                "nodhjelp": subset(["mat", "bolig", "strom"]),
                "endret": st.booleans(),
                "hva_endret": text,
            }
        ),
        "arbeid_familie": st.fixed_dictionaries({"kommentar": text}),
    }
)
# (short, answers): the standard application or the short one.
variant_strategy = st.one_of(
    st.tuples(st.just(False), answers_strategy), st.tuples(st.just(True), short_answers_strategy)
)
SHORT_ANSWERS = {
    "personalia": {
        "adresse_valg": "folkeregistrert",
        "telefon": None,
        "kontonummer": None,
        "har_ikke_konto": False,
    },
    "behov": {"hva": "Mat", "nodhjelp": [], "endret": True, "hva_endret": "Mistet jobben"},
    "arbeid_familie": {"kommentar": "Sluttet i oktober"},
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    persona=st.sampled_from(PERSONAS),
    variant=variant_strategy,
    skatt=st.sampled_from([None, "ok", "failed"]),
    husbanken=st.sampled_from([None, "ok", "failed"]),
    failed=subset(FALLIBLE),
    amount=st.one_of(st.none(), st.integers(0, 10_000_000)),
    uploaded=st.booleans(),
    earlier=st.booleans(),
)
# Run whatever hypothesis draws: the short application with every register failed, and with none.
@example(PERSONAS[0], (True, SHORT_ANSWERS), "failed", "failed", FALLIBLE, 1000, True, False)
@example(PERSONAS[0], (True, SHORT_ANSWERS), "ok", "ok", [], None, False, True)
def test_every_answer_combination_validates(
    persona, variant, skatt, husbanken, failed, amount, uploaded, earlier
):
    short, answers = variant
    registers = registers_for(persona, skatt, husbanken, failed)
    requirements = documentation_requirements(answers, registers, today=TODAY, short=short)
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
            "navEnhetsnavn": "Nav Grünerløkka, Oslo kommune",
        },
        amounts=amounts,
        sent_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        short=short,
    )
    assert soknad_errors(soknad) == []
    assert soknad["data"]["soknadstype"] == ("kort" if short else "standard")
    assert soknad["driftsinformasjon"]["utbetalingerFraNavFeilet"] == ("nav_utbetalinger" in failed)
    files = {requirements[0].key: [("fil-12345678.pdf", "a" * 128)]} if uploaded else {}
    vedlegg = filformat.build_vedlegg(
        requirements, files=files, delivered_earlier={r.key for r in requirements} if earlier else set()
    )
    assert vedlegg_errors(vedlegg) == []
    statuses = {v["status"] for v in vedlegg["vedlegg"]}
    assert statuses <= {"LastetOpp", "VedleggKreves", "VedleggAlleredeSendt"}
    if uploaded:
        assert vedlegg["vedlegg"][0]["status"] == "LastetOpp"
