"""soknad.json and vedlegg.json in NAV's file format (version 1.0.11), from the answers and register data.

Every value carries its source: `kilde: "system"` for what a register gave, `"bruker"` for what the person
wrote or changed. Titles (`tittel`) are in bokmål, as the caseworker reads them.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from . import requirements as req

FORMAT_VERSION = "1.0.11"

BOTYPER = ("eier", "leier", "kommunal", "ingen", "institusjon", "krisesenter", "fengsel", "venner", "foreldre", "familie", "annet")  # fmt: skip
INCOME_TYPES = {"utbytte": "Utbytte", "salg": "Salg av eiendom eller eiendeler", "forsikring": "Forsikringsutbetaling", "annet": "Annen utbetaling"}  # fmt: skip
INCOME_JSON_TYPE = {"utbytte": "utbytte", "salg": "salg", "forsikring": "forsikring", "annet": "annen"}
SAVINGS_TYPES = {"brukskonto": ("brukskonto", "Brukskonto"), "bsu": ("bsu", "BSU"), "sparekonto": ("sparekonto", "Sparekonto"), "livsforsikring": ("livsforsikringssparedel", "Livsforsikring med sparedel"), "verdipapirer": ("verdipapirer", "Aksjer, obligasjoner og fond"), "annet": ("belop", "Annen sparing")}  # fmt: skip
VALUE_TYPES = {"bolig": "Bolig", "campingvogn": "Campingvogn og/eller båt", "kjoretoy": "Kjøretøy", "fritidseiendom": "Fritidseiendom", "annet": "Annen eiendel"}  # fmt: skip
HOUSING_COST_TYPES = {"strom": ("strom", "Strøm"), "kommunaleavgifter": ("kommunalAvgift", "Kommunale avgifter"), "oppvarming": ("oppvarming", "Ved, gass eller fjernvarme"), "annet": ("annenBoutgift", "Andre boutgifter")}  # fmt: skip
CHILD_COST_TYPES = {"fritidsaktiviteter": ("barnFritidsaktiviteter", "Fritidsaktiviteter for barn"), "tannregulering": ("barnTannregulering", "Tannregulering for barn"), "annet": ("annenBarneutgift", "Andre utgifter til barn")}  # fmt: skip


def timestamp(moment: datetime) -> str:
    """UTC with milliseconds, as types/tidspunkt.json wants: 2026-11-23T14:05:09.123Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def build_soknad(
    *,
    answers: dict[str, Any],
    registers: dict[str, Any],
    mottaker: dict[str, str],
    amounts: dict[str, dict[str, int]],
    sent_at: datetime,
    short: bool = False,
) -> dict[str, Any]:
    """`sent_at` must be UTC. `amounts` are the documentation step's numbers per requirement key. `short`:
    kort søknad (soknadstype "kort", with what changed since the last application)."""
    person = registers.get("person") or {}
    failed = set(registers.get("failed", []))
    data: dict[str, Any] = {
        "soknadstype": "kort" if short else "standard",
        "personalia": _personalia(answers, registers, person),
        "begrunnelse": _begrunnelse(answers),
        "arbeid": _arbeid(answers, registers),
        "utdanning": _utdanning(answers),
        "familie": _familie(answers, person),
        "okonomi": _okonomi(answers, registers, amounts, sent_at),
    }
    if short:
        behov = answers.get("behov", {})
        data["situasjonendring"] = {"kilde": "bruker", "harNoeEndretSeg": behov.get("endret") is True}
        if behov.get("hva_endret"):
            data["situasjonendring"]["hvaHarEndretSeg"] = behov["hva_endret"]
    bosituasjon = answers.get("bosituasjon", {})
    if bosituasjon.get("botype") or bosituasjon.get("antall_personer") is not None:
        data["bosituasjon"] = {"kilde": "bruker"}
        if bosituasjon.get("botype") in BOTYPER:
            data["bosituasjon"]["botype"] = bosituasjon["botype"]
        if isinstance(bosituasjon.get("antall_personer"), int):
            data["bosituasjon"]["antallPersoner"] = bosituasjon["antall_personer"]
    return {
        "version": FORMAT_VERSION,
        "data": data,
        "mottaker": mottaker,
        "driftsinformasjon": {
            "utbetalingerFraNavFeilet": "nav_utbetalinger" in failed,
            "inntektFraSkatteetatenFeilet": registers.get("skatt", {}).get("status") == "failed",
            "stotteFraHusbankenFeilet": registers.get("husbanken", {}).get("status") == "failed",
        },
        "kompatibilitet": [],
        "innsendingstidspunkt": timestamp(sent_at),
    }


def _name(given: str, middle: str | None, family: str) -> dict[str, str]:
    return {"fornavn": given or "", "mellomnavn": middle or "", "etternavn": family or ""}


def _address(address: dict[str, Any], kilde: str, valg: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kilde": kilde,
        "type": "gateadresse",
        "landkode": "NOR",
        "kommunenummer": address.get("kommunenummer", ""),
        "gatenavn": address.get("street_name", ""),
        "husnummer": address.get("house_number", ""),
        "postnummer": address.get("postnummer", ""),
        "poststed": address.get("poststed", ""),
    }
    if address.get("house_letter"):
        result["husbokstav"] = address["house_letter"]
    if valg:
        result["adresseValg"] = valg
    return result


def _personalia(answers: dict[str, Any], registers: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    answered = answers.get("personalia", {})
    citizenship = person.get("citizenship")
    personalia: dict[str, Any] = {
        "personIdentifikator": {"kilde": "system", "verdi": person.get("pid", "")},
        "navn": {
            "kilde": "system",
            **_name(person.get("given_name", ""), person.get("middle_name"), person.get("family_name", "")),
        },
        "nordiskBorger": {"kilde": "system", "verdi": req.is_nordic(citizenship)},
        "kontonummer": _kontonummer(answered, registers),
    }
    if person.get("birth_date"):
        personalia["fodselsdato"] = person["birth_date"]
    if citizenship:
        personalia["statsborgerskap"] = {"kilde": "system", "verdi": citizenship}
    phone = answered.get("telefon")
    if phone:
        personalia["telefonnummer"] = {"kilde": "bruker", "verdi": phone}
    elif registers.get("mobile"):
        personalia["telefonnummer"] = {"kilde": "system", "verdi": registers["mobile"]}
    registered = person.get("bostedsadresse")
    if registered:
        personalia["folkeregistrertAdresse"] = _address(registered, "system")
    if answered.get("adresse_valg") == "soknad" and answered.get("annen_adresse"):
        chosen = _address(answered["annen_adresse"], "bruker", "soknad")
        personalia["oppholdsadresse"] = chosen
        personalia["postadresse"] = chosen
    elif registered:
        personalia["oppholdsadresse"] = _address(registered, "system", "folkeregistrert")
        personalia["postadresse"] = _address(registered, "system", "folkeregistrert")
    return personalia


def _kontonummer(answered: dict[str, Any], registers: dict[str, Any]) -> dict[str, Any]:
    if answered.get("har_ikke_konto"):
        return {"kilde": "bruker", "harIkkeKonto": True}
    if answered.get("kontonummer"):
        return {"kilde": "bruker", "verdi": answered["kontonummer"], "harIkkeKonto": False}
    if registers.get("account"):
        return {"kilde": "system", "verdi": registers["account"], "harIkkeKonto": False}
    return {"kilde": "bruker"}


def _begrunnelse(answers: dict[str, Any]) -> dict[str, Any]:
    behov = answers.get("behov", {})
    what = behov.get("hva", "")
    urgent = behov.get("nodhjelp", [])
    lines = []
    if urgent:
        lines.append("Nødhjelp: " + "; ".join(NODHJELP_TEXT[key] for key in urgent if key in NODHJELP_TEXT))
    if what:
        lines.append(what)
    return {"kilde": "bruker", "hvaSokesOm": "\n".join(lines), "hvorforSoke": behov.get("hvorfor", "")}


NODHJELP_TEXT = {
    "mat": "Jeg har ikke penger til mat i dag",
    "bolig": "Jeg har ikke et sted å bo i natt",
    "strom": "Strømmen er stengt, eller stenges i dag eller i morgen",
}


def _arbeid(answers: dict[str, Any], registers: dict[str, Any]) -> dict[str, Any]:
    if "aaregister" in registers.get("failed", []):
        return {}
    arbeid: dict[str, Any] = {
        "forhold": [
            {
                "kilde": "system",
                "arbeidsgivernavn": employment["employer_name"],
                "fom": employment["start_date"],
                **({"tom": employment["end_date"]} if employment.get("end_date") else {}),
                "stillingsprosent": employment["percent"],
                "overstyrtAvBruker": False,
            }
            for employment in registers.get("employments", [])
        ]
    }
    comment = answers.get("arbeid", {}).get("kommentar") or answers.get("arbeid_familie", {}).get("kommentar")
    if comment:
        arbeid["kommentarTilArbeidsforhold"] = {"kilde": "bruker", "verdi": comment}
    return arbeid


def _utdanning(answers: dict[str, Any]) -> dict[str, Any]:
    arbeid = answers.get("arbeid", {})
    utdanning: dict[str, Any] = {"kilde": "bruker"}
    if isinstance(arbeid.get("er_student"), bool):
        utdanning["erStudent"] = arbeid["er_student"]
        if arbeid["er_student"] and arbeid.get("studentgrad") in ("heltid", "deltid"):
            utdanning["studentgrad"] = arbeid["studentgrad"]
    return utdanning


def _familie(answers: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    familie_answers = answers.get("familie", {})
    children = person.get("children") or []
    forsorgerplikt: dict[str, Any] = {"harForsorgerplikt": {"kilde": "system", "verdi": bool(children)}}
    if children:
        ansvar = []
        for index, child in enumerate(children):
            answered = familie_answers.get("barn", {}).get(str(index), {})
            together = bool(child.get("lives_with_applicant", True))
            entry: dict[str, Any] = {
                "barn": {
                    "kilde": "system",
                    "navn": _name(child["given_name"], None, child["family_name"]),
                    "fodselsdato": child["birth_date"],
                    "personIdentifikator": child["pid"],
                    "harDiskresjonskode": False,
                },
                "erFolkeregistrertSammen": {"kilde": "system", "verdi": together},
            }
            if together and isinstance(answered.get("delt_bosted"), bool):
                entry["harDeltBosted"] = {"kilde": "bruker", "verdi": answered["delt_bosted"]}
            if not together and isinstance(answered.get("samvarsgrad"), int):
                entry["samvarsgrad"] = {"kilde": "bruker", "verdi": answered["samvarsgrad"]}
            ansvar.append(entry)
        forsorgerplikt["ansvar"] = ansvar
        if familie_answers.get("barnebidrag") in ("betaler", "mottar", "begge", "ingen"):
            forsorgerplikt["barnebidrag"] = {"kilde": "bruker", "verdi": familie_answers["barnebidrag"]}
    familie: dict[str, Any] = {"forsorgerplikt": forsorgerplikt}
    sivilstatus = _sivilstatus(familie_answers, person)
    if sivilstatus:
        familie["sivilstatus"] = sivilstatus
    return familie


def _sivilstatus(answers: dict[str, Any], person: dict[str, Any]) -> dict[str, Any] | None:
    spouse = person.get("spouse")
    if spouse and person.get("civil_status") in ("gift", "registrert_partner"):
        return {
            "kilde": "system",
            "status": "gift",
            "ektefelle": {
                "navn": _name(spouse["given_name"], None, spouse["family_name"]),
                "fodselsdato": spouse["birth_date"],
                "personIdentifikator": spouse["pid"],
            },
            "ektefelleHarDiskresjonskode": False,
            "folkeregistrertMedEktefelle": bool(spouse.get("lives_with_applicant", True)),
        }
    status = answers.get("sivilstatus")
    if status not in ("gift", "ugift", "samboer", "enke", "skilt", "separert"):
        return None
    result: dict[str, Any] = {"kilde": "bruker", "status": status}
    if status == "gift":
        given = answers.get("ektefelle_fornavn", "")
        family = answers.get("ektefelle_etternavn", "")
        result["ektefelle"] = {"navn": _name(given, None, family)}
        if answers.get("ektefelle_fodselsdato"):
            result["ektefelle"]["fodselsdato"] = answers["ektefelle_fodselsdato"]
        if isinstance(answers.get("bor_sammen"), bool):
            result["borSammenMed"] = answers["bor_sammen"]
    return result


def _row(kilde: str, type_: str, tittel: str, **amounts: int | None) -> dict[str, Any]:
    row: dict[str, Any] = {"kilde": kilde, "type": type_, "tittel": tittel, "overstyrtAvBruker": False}
    row.update({key: value for key, value in amounts.items() if isinstance(value, int)})
    return row


def _bekreftelse(type_: str, tittel: str, verdi: bool, sent_at: datetime) -> dict[str, Any]:
    return {
        "kilde": "bruker",
        "type": type_,
        "tittel": tittel,
        "verdi": verdi,
        "bekreftelsesDato": timestamp(sent_at),
    }


def _okonomi(
    answers: dict[str, Any], registers: dict[str, Any], amounts: dict[str, dict[str, int]], sent_at: datetime
) -> dict[str, Any]:
    inntekt = answers.get("inntekt", {})
    utgifter = answers.get("utgifter", {})
    oversikt: dict[str, list[dict[str, Any]]] = {"inntekt": [], "utgift": [], "formue": []}
    opplysninger: dict[str, Any] = {"bekreftelse": [], "utbetaling": [], "utgift": []}

    def amount(key: str, field: str = "belop") -> int | None:
        return amounts.get(key, {}).get(field)

    if req.LONNSLIPP.key in amounts or req.SLUTTOPPGJOR.key in amounts:
        source = req.LONNSLIPP.key if req.LONNSLIPP.key in amounts else req.SLUTTOPPGJOR.key
        oversikt["inntekt"].append(
            _row(
                "bruker",
                "jobb",
                "Lønn (siste måned)",
                brutto=amount(source, "brutto"),
                netto=amount(source, "netto"),
            )
        )
    for payment in registers.get("nav_payments", []):
        opplysninger["utbetaling"].append(
            {
                **_row(
                    "system",
                    "navytelse",
                    payment["benefit"],
                    netto=payment["amount_nok"],
                    belop=payment["amount_nok"],
                ),
                "utbetalingsdato": payment["date"],
                "organisasjon": {"navn": "NAV", "organisasjonsnummer": "889640782"},
            }
        )
    skatt = registers.get("skatt", {})
    if isinstance(inntekt.get("skatt_samtykke"), bool):
        opplysninger["bekreftelse"].append(
            _bekreftelse(
                "skatteetaten_samtykke",
                "Samtykke til å hente skattbar inntekt fra Skatteetaten",
                inntekt["skatt_samtykke"],
                sent_at,
            )
        )
    if inntekt.get("skatt_samtykke") is True and skatt.get("status") == "ok":
        for income in skatt.get("incomes", []):
            opplysninger["utbetaling"].append(
                {
                    **_row(
                        "system",
                        "skatteetaten",
                        f"Lønn fra {income['employer_name']}",
                        brutto=income["gross_nok"],
                        skattetrekk=income["tax_withheld_nok"],
                    ),
                    "organisasjon": {"navn": income["employer_name"], "organisasjonsnummer": income["orgnr"]},
                    "periodeFom": income["period_start"],
                    "periodeTom": income["period_end"],
                }
            )
    if isinstance(inntekt.get("bostotte"), bool):
        opplysninger["bekreftelse"].append(
            _bekreftelse(
                "bostotte",
                "Søkt eller mottatt bostøtte fra Husbanken de siste to månedene",
                inntekt["bostotte"],
                sent_at,
            )
        )
    if inntekt.get("bostotte") and isinstance(inntekt.get("bostotte_samtykke"), bool):
        opplysninger["bekreftelse"].append(
            _bekreftelse(
                "bostotte_samtykke",
                "Samtykke til å hente bostøtte fra Husbanken",
                inntekt["bostotte_samtykke"],
                sent_at,
            )
        )
    husbanken = registers.get("husbanken", {})
    if inntekt.get("bostotte_samtykke") is True and husbanken.get("status") == "ok":
        opplysninger["bostotte"] = {
            "saker": [
                {
                    "kilde": "system",
                    "type": "husbanken",
                    "dato": sent_at.date().isoformat(),
                    "status": case["status"].upper(),
                    "beskrivelse": f"Sak {case['case_id']}",
                }
                for case in husbanken.get("cases", [])
            ]
        }
        for payment in husbanken.get("payments", []):
            opplysninger["utbetaling"].append(
                {
                    **_row("system", "husbanken", "Bostøtte fra Husbanken", netto=payment["amount_nok"]),
                    "utbetalingsdato": payment["date"],
                    "mottaker": "Husstand",
                }
            )
    elif inntekt.get("bostotte") is True and amount(req.HUSBANKEN.key) is not None:
        opplysninger["utbetaling"].append(
            _row("bruker", "husbanken", "Bostøtte fra Husbanken", netto=amount(req.HUSBANKEN.key))
        )
    if isinstance(inntekt.get("studielan"), bool):
        opplysninger["bekreftelse"].append(
            _bekreftelse(
                "studielanOgStipend", "Mottar lån eller stipend fra Lånekassen", inntekt["studielan"], sent_at
            )
        )
        if inntekt["studielan"]:
            oversikt["inntekt"].append(
                _row("bruker", "studielanOgStipend", "Studielån og stipend", netto=amount(req.STUDENT.key))
            )
    familie = answers.get("familie", {})
    if familie.get("barnebidrag") in ("mottar", "begge"):
        oversikt["inntekt"].append(
            _row("bruker", "barnebidrag", "Mottar barnebidrag", netto=amount(req.BARNEBIDRAG_MOTTAR.key))
        )
    if familie.get("barnebidrag") in ("betaler", "begge"):
        oversikt["utgift"].append(
            _row("bruker", "barnebidrag", "Betaler barnebidrag", belop=amount(req.BARNEBIDRAG_BETALER.key))
        )

    chosen_income = [k for k in INCOME_TYPES if k in inntekt.get("utbetalinger", [])]
    if "utbetalinger" in inntekt:
        opplysninger["bekreftelse"].append(
            _bekreftelse(
                "utbetaling",
                "Har fått utbetalinger som ikke er lønn eller ytelse fra NAV de siste tre månedene",
                bool(chosen_income),
                sent_at,
            )
        )
    for key in chosen_income:
        opplysninger["utbetaling"].append(
            _row("bruker", INCOME_JSON_TYPE[key], INCOME_TYPES[key], belop=amount(req.INCOME[key].key))
        )

    chosen_savings = [k for k in SAVINGS_TYPES if k in inntekt.get("bank", [])]
    if "bank" in inntekt:
        opplysninger["bekreftelse"].append(
            _bekreftelse("sparing", "Har bankkontoer eller spareordninger", bool(chosen_savings), sent_at)
        )
    for key in chosen_savings:
        type_, title = SAVINGS_TYPES[key]
        oversikt["formue"].append(_row("bruker", type_, title, belop=amount(req.SAVINGS[key].key)))

    chosen_values = [k for k in VALUE_TYPES if k in inntekt.get("verdier", [])]
    if "verdier" in inntekt:
        opplysninger["bekreftelse"].append(
            _bekreftelse("verdi", "Eier noe med økonomisk verdi", bool(chosen_values), sent_at)
        )
    for key in chosen_values:
        oversikt["formue"].append(_row("bruker", key, VALUE_TYPES[key]))

    chosen_housing = utgifter.get("boutgifter", [])
    if "boutgifter" in utgifter:
        opplysninger["bekreftelse"].append(
            _bekreftelse("boutgifter", "Har boutgifter", bool(chosen_housing), sent_at)
        )
    if "husleie" in chosen_housing:
        oversikt["utgift"].append(
            _row("bruker", "husleie", "Husleie", belop=amount(req.HOUSING_COSTS["husleie"].key))
        )
    if "boliglan" in chosen_housing:
        key = req.HOUSING_COSTS["boliglan"].key
        oversikt["utgift"].append(
            _row("bruker", "boliglanAvdrag", "Avdrag på boliglån", belop=amount(key, "avdrag"))
        )
        oversikt["utgift"].append(
            _row("bruker", "boliglanRenter", "Renter på boliglån", belop=amount(key, "renter"))
        )
    for key, (type_, title) in HOUSING_COST_TYPES.items():
        if key in chosen_housing:
            opplysninger["utgift"].append(
                _row("bruker", type_, title, belop=amount(req.HOUSING_COSTS[key].key))
            )

    chosen_child = (
        utgifter.get("barneutgifter", []) if (registers.get("person") or {}).get("children") else []
    )
    if "barneutgifter" in utgifter and (registers.get("person") or {}).get("children"):
        opplysninger["bekreftelse"].append(
            _bekreftelse("barneutgifter", "Har utgifter til barn", bool(chosen_child), sent_at)
        )
    for key, type_, title in (("barnehage", "barnehage", "Barnehage"), ("sfo", "sfo", "SFO")):
        if key in chosen_child:
            oversikt["utgift"].append(_row("bruker", type_, title, belop=amount(req.CHILD_COSTS[key].key)))
    for key, (type_, title) in CHILD_COST_TYPES.items():
        if key in chosen_child:
            opplysninger["utgift"].append(
                _row("bruker", type_, title, belop=amount(req.CHILD_COSTS[key].key))
            )

    descriptions = {
        "verdi": inntekt.get("verdier_annet", ""),
        "sparing": inntekt.get("bank_annet", ""),
        "utbetaling": inntekt.get("utbetalinger_annet", ""),
        "boutgifter": utgifter.get("boutgifter_annet", ""),
        "barneutgifter": utgifter.get("barneutgifter_annet", ""),
    }
    if any(descriptions.values()):
        opplysninger["beskrivelseAvAnnet"] = {"kilde": "bruker", **descriptions}
    return {"oversikt": oversikt, "opplysninger": opplysninger}


def build_vedlegg(
    requirements: list[req.Requirement],
    *,
    files: dict[str, list[tuple[str, str]]],
    delivered_earlier: set[str],
) -> dict[str, Any]:
    """One entry per requirement: LastetOpp with its files, VedleggAlleredeSendt, or VedleggKreves.

    `files` maps a requirement key to [(stored file name, sha512)]. The optional "annet" entry is only
    listed when the person uploaded something to it (as NAV drops empty optional entries at send).
    """
    entries = []
    for requirement in requirements:
        uploaded = files.get(requirement.key, [])
        if requirement.optional and not uploaded:
            continue
        if uploaded:
            status = "LastetOpp"
        elif requirement.key in delivered_earlier:
            status = "VedleggAlleredeSendt"
        else:
            status = "VedleggKreves"
        entries.append(
            {
                "type": requirement.type,
                "tilleggsinfo": requirement.tilleggsinfo,
                "status": status,
                "filer": [{"filnavn": name, "sha512": sha} for name, sha in uploaded],
                "hendelseType": "bruker" if requirement.key == req.ANNET.key else "soknad",
                "hendelseReferanse": str(uuid.uuid5(uuid.NAMESPACE_URL, requirement.key)),
            }
        )
    return {"vedlegg": entries}
