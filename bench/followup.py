"""Follow-up benchmark setup, run by bench/run.py with the bench settings and its throwaway PostgreSQL.

`python bench/followup.py setup CASES USERS FILE` builds, in Trondheim's manual inbox (a municipality no other
bench part fills), CASES sent applications with their stored read model (one in four with an open request,
half of those past its deadline; one in eight received over a month ago without a foreløpig svar), and one person (a demo persona, ugradert and not skjermet, so the policy
permits) with PERSON_CASES of them: each folded from a digisos-soker.json with a decision, a request, a
condition and payments that together cover PERSON_MONTHS months, and an attachment each. A municipal
caseworker of Trondheim and USERS logged-in sessions for her; writes {"cookie", "csrf_cookie", "sessions",
"pid", "cases", "person_cases"} to FILE for the locust users FollowupPersonOverview and FollowupWorkQueues.
"""

import json
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.application import session_for  # noqa: E402
from bench.inbox_list import build  # noqa: E402

KOMMUNENUMMER = "5001"
PERSONA = "kari-leier-oslo"
PERSON_CASES = 200
PERSON_MONTHS = 24
BATCH = 2000
AGED_DAYS = 40  # past the § 11a queue's month


def _month(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 10)


def person_soker(number: int, today: date) -> dict:
    """A case's document: a decision, an open request, a condition, and three payments in months spread so that
    the person's cases together pay in each of the last PERSON_MONTHS months."""
    from digisos.soker import builders as b
    from digisos.soker.constants import KravStatus, SoknadsStatus, UtbetalingStatus, Utfall

    start = datetime.now(UTC) - timedelta(days=400)
    events = [
        b.soknads_status(SoknadsStatus.UNDER_BEHANDLING, at=start),
        b.saks_status("sak-1", tittel="Livsopphold", at=start + timedelta(days=1)),
        b.vedtak_fattet(
            saksreferanse="sak-1", vedtaksfil=f"vedtak-{number}", utfall=Utfall.INNVILGET, at=start
        ),
        b.dokumentasjon_etterspurt(
            [
                b.dokument(
                    "Husleiekontrakt", innsendelsesfrist=start + timedelta(days=420), dokumentreferanse="d1"
                )
            ],
            forvaltningsbrev=f"brev-{number}",
            at=start + timedelta(days=2),
        ),
        b.vilkar("v1", tittel="Søke jobb", status=KravStatus.RELEVANT, at=start + timedelta(days=3)),
    ]
    for offset in (0, 8, 16):
        paid = _month(today, (number + offset) % PERSON_MONTHS)
        events.append(
            b.utbetaling(
                f"u{offset}",
                status=UtbetalingStatus.UTBETALT,
                belop=2500 + number,
                saksreferanse="sak-1",
                utbetalingsdato=paid.isoformat(),
                annenMottaker=offset == 8,
                mottaker="Utleier AS" if offset == 8 else "Kari",
                kontonummer="12345678903",
                at=datetime(paid.year, paid.month, paid.day, 12, tzinfo=UTC),
            )
        )
    return b.document(*events)


def build_person(cases: list) -> str:
    """The person's cases: owned by the persona, each with its folded read model and an attachment."""
    from django.db import transaction
    from django.utils import timezone

    from digisos.accounts.models import User
    from digisos.exchange import case_state
    from digisos.exchange.case_items import file_item, item_values
    from digisos.exchange.models import Case, CaseItem, CaseState, DeliveredFile, Delivery
    from digisos.registers.adapters.local import load_population

    pid = next(p["pid"] for p in load_population().values() if p["key"] == PERSONA)
    person = User.objects.filter(pid=pid).first() or User.objects.create(
        username="bench-followup-person", kind=User.Kind.CITIZEN, pid=pid
    )
    today = timezone.localdate()
    with transaction.atomic():
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(owner=person)
        states = [
            case_state.state_values(
                person_soker(number, today), sha256="", sent_at=case.created_at, office="", vedlegg=None
            )
            for number, case in enumerate(cases)
        ]
        CaseState.objects.bulk_create(
            CaseState(
                case_id=case.pk, municipality_id=KOMMUNENUMMER, case_created_at=case.created_at, **values
            )
            for case, values in zip(cases, states, strict=True)
        )
        # Each case's items (the overview's rows), as a report writes them with its CaseState row.
        created = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "created_at"))
        CaseItem.objects.bulk_create(
            CaseItem(case_id=case.pk, owner_id=person.pk, case_created_at=created[case.pk], **item)
            for case, values in zip(cases, states, strict=True)
            for item in item_values(values)
        )
        deliveries = list(Delivery.objects.filter(case__in=cases).values_list("pk", "case_id", "created_at"))
        files = [
            DeliveredFile(
                delivery_id=delivery,
                position=1,
                role=DeliveredFile.Role.VEDLEGG,
                filename=f"kontoutskrift-{number}.pdf",
                content_type="application/pdf",
                size=1000,
                storage_name=f"bench-followup-{case_id}",
            )
            for number, (delivery, case_id, _sent) in enumerate(deliveries)
        ]
        DeliveredFile.objects.bulk_create(files)
        # Each attachment's item (the overview's attachments' panel), as the delivery writes it with its files.
        CaseItem.objects.bulk_create(
            CaseItem(
                case_id=case_id,
                owner_id=person.pk,
                case_created_at=created[case_id],
                **file_item(file.filename, file.position, sent),
            )
            for file, (_delivery, case_id, sent) in zip(files, deliveries, strict=True)
        )
    return pid


def build_queue_states(cases: list) -> None:
    """A stored read model for the other cases: one in four with an open request, half of those overdue; and one
    in eight received AGED_DAYS ago or more with no foreløpig svar yet, so that the § 11a queue has its page as
    the other queues have theirs (before session 19 every case was new and that queue empty, so the small run
    measured a page of two queues against the million's three)."""
    from django.utils import timezone

    from digisos.exchange.models import Case, CaseState
    from digisos.soker.constants import SoknadsStatus

    now = timezone.now()
    aged: dict[int, list] = {}
    for i, case in enumerate(cases):
        if i % 8 == 2:
            aged.setdefault(i % 20, []).append(case)
    for hours, group in aged.items():
        created_at = now - timedelta(days=AGED_DAYS, hours=hours)
        Case.objects.filter(pk__in=[case.pk for case in group]).update(created_at=created_at)
        for case in group:
            case.created_at = created_at
    for start in range(0, len(cases), BATCH):
        CaseState.objects.bulk_create(
            CaseState(
                case_id=case.pk,
                municipality_id=KOMMUNENUMMER,
                case_created_at=case.created_at,
                status=SoknadsStatus.UNDER_BEHANDLING,
                open_tasks=1 if i % 4 == 0 else 0,
                next_deadline=(now + timedelta(days=10 - i % 20)) if i % 4 == 0 else None,
            )
            for i, case in enumerate(cases[start : start + BATCH], start)
        )


def setup(count: int, users: int, target: Path) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection

    from digisos.accounts.models import User
    from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE

    started = time.perf_counter()
    cases = build(count, KOMMUNENUMMER)
    pid = build_person(cases[:PERSON_CASES])
    build_queue_states(cases[PERSON_CASES:])
    with connection.cursor() as cursor:
        # As autovacuum would soon after such a load: statistics for the planner and the visibility map for
        # index-only scans (bench/scale.py does the same). Django runs outside a transaction here.
        cursor.execute("VACUUM (ANALYZE)")
    caseworker, _ = User.objects.get_or_create(
        username="bench-followup-caseworker",
        defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": KOMMUNENUMMER},
    )
    caseworker.groups.add(Group.objects.get_or_create(name=MUNICIPAL_CASEWORKER_ROLE)[0])
    sessions = [session_for(caseworker) for _ in range(users)]
    target.write_text(
        json.dumps(
            {
                "cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                # A CSRF secret the locust user sends as both cookie and form field, as a browser would.
                "csrf": secrets.token_hex(16),
                "sessions": sessions,
                "pid": pid,
                "cases": count,
                "person_cases": PERSON_CASES,
            }
        )
    )
    print(f"follow-up setup: {count} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")
