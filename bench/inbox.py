"""Manual inbox benchmark, run by bench/run.py against its throwaway PostgreSQL (production settings).

A case whose case system posted 20,000 events (built directly in the database) and its case page in the manual
inbox, fetched by a logged-in municipal caseworker through Django's full request stack (middleware, the audit
entry of the read, the template): p50/p95 over REQUESTS fetches, and the page's weight. The page shows the
history fifty events at a time; before it did, this page took about 5 s and weighed 3 MB.

Alone: `DJANGO_SETTINGS_MODULE=... DIGISOS_DATABASE_URL=... python bench/inbox.py` on a migrated database.
"""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.summary import bench_line  # noqa: E402

EVENTS = int(os.environ.get("DIGISOS_BENCH_INBOX_EVENTS", "20000"))
REQUESTS = int(os.environ.get("DIGISOS_BENCH_INBOX_REQUESTS", "20"))
TARGET_P95_MS = 300
TARGET_KB = 100


def history(count: int) -> dict:
    from digisos.soker import builders
    from digisos.soker.constants import SoknadsStatus

    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [builders.soknads_status(SoknadsStatus.MOTTATT, at=start)]
    events += [
        builders.saks_status(f"s{i}", tittel=f"Sak nr {i}", at=start + timedelta(seconds=i))
        for i in range(1, count)
    ]
    return dict(builders.document(*events, avsender={"systemnavn": "bench", "systemversjon": "1"}))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from digisos.accounts.models import User
    from digisos.documents.selectors import MUNICIPAL_CASEWORKER_ROLE
    from digisos.exchange.models import Case
    from digisos.exchange.services.reporting import document_digest, store_case_state

    owner, _ = User.objects.get_or_create(
        username="bench-inbox-citizen", defaults={"kind": User.Kind.CITIZEN}
    )
    caseworker, _ = User.objects.get_or_create(
        username="bench-inbox-caseworker", defaults={"kind": User.Kind.EMPLOYEE, "municipality_id": "0301"}
    )
    caseworker.groups.add(Group.objects.get_or_create(name=MUNICIPAL_CASEWORKER_ROLE)[0])
    document = history(EVENTS)
    case = Case.objects.create(
        owner=owner, municipality_id="0301", soker=document, soker_sha256=document_digest(document)
    )
    store_case_state(case)  # its read model, as a report through the exchange writes it
    client = Client()
    client.force_login(caseworker)
    url = reverse("inbox:case", args=[case.id])
    client.get(url)  # warm-up: the first request also writes the session

    timings = []
    size = 0
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"case page: {response.status_code}")
        size = len(response.content)

    p50, p95 = percentile(timings, 0.5) * 1000, percentile(timings, 0.95) * 1000
    kb = size / 1024
    print(f"\n== Manual inbox: case page with {EVENTS} events ({REQUESTS} requests, one client) ==")
    print(f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   page {kb:.0f} kB")
    print(bench_line(f"inbox_case_page_{EVENTS}_events_p95", p95, "ms", "<", TARGET_P95_MS))
    print(bench_line(f"inbox_case_page_{EVENTS}_events_weight", kb, "kB", "<", TARGET_KB))
    return 0


if __name__ == "__main__":
    sys.exit(main())
