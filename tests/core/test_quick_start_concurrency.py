"""The quick start (`make run`) is one SQLite file shared by the web server, the worker and the scheduler. Twenty
people saving a step of their application at the same moment must all be answered (no "database is locked"
500), and every process must still be running afterwards.

The stack runs as subprocesses on the quick-start settings and a fresh SQLite file; the drafts and their
logged-in sessions are made up front by a setup script (as `Client.force_login` does), then twenty threads
post a step through the real HTTP server at once."""

import secrets
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from tests.fixtures.quick_start import ROOT, run_script
from tests.fixtures.quick_start import quick_start_env as quick_start_env_in

WRITERS = 20

SETUP = """
import sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_municipalities", verbosity=0)
from digisos.application import services
from tests.fixtures.personas import citizen

user = citizen("familie-bergen")
for _ in range(int(sys.argv[1])):
    draft = services.start_application(user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print("DRAFT", draft.id, session.session_key)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert server.poll() is None, "the web server stopped while starting"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("the web server did not start")


@pytest.fixture
def quick_start_env(tmp_path):
    return quick_start_env_in(tmp_path, PYTHONUNBUFFERED="1")


def test_twenty_parallel_draft_saves_on_the_quick_start_sqlite_all_succeed_and_no_process_dies(
    quick_start_env, tmp_path
):
    setup = run_script(SETUP, quick_start_env, str(WRITERS))
    assert setup.returncode == 0, setup.stderr[-3000:]
    drafts = [line.split()[1:] for line in setup.stdout.splitlines() if line.startswith("DRAFT ")]
    assert len(drafts) == WRITERS

    port = _free_port()
    manage = [sys.executable, "manage.py"]
    commands = {
        "web": [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [*manage, "run_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload"],
        "scheduler": [*manage, "run_scheduler", "--interval", "1"],
    }
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in commands}  # noqa: SIM115 - closed below
    processes = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=quick_start_env, stdout=logs[name], stderr=subprocess.STDOUT
        )
        for name, command in commands.items()
    }
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(f"{base}/internal/isalive", processes["web"], time.monotonic() + 60)

        start = threading.Barrier(WRITERS)

        def save_step(draft: tuple[str, str]) -> int:
            draft_id, session_key = draft
            token = secrets.token_hex(16)  # an unmasked CSRF secret is a valid form token for itself
            start.wait(timeout=30)
            response = requests.post(
                f"{base}/soknad/{draft_id}/steg/behov/",
                data={"hva": "Penger til mat", "hvorfor": "Jeg mistet jobben", "csrfmiddlewaretoken": token},
                cookies={"digisos_session": session_key, "csrftoken": token},
                allow_redirects=False,
                timeout=60,
            )
            return response.status_code

        with ThreadPoolExecutor(WRITERS) as pool:
            statuses = list(pool.map(save_step, drafts))
        time.sleep(2)  # the worker and scheduler keep polling the same file meanwhile

        assert sorted(statuses) == [302] * WRITERS, statuses  # saved, and on to the next step
        alive = {name: process.poll() is None for name, process in processes.items()}
        assert all(alive.values()), (
            alive,
            {name: (tmp_path / f"{name}.log").read_text()[-2000:] for name in logs},
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()


INBOX_WALK = """
import django
django.setup()
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
call_command("load_municipalities", verbosity=0)
from digisos.application.models import Application
from digisos.documents.models import Folder
from digisos.exchange.models import Case, Delivery
from digisos.inbox import selectors
from tests.fixtures.personas import citizen

owner = citizen("kari-leier-oslo")
now = timezone.now()
for i in range(12):  # 4 new (every third), 8 received
    folder = Folder.objects.create(owner=owner, kind=Folder.Kind.APPLICATION, municipality_id="0301", sealed_at=now)
    application = Application.objects.create(
        owner=owner, folder=folder, status=Application.Status.READY, municipality_id="0301", reference=f"DS-{i:08d}"
    )
    case = Case.objects.create(owner=owner, municipality_id="0301", application=application)
    new = i % 3 == 0
    Delivery.objects.create(
        case=case, kind=Delivery.Kind.SOKNAD, municipality_id="0301", channel="inbox",
        nav_ekstern_ref_id=str(application.id), status="available" if new else "collected",
        available_at=now - timedelta(minutes=i), collected_at=None if new else now, folder=folder,
        vedlegg_json={"vedlegg": []},
    )
expected = [row.id for row in selectors.inbox_deliveries("0301")]
pages = [selectors.inbox_page("0301", size=3)]
while pages[-1].older:
    pages.append(selectors.inbox_page("0301", older_than=pages[-1].older, size=3))
walked = [d.id for page in pages for d in page.deliveries]
assert walked == expected, (walked, expected)
back = selectors.inbox_page("0301", newer_than=pages[2].newer, size=3)
assert [d.id for d in back.deliveries] == [d.id for d in pages[1].deliveries]
print("WALKED", len(walked), len(pages))
"""


def test_the_inbox_list_pages_across_new_and_received_on_the_quick_start_sqlite(quick_start_env):
    """The quick start's caseworker pages through the inbox ("Eldre", "Nyere") from the new deliveries into the
    received ones: on PostgreSQL one statement with a UNION of two limited ranges, which SQLite refuses (a
    LIMIT in a part of a compound statement: a 500 on the quick start's second page). The test suite's database
    is PostgreSQL, so this walks the list on a fresh quick-start SQLite file."""
    walk = run_script(INBOX_WALK, quick_start_env)
    assert walk.returncode == 0, walk.stderr[-3000:]
    assert "WALKED 12 4" in walk.stdout, walk.stdout
