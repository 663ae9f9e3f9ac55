"""Inbox list benchmark setup, run by bench/run.py with the bench settings and its throwaway PostgreSQL.

`python bench/inbox_list.py setup CASES USERS FILE` builds CASES sent applications in Oslo's manual inbox
directly in the database (bulk inserts: a folder, an application, a case and a delivery each; one in ten new,
the rest received, from 200 different applicants), a municipal caseworker of Oslo, and USERS logged-in
sessions for her; writes {"cookie": name, "sessions": [key, ...], "cases": CASES} to FILE for the locust
user InboxListPage.
"""

import json
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.application import session_for  # noqa: E402

KOMMUNENUMMER = "0301"
APPLICANTS = 200
BATCH = 2000


def build(count: int, kommunenummer: str = KOMMUNENUMMER) -> list:
    """The cases, in Oslo unless another municipality is given (bench/followup.py); returns them."""
    from django.db import transaction
    from django.utils import timezone

    from digisos.accounts.models import User
    from digisos.application.models import Application
    from digisos.documents.models import Folder
    from digisos.exchange.models import Case, Delivery

    owners = User.objects.bulk_create(
        User(username=f"bench-inbox-applicant-{uuid.uuid4().hex[:12]}", kind=User.Kind.CITIZEN)
        for _ in range(APPLICANTS)
    )
    now = timezone.now()
    built = []
    for start in range(0, count, BATCH):
        numbers = range(start, min(count, start + BATCH))
        with transaction.atomic():
            folders = Folder.objects.bulk_create(
                Folder(
                    owner=owners[i % APPLICANTS],
                    kind=Folder.Kind.APPLICATION,
                    municipality_id=kommunenummer,
                    sealed_at=now,
                )
                for i in numbers
            )
            applications = Application.objects.bulk_create(
                Application(
                    owner=folder.owner,
                    folder=folder,
                    status=Application.Status.READY,
                    municipality_id=kommunenummer,
                    reference=f"DS-{uuid.uuid4().hex[:8].upper()}",
                )
                for folder in folders
            )
            cases = Case.objects.bulk_create(
                Case(owner=a.owner, municipality_id=kommunenummer, application=a) for a in applications
            )
            Delivery.objects.bulk_create(
                Delivery(
                    case=case,
                    kind=Delivery.Kind.SOKNAD,
                    municipality_id=kommunenummer,
                    channel="inbox",
                    nav_ekstern_ref_id=str(case.application_id),
                    status=Delivery.Status.AVAILABLE if i % 10 == 0 else Delivery.Status.COLLECTED,
                    available_at=now - timedelta(minutes=i),
                    collected_at=None if i % 10 == 0 else now,
                    folder=case.application.folder,
                    vedlegg_json={"vedlegg": []},
                )
                for i, case in zip(numbers, cases, strict=True)
            )
            built.extend(cases)
    return built


def setup(count: int, users: int, target: Path) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection

    from digisos.accounts.models import User
    from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE

    started = time.perf_counter()
    build(count)
    with connection.cursor() as cursor:
        # As autovacuum would soon after such a load: statistics for the planner and the visibility map for
        # index-only scans (bench/scale.py does the same). Django runs outside a transaction here.
        cursor.execute("VACUUM (ANALYZE)")
    caseworker, _ = User.objects.get_or_create(
        username="bench-inbox-list-caseworker",
        defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": KOMMUNENUMMER},
    )
    caseworker.groups.add(Group.objects.get_or_create(name=MUNICIPAL_CASEWORKER_ROLE)[0])
    sessions = [session_for(caseworker) for _ in range(users)]
    target.write_text(
        json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions, "cases": count})
    )
    print(f"inbox list setup: {count} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(f"unknown command {command!r}")
