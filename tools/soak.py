"""Soak test for the quick start: several people use a running `make run` at once, for a while.

    make run                                  # in one terminal
    .venv/bin/python tools/soak.py --minutes 30

What it does, until the time is up (loopback only, bounded in time):
- `--people` browser journeys in Chromium, one process each, with different personas (Oslo goes to the
  manual inbox, Bergen and Tromsø to the simulated case systems): log in through the local ID-porten, start
  an application, answer every step (the short form too), upload every kind of file on the upload page
  (PDF, JPEG, PNG, text, Word, Excel, OpenDocument), send, open "Mine søknader" and each case page, log out.
- `--savers` parallel draft saves over HTTP from one logged-in person, in bursts.
- every 30 s: checks that each quick-start process (web, login, worker, scheduler, clamd, two simulators)
  is still running.

It prints what it counted and exits non-zero on any 5xx, failed journey step or dead process.
"""

import argparse
import multiprocessing
import re
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

PERSONAS = ["kari-leier-oslo", "familie-bergen", "tromso-enslig-forsorger", "oslo-bydel-frogner"]
PROCESSES = {
    "web": "runserver",
    "login": "digisos.accounts.local_idporten",
    "worker": "run_worker",
    "scheduler": "run_scheduler",
    "clamd": "clamd",
    "simulator Bergen": "--kommunenummer 4601",
    "simulator Tromsø": "--kommunenummer 5501",
}


def upload_files() -> list[dict]:
    from tests.documents import corpus

    return [
        {"name": "husleiekontrakt.pdf", "mimeType": "application/pdf", "buffer": corpus.pdf(pages=2)},
        {"name": "kontoutskrift.jpg", "mimeType": "image/jpeg", "buffer": corpus.photo()},
        {"name": "skjermbilde.png", "mimeType": "image/png", "buffer": corpus.png()},
        {"name": "notat.txt", "mimeType": "text/plain", "buffer": corpus.text()},
        {"name": "brev.docx", "mimeType": "application/octet-stream", "buffer": corpus.office("docx")},
        {"name": "budsjett.xlsx", "mimeType": "application/octet-stream", "buffer": corpus.office("xlsx")},
        {"name": "brev.odt", "mimeType": "application/octet-stream", "buffer": corpus.office("odt")},
    ]


def journey_worker(base_url: str, persona: str, deadline: float, results) -> None:
    """One person in Chromium, journey after journey until the deadline."""
    from playwright.sync_api import expect, sync_playwright
    from tests.fixtures.browser import CHROMIUM_ARGS

    files = upload_files()
    counts: Counter = Counter()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        while time.monotonic() < deadline:
            context = browser.new_context(locale="nb-NO", base_url=base_url)
            context.set_default_timeout(30_000)
            page = context.new_page()

            def on_response(response) -> None:
                counts[f"{response.status // 100}xx"] += 1
                if response.status >= 500:
                    errors.append(f"{persona}: {response.status} {response.url}")

            page.on("response", on_response)
            try:
                page.goto("/")
                page.get_by_role("link", name="Logg inn", exact=True).click()
                page.locator(f"#sub-{persona}").check()
                page.get_by_role("button", name="Logg inn").click()
                expect(page.get_by_role("heading", name="Søk om økonomisk sosialhjelp")).to_be_visible()
                start = page.get_by_role("button", name="Start ny søknad")
                if start.count():
                    start.click()
                    answer_every_step(page)
                    page.get_by_role("button", name="Send søknaden").click()
                    page.wait_for_load_state("load")
                    counts["sent" if "Søknaden er sendt" in page.content() else "not sent"] += 1
                else:  # two applications in 24 hours: the start page says so and offers no new one
                    counts["no new application (24-hour limit shown)"] += 1
                page.goto("/dokumenter/prov-opplasting/")
                page.get_by_label("Velg filer").set_input_files(files)
                page.get_by_role("button", name="Last opp").click()
                listed = page.get_by_role("list", name="Lastet opp").get_by_role("listitem")
                expect(listed).to_have_count(len(files), timeout=120_000)
                expect(page.locator(".document-item--uploading")).to_have_count(0, timeout=120_000)
                counts["uploads"] += len(files)
                delete = page.get_by_role("button", name=re.compile("^Slett "))
                for _ in range(len(files)):
                    if not delete.count():
                        break
                    delete.first.click()
                    page.wait_for_load_state("load")
                    counts["deletes"] += 1
                page.goto("/innsyn/")
                for href in {a.get_attribute("href") for a in page.locator("a[href^='/innsyn/']").all()}:
                    if href and re.match(r"^/innsyn/[0-9a-f-]{36}/$", href):
                        page.goto(href)
                        counts["case pages"] += 1
                counts["journeys"] += 1
            except Exception as error:  # a failed step is reported, and the next journey starts
                errors.append(
                    f"{persona}: {type(error).__name__}: {str(error).splitlines()[0]} at {page.url}"
                )
            finally:
                context.close()
        browser.close()
    results.put((dict(counts), errors))


def answer_every_step(page) -> None:
    """Next step until the summary, giving the required answers the way a hurried person would."""
    for _ in range(15):
        if page.get_by_role("button", name="Send søknaden").count():
            return
        need = page.get_by_label("Hva søker du om?")
        if need.count() and not need.first.input_value():
            need.first.fill("Penger til mat og husleie")
        for group in page.locator("fieldset").all():
            radios = group.locator("input[type=radio]")
            if radios.count() and not group.locator("input[type=radio]:checked").count():
                radios.last.check()
        page.get_by_role("button", name="Neste steg").click()
        page.wait_for_load_state("load")
    raise AssertionError(f"never reached the summary: {page.url}")


def http_login(session, base_url: str, persona: str) -> None:
    response = session.get(urljoin(base_url, "/auth/login/"))
    response = session.post(response.url, data={"sub": persona}, allow_redirects=True)
    response.raise_for_status()


def csrf_token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def parallel_saves(base_url: str, savers: int, deadline: float, statuses: Counter, errors: list[str]) -> None:
    import requests

    session = requests.Session()
    http_login(session, base_url, "statslos-oslo")
    start = session.get(urljoin(base_url, "/"))
    created = session.post(
        urljoin(base_url, "/soknad/ny/"), data={"csrfmiddlewaretoken": csrf_token(start.text)}
    )
    step_url = re.sub(r"/steg/[^/]+/$", "/steg/behov/", created.url)
    token = csrf_token(session.get(step_url).text)
    lock = threading.Lock()

    def save(number: int) -> None:
        try:
            response = session.post(
                step_url,
                data={
                    "csrfmiddlewaretoken": token,
                    "hva": f"Mat, lagring {number}",
                    "hvorfor": "",
                    "nodhjelp": "mat",
                },
                headers={"Referer": step_url},
                allow_redirects=False,
                timeout=60,
            )
            status = response.status_code
        except requests.RequestException as error:
            status = f"error {type(error).__name__}"
        with lock:
            statuses[status] += 1
            if not isinstance(status, int) or status >= 500:
                errors.append(f"parallel save {number}: {status}")

    number = 0
    with ThreadPoolExecutor(max_workers=savers) as pool:
        while time.monotonic() < deadline:
            list(pool.map(save, range(number, number + savers)))
            number += savers
            time.sleep(5)


def dead_processes() -> list[str]:
    running = subprocess.run(
        ["/usr/bin/ps", "-eo", "args"], capture_output=True, text=True, check=True
    ).stdout
    return [name for name, marker in PROCESSES.items() if marker not in running]


def main() -> int:
    parser = argparse.ArgumentParser(description="Soak test for a running quick start.")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--savers", type=int, default=20)
    args = parser.parse_args()
    if not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$", args.base_url):
        parser.error("the soak only runs against the quick start on this machine")

    deadline = time.monotonic() + args.minutes * 60
    missing = dead_processes()
    if missing:
        print(f"not running before the soak: {missing}")
        return 1
    upload_files()  # build the office files once, before the clock matters

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    people = [
        context.Process(
            target=journey_worker, args=(args.base_url, PERSONAS[i % len(PERSONAS)], deadline, results)
        )
        for i in range(args.people)
    ]
    for person in people:
        person.start()
    statuses: Counter = Counter()
    errors: list[str] = []
    saver = threading.Thread(
        target=parallel_saves, args=(args.base_url, args.savers, deadline, statuses, errors)
    )
    saver.start()

    deaths: list[str] = []
    while time.monotonic() < deadline:
        time.sleep(min(30, max(0, deadline - time.monotonic())))
        dead = dead_processes()
        if dead:
            deaths.append(f"{time.strftime('%H:%M:%S')} not running: {dead}")
            print(deaths[-1], flush=True)
    saver.join()
    totals: Counter = Counter()
    for _ in people:
        try:
            counts, person_errors = results.get(timeout=300)
        except Exception:
            errors.append("a journey process never reported: " + traceback.format_exc(limit=1))
            continue
        totals.update(counts)
        errors.extend(person_errors)
    for person in people:
        person.join(timeout=10)

    print(f"browser journeys: {dict(totals)}")
    print(f"parallel draft saves: {dict(statuses)}")
    print(f"processes alive at the end: {not dead_processes()}; deaths seen: {len(deaths)}")
    for line in errors[:50]:
        print("  problem:", line)
    ok = not errors and not deaths and totals["journeys"] > 0
    print("SOAK ok" if ok else f"SOAK FAILED ({len(errors)} problems, {len(deaths)} process checks failed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
