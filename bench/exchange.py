"""Exchange benchmark helpers, run by bench/run.py against its throwaway PostgreSQL, gunicorn and db_worker.

`python bench/exchange.py send N HOST KEY_FOLDER USERS FILE` sends N applications (persona Sofie, Bergen 4601,
one upload each) one at a time over HTTP through gunicorn, and times each from just before the send POST until
Bergen's case system finds the delivery in GET /api/exchange/v1/leveranser (the db_worker encrypts and
publishes it in between). Prints p50/p95 and writes what the exchange locust users need to FILE: the client
and its key, at least USERS Bergen cases (topped up with paper cases), and the delivered files.
"""

import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.application import ANSWERS, percentile, session_for  # noqa: E402

KOMMUNENUMMER = "4601"
CLIENT_ID = f"demo-fagsystem-{KOMMUNENUMMER}"
SOFIE = "familie-bergen"
REQUIREMENT = "husleiekontrakt|husleiekontrakt"  # the upload Sofie's answers (she rents) ask for
POLL_SECONDS = 0.02
COLLECTABLE_TIMEOUT = 30.0


def persona_pid(key: str) -> str:
    population = json.loads((ROOT / "src/digisos/data/demo/population.json").read_text())
    return next(p["pid"] for p in population["personas"] if p["key"] == key)


def sofie():
    from digisos.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-sofie", defaults={"kind": User.Kind.CITIZEN, "pid": persona_pid(SOFIE)}
    )
    return user


def logged_in(host: str, user) -> tuple[requests.Session, str]:
    """An HTTP session logged in as `user` (session row written here) and its CSRF form token."""
    from django.conf import settings

    from digisos.application import services

    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, session_for(user))
    draft = services.start_application(user=user)
    response = http.get(f"{host}/soknad/{draft.id}/steg/behov/", timeout=30)
    response.raise_for_status()
    token = response.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    services.delete_draft(actor=user, application=draft)
    return http, token


def access_token(host: str, client_key: Path) -> str:
    from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

    signer = FagsystemClient(base_url=host, client_id=CLIENT_ID, client_key_pem=client_key.read_bytes())
    response = requests.post(
        f"{host}/api/exchange/v1/token",
        data={"grant_type": GRANT_TYPE, "assertion": signer.assertion()},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def draft_ready_to_send(user):
    from digisos.application import services
    from digisos_simulator.simulator import letter_pdf

    application = services.start_application(user=user)
    for step, answers in ANSWERS.items():
        application = services.save_step(application=application, step=step, answers=answers)
    if application.municipality_id != KOMMUNENUMMER or not application.enhetsnummer:
        raise SystemExit(
            f"Sofie's draft routes to {application.municipality_id!r}, not Bergen {KOMMUNENUMMER}"
        )
    outcome = services.upload_to_requirement(
        actor=user,
        application=application,
        requirement=REQUIREMENT,
        files=[("husleiekontrakt.pdf", letter_pdf("Husleiekontrakt", ["Kalfarveien 18, Bergen"]))],
    )
    if not outcome.accepted:
        raise SystemExit(f"the upload was refused: {outcome}")
    return application


def wait_until_collectable(host: str, token: str, application_id: str) -> dict:
    deadline = time.perf_counter() + COLLECTABLE_TIMEOUT
    while time.perf_counter() < deadline:
        response = requests.get(
            f"{host}/api/exchange/v1/leveranser",
            params={"antall": 200},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        response.raise_for_status()
        for delivery in response.json()["leveranser"]:
            if delivery["navEksternRefId"] == application_id:
                return delivery
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"application {application_id} was not collectable within {COLLECTABLE_TIMEOUT:.0f} s")


def wait_for_idle_worker(timeout: float = 60) -> None:
    """Deliveries queued by earlier benchmarks (Kari's, to Oslo's inbox) are handled before the clock starts."""
    from digisos.exchange.models import Delivery

    deadline = time.monotonic() + timeout
    while Delivery.objects.filter(status=Delivery.Status.WAITING).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the db_worker did not deliver the waiting deliveries within a minute")
        time.sleep(0.2)


def paper_cases(count: int) -> list[str]:
    """Bergen paper cases for the demo population, through the service the API's POST /saker uses."""
    from django.test import override_settings

    from digisos.exchange.models import ApiClient
    from digisos.exchange.services.delivery import create_paper_case

    population = json.loads((ROOT / "src/digisos/data/demo/population.json").read_text())
    pids = [p["pid"] for p in population["personas"]]
    actor = ApiClient.objects.get(client_id=CLIENT_ID).user
    # The demo population's numbers are synthetic; production settings refuse them at the API.
    with override_settings(ALLOW_SYNTHETIC_IDENTITY_NUMBERS=True):
        return [
            str(
                create_paper_case(
                    actor_id=actor.pk, kommunenummer=KOMMUNENUMMER, fodselsnummer=pids[i % len(pids)]
                ).id
            )
            for i in range(count)
        ]


def send(count: int, host: str, key_folder: Path, users: int, target: Path) -> None:
    from django.utils import timezone

    from digisos.application.models import Application
    from digisos.exchange.models import Delivery

    user = sofie()
    wait_for_idle_worker()
    http, csrf = logged_in(host, user)
    token = access_token(host, key_folder / "klient.pem")
    to_collectable, post, worker = [], [], []
    deliveries = []
    for _ in range(count + 1):
        application = draft_ready_to_send(user)
        started = time.perf_counter()
        response = http.post(
            f"{host}/soknad/{application.id}/send/",
            data={"csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{host}/soknad/{application.id}/steg/utgifter/"},
            allow_redirects=False,
            timeout=60,
        )
        posted = time.perf_counter()
        if response.status_code != 302 or "/kvittering/" not in response.headers.get("Location", ""):
            raise SystemExit(f"send was refused: {response.status_code} {response.text[:500]}")
        deliveries.append(wait_until_collectable(host, token, str(application.id)))
        to_collectable.append(time.perf_counter() - started)
        post.append(posted - started)
        row = Delivery.objects.get(nav_ekstern_ref_id=str(application.id))
        worker.append((row.available_at - row.created_at).total_seconds())
        # The 24-hour limit would stop the loop after two sends; the benchmark moves earlier sends back.
        Application.objects.filter(owner=user, sent_at__isnull=False).update(
            sent_at=timezone.now() - timedelta(days=2)
        )
    # The first send loads fonts and templates in its gunicorn worker.
    to_collectable, post, worker = to_collectable[1:], post[1:], worker[1:]
    print(
        f"\n== Exchange: send → collectable (persona Sofie → Bergen {KOMMUNENUMMER}'s case system, "
        f"{count} sends one at a time over HTTP, one upload each, db_worker --interval 0.1) =="
    )
    print(f"{'measure':<52} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in (
        ("send POST → listed by GET /leveranser", to_collectable),
        ("  of which the send POST (answer: redirect)", post),
        ("  Delivery.created_at → available_at (database)", worker),
    ):
        print(
            f"{label:<52} {percentile(values, 0.5) * 1000:>8.0f} {percentile(values, 0.95) * 1000:>8.0f} "
            f"{max(values) * 1000:>8.0f}"
        )
    print("target: send → collectable p95 < 5000 ms")
    from bench.summary import bench_line

    print(bench_line("send_to_collectable_p95", percentile(to_collectable, 0.95) * 1000, "ms", "<", 5000))

    cases = [d["fiksDigisosId"] for d in deliveries]
    if len(cases) < users:
        cases += paper_cases(users - len(cases))
    random.Random(1).shuffle(cases)
    files = [[d["id"], f["id"], f["storrelse"]] for d in deliveries for f in d["filer"]]
    target.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_key": str(key_folder / "klient.pem"),
                "cases": cases,
                "files": files,
                "deliveries": len(deliveries),
            }
        )
    )
    if percentile(to_collectable, 0.95) >= 5:
        print("send → collectable p95 is over the 5 s target")


if __name__ == "__main__":
    import django

    django.setup()
    command = sys.argv[1]
    if command == "send":
        send(int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), int(sys.argv[5]), Path(sys.argv[6]))
    else:
        raise SystemExit(f"unknown command {command!r}")
