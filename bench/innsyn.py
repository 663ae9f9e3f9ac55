"""Innsyn benchmark setup, run by bench/run.py with the bench settings and its throwaway PostgreSQL.

`python bench/innsyn.py setup USERS FILE` prepares, in process and through the exchange services Bergen's
case system uses (so every document is schema-checked and stored like one from the API):

- the case page: USERS Bergen paper cases of one person (persona tromso-enslig-forsorger), each with a
  digisos-soker.json of 500 events (a year of a long case: monthly payments planned and then paid, conditions,
  documentation requirements, requests for documents with deadlines, decisions with letters in the case's
  letters folder and by post through SvarUt), and one logged-in session per case;
- "Mine søknader": persona Sofie (familie-bergen) with 50 Bergen cases: the applications she sent in the
  exchange bench (with their vedlegg.json) topped up with paper cases, each with a document of 10–30 events,
  and USERS logged-in sessions.

Writes {"cookie": name, "case_page": [{"session", "case"}], "mine": [{"session"}], ...} to FILE for the
locust users InnsynCasePage and MyApplicationsPage.
"""

import json
import random
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.application import session_for  # noqa: E402
from bench.exchange import CLIENT_ID, KOMMUNENUMMER, SOFIE, persona_pid  # noqa: E402

from digisos.soker import builders  # noqa: E402
from digisos.soker import constants as soker  # noqa: E402

CASE_PAGE_PERSON = "tromso-enslig-forsorger"
CASE_PAGE_EVENTS = 500
CASE_PAGE_LETTERS = 6  # stored PDFs in each case's letters folder; later letters go by post (SvarUt)
MY_CASES = 50
OFFICES = ["1201", "1202", "1203"]
# Weighted: most conditions and requirements are still relevant.
CONDITION_STATUSES = [soker.KravStatus.RELEVANT] * 2 + [soker.KravStatus.OPPFYLT, soker.KravStatus.ANNULLERT]
REQUIREMENT_STATUSES = [soker.KravStatus.RELEVANT] * 2 + [
    soker.KravStatus.LEVERT_TIDLIGERE,
    soker.KravStatus.OPPFYLT,
]
# A vilkår and a dokumentasjonkrav have the same fields but their reference's name (and a deadline): the
# reference's name and prefix, how many references, how many payments each ties to, titles, text, statuses.
REQUIREMENTS = {
    soker.EventType.VILKAR: (
        "vilkarreferanse",
        "vilkar",
        8,
        2,
        ["Registrer deg som arbeidssøker", "Søk bostøtte", "Møt til samtale"],
        "Innen to uker.",
        CONDITION_STATUSES,
    ),
    soker.EventType.DOKUMENTASJONKRAV: (
        "dokumentasjonkravreferanse",
        "krav",
        6,
        1,
        ["Kvittering for husleie", "Strømregning", "Kontoutskrift"],
        "Lever kvittering.",
        REQUIREMENT_STATUSES,
    ),
}


class Story:
    """One case's history as a case system would report it: events in time order, references reused so
    that later events update earlier ones (a payment planned, then paid; a condition met)."""

    def __init__(self, rng: random.Random, start: datetime, step: timedelta, letters: list[str]) -> None:
        self.rng = rng
        self.at = start
        self.step = step
        self.letters = list(letters)  # dokumentlager ids not yet referred to
        self.svarut = 0
        self.events: list[dict] = []

    def add(self, kind: str, **fields) -> None:
        self.at += self.step * self.rng.uniform(0.6, 1.0)  # never past the end
        self.events.append(builders.event(kind, at=self.at, **fields))

    def letter(self) -> dict:
        if self.letters:
            return builders.dokumentlager(self.letters.pop(0))
        self.svarut += 1
        return builders.svarut(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), 1)

    def day(self, offset: int = 0) -> str:
        return (self.at + timedelta(days=offset)).date().isoformat()

    def deadline(self, days: int) -> str:
        return builders.tidspunkt(
            self.at.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=days)
        )


def story(rng: random.Random, count: int, start: datetime, end: datetime, letters: list[str]) -> list[dict]:
    """`count` events between start and end: received, assigned, in progress, then a stream of what a long
    case brings, month by month."""
    s = Story(rng, start, (end - start) / count, letters)
    s.add(soker.EventType.SOKNADS_STATUS, status=soker.SoknadsStatus.MOTTATT)
    s.add(soker.EventType.TILDELT_NAV_KONTOR, navKontor=OFFICES[0])
    s.add(soker.EventType.SOKNADS_STATUS, status=soker.SoknadsStatus.UNDER_BEHANDLING)
    saker: list[str] = []
    payments: dict[str, str] = {}  # utbetalingsreferanse → status
    month = 0
    while len(s.events) < count:
        roll = rng.random()
        if not saker or roll < 0.04:
            if len(saker) < 6:
                reference = f"sak-{len(saker) + 1}"
                saker.append(reference)
                title = rng.choice(["Livsopphold", "Husleie", "Strøm", "Tannlege", "Barnehage", "Depositum"])
                s.add(
                    soker.EventType.SAKS_STATUS,
                    referanse=reference,
                    tittel=title,
                    status=soker.SaksStatus.UNDER_BEHANDLING,
                )
            else:
                s.add(
                    soker.EventType.SAKS_STATUS,
                    referanse=rng.choice(saker),
                    status=soker.SaksStatus.UNDER_BEHANDLING,
                )
        elif roll < 0.08:
            s.add(
                soker.EventType.VEDTAK_FATTET,
                saksreferanse=rng.choice(saker),
                utfall=rng.choice(
                    [
                        soker.Utfall.INNVILGET,
                        soker.Utfall.INNVILGET,
                        soker.Utfall.DELVIS_INNVILGET,
                        soker.Utfall.AVSLATT,
                    ]
                ),
                vedtaksfil=builders.letter(s.letter()),
            )
        elif roll < 0.11:
            documents = [
                {
                    "dokumenttype": kind,
                    "tilleggsinformasjon": info,
                    "innsendelsesfrist": s.deadline(rng.randint(7, 21)),
                    "dokumentreferanse": f"dok-{len(s.events)}-{i}",
                }
                for i, (kind, info) in enumerate(
                    rng.sample(
                        [
                            ("kontooversikt", "brukskonto"),
                            ("husleiekontrakt", "husleiekontrakt"),
                            ("faktura", "strom"),
                            ("lonnslipp", "arbeid"),
                            ("skattemelding", "skattemelding"),
                        ],
                        rng.randint(0, 3),
                    )
                )
            ]
            extra = {"forvaltningsbrev": builders.letter(s.letter())} if documents else {}
            s.add(soker.EventType.DOKUMENTASJON_ETTERSPURT, dokumenter=documents, **extra)
        elif roll < 0.12:
            s.add(soker.EventType.FORELOPIG_SVAR, forvaltningsbrev=builders.letter(s.letter()))
        elif roll < 0.13:
            s.add(soker.EventType.TILDELT_NAV_KONTOR, navKontor=rng.choice(OFFICES))
        elif roll < 0.15:
            s.add(
                soker.EventType.RAMMEVEDTAK,
                rammevedtaksreferanse=f"ramme-{month}",
                saksreferanse=rng.choice(saker),
                beskrivelse="Livsopphold i tre måneder",
                belop=rng.randint(5, 30) * 1000,
                fom=s.day(),
                tom=s.day(90),
            )
        elif roll < 0.33:
            kind = soker.EventType.VILKAR if roll < 0.25 else soker.EventType.DOKUMENTASJONKRAV
            field, prefix, references, linked, titles, description, statuses = REQUIREMENTS[kind]
            fields = {
                field: f"{prefix}-{rng.randint(1, references)}",
                "saksreferanse": rng.choice(saker),
                "utbetalingsreferanse": rng.sample(sorted(payments), min(len(payments), linked)),
                "tittel": rng.choice(titles),
                "beskrivelse": description,
            }
            if kind == soker.EventType.DOKUMENTASJONKRAV:
                fields["frist"] = s.deadline(rng.randint(10, 30))
            s.add(kind, **fields, status=rng.choice(statuses))
        elif roll < 0.36:
            s.add(
                soker.EventType.SAKS_STATUS,
                referanse=rng.choice(saker),
                status=soker.SaksStatus.UNDER_BEHANDLING,
            )
        else:
            planned = [
                r for r, status in payments.items() if status == soker.UtbetalingStatus.PLANLAGT_UTBETALING
            ]
            if planned and rng.random() < 0.55:
                reference = rng.choice(planned)  # an update: the planned payment is paid (or stopped)
                status = rng.choice(
                    [soker.UtbetalingStatus.UTBETALT] * 8
                    + [soker.UtbetalingStatus.STOPPET, soker.UtbetalingStatus.ANNULLERT]
                )
            else:
                month += 1
                reference = f"utb-{month}"
                status = soker.UtbetalingStatus.PLANLAGT_UTBETALING
            payments[reference] = status
            number = int(reference.split("-")[1])
            s.add(
                soker.EventType.UTBETALING,
                utbetalingsreferanse=reference,
                saksreferanse=saker[number % len(saker)],
                rammevedtaksreferanse=f"ramme-{number // 3}",
                status=status,
                belop=rng.randint(20, 150) * 100,
                beskrivelse=rng.choice(["Livsopphold", "Husleie", "Strøm"]),
                forfallsdato=s.day(3),
                **({"utbetalingsdato": s.day(3)} if status == soker.UtbetalingStatus.UTBETALT else {}),
                fom=s.day(-27),
                tom=s.day(3),
                annenMottaker=number % 4 == 0,
                mottaker="Utleier AS" if number % 4 == 0 else "Kari Nordmann",
                kontonummer="12345678903",
                utbetalingsmetode="bankoverføring",
            )
    return s.events[:count]


def document(events: list[dict]) -> dict:
    return dict(builders.document(*events, avsender={"systemnavn": "bench", "systemversjon": "1"}))


def setup(users: int, target: Path) -> None:
    from django.conf import settings
    from django.test import override_settings
    from django.utils import timezone

    from digisos.exchange.models import ApiClient, Case, CaseState
    from digisos.exchange.services.delivery import create_paper_case
    from digisos.exchange.services.letters import store_letter
    from digisos.exchange.services.reporting import report_case_events
    from digisos_simulator.simulator import letter_pdf

    started = time.perf_counter()
    rng = random.Random(23)
    actor = ApiClient.objects.get(client_id=CLIENT_ID).user
    now = timezone.now()

    def paper_case(pid: str) -> Case:
        # The demo population's numbers are synthetic; production settings refuse them at the API.
        with override_settings(ALLOW_SYNTHETIC_IDENTITY_NUMBERS=True):
            return create_paper_case(actor_id=actor.pk, kommunenummer=KOMMUNENUMMER, fodselsnummer=pid)

    case_page = []
    for _ in range(users):
        case = paper_case(persona_pid(CASE_PAGE_PERSON))
        letters = [
            str(
                store_letter(
                    actor_id=actor.pk,
                    case_id=case.id,
                    name=f"brev-{i + 1}.pdf",
                    data=letter_pdf(f"Brev {i + 1}", ["NAV Bergenhus", f"Sak {case.id}"]),
                ).id
            )
            for i in range(CASE_PAGE_LETTERS)
        ]
        events = story(rng, CASE_PAGE_EVENTS, now - timedelta(days=365), now - timedelta(hours=1), letters)
        report_case_events(actor_id=actor.pk, case_id=case.id, document=document(events))
        Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(days=366))
        CaseState.objects.filter(case_id=case.pk).update(
            case_created_at=now - timedelta(days=366)
        )  # its copy
        case_page.append({"session": session_for(case.owner), "case": str(case.id)})

    sofie_pid = persona_pid(SOFIE)
    cases = list(
        Case.objects.filter(owner__pid=sofie_pid, municipality_id=KOMMUNENUMMER).order_by("created_at")
    )
    sent = sum(1 for c in cases if c.application_id)
    cases += [paper_case(sofie_pid) for _ in range(MY_CASES - len(cases))]
    sizes = []
    for case in cases:
        count = rng.randint(10, 30)
        if case.application_id:
            # Sent in the exchange bench today: its history runs from then until now, after the document the
            # exchange bench's event posts stored (a case system never sends an older one).
            stored = (
                [datetime.fromisoformat(case.soker_latest_event_at)] if case.soker_latest_event_at else []
            )
            start = max([case.created_at, *stored]) + timedelta(seconds=1)
            end = max(now, start + timedelta(minutes=count))
            events = story(rng, count, start, end, [])
            report_case_events(actor_id=actor.pk, case_id=case.id, document=document(events))
        else:
            # Paper cases spread over the last half year, registered when their first event came and updated
            # with their last (the bench moves the timestamps back), so some are active and some earlier.
            end = now - timedelta(days=rng.uniform(0, 180))
            start = end - timedelta(days=30)
            events = story(rng, count, start, end, [])
            report_case_events(actor_id=actor.pk, case_id=case.id, document=document(events))
            last = datetime.fromisoformat(events[-1]["hendelsestidspunkt"])
            Case.objects.filter(pk=case.pk).update(created_at=start, soker_updated_at=last, updated_at=last)
            CaseState.objects.filter(case_id=case.pk).update(case_created_at=start)  # the read model's copy
        sizes.append(count)
    owner = cases[0].owner if cases else None
    mine = [{"session": session_for(owner)} for _ in range(users)]
    target.write_text(
        json.dumps(
            {
                "cookie": settings.SESSION_COOKIE_NAME,
                "case_page": case_page,
                "mine": mine,
                "my_cases": len(cases),
                "my_sent_applications": sent,
                "my_events": [min(sizes), max(sizes)],
            }
        )
    )
    print(
        f"innsyn setup: {users} cases of {CASE_PAGE_EVENTS} events ({CASE_PAGE_LETTERS} stored letters each), "
        f"{len(cases)} cases for Sofie ({sent} sent applications), in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {command!r}")
