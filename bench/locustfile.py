"""Load for `make bench`: one user class per target; run.py names the class to run on the command line."""

import random
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

KOMMUNENUMMER = [
    "0301",
    "4601",
    "5001",
    "1103",
    "3301",
    "1804",
    "5501",
    "1508",
    "1580",
    "3201",
    "4204",
    "1106",
]


class PublicMunicipalityApi(FastHttpUser):
    wait_time = constant(0)

    @task
    def municipality(self) -> None:
        number = random.choice(KOMMUNENUMMER)
        self.client.get(f"/api/public/v1/kommuner/{number}", name="/api/public/v1/kommuner/{kommunenummer}")


# The guide's answer page (issue 16): a mix of situations, places (digital, paper only, closed, ambiguous,
# none) and household shapes, posted as the form is, so the rules, the rates and the municipality's status
# are all exercised.
GUIDE_SITUATIONS = ["no_food", "rent_power", "lost_income", "debt", "need_housing", "worried_child"]
GUIDE_PLACES = ["Oslo", "Drammen", "Stavanger", "Bergen", "Herøy", "5001", ""]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class GuideAnswer(FastHttpUser):
    wait_time = constant(0)

    @task
    def answer(self) -> None:
        data = {
            "situations": random.sample(GUIDE_SITUATIONS, random.randint(1, 3)),
            "municipality": random.choice(GUIDE_PLACES),
            "household": random.choice(["single", "couple", "shared"]),
            "children_0_5": str(random.randint(0, 2)),
            "children_11_17": str(random.randint(0, 2)),
            "income": str(random.randint(0, 40) * 1000),
            "housing_cost": str(random.randint(0, 15) * 1000),
        }
        # Encoded here: several situations are one repeated field, as a browser sends checkboxes.
        body = urlencode(data, doseq=True)
        with self.client.post(
            "/veiviser/svar/", data=body, headers=FORM, name="POST /veiviser/svar/", catch_response=True
        ) as r:
            # Bytes, not text: the load generator shares the cores, and decoding every page would cost it.
            if r.status_code != 200 or b'data-testid="services"' not in (r.content or b""):
                r.failure(f"no answer page ({r.status_code})")


class BareDjangoView(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="/bench/bare")


STEP_SLUGS = [
    "personalia",
    "behov",
    "arbeid-og-utdanning",
    "familie",
    "bosituasjon",
    "inntekt-og-formue",
    "utgifter",
]


class ApplicationSteps(FastHttpUser):
    """A logged-in person moving through the steps: GET a step page, POST the "behov" step."""

    wait_time = constant(0)
    _drafts: list[dict] = []
    _started = 0

    def on_start(self) -> None:
        import json
        import os

        if not ApplicationSteps._drafts:
            with open(os.environ["DIGISOS_BENCH_SESSIONS"]) as handle:
                ApplicationSteps._drafts = json.load(handle)
        ApplicationSteps._started += 1
        draft = ApplicationSteps._drafts[ApplicationSteps._started % len(ApplicationSteps._drafts)]
        self.base = f"/soknad/{draft['application']}/steg/"
        self.cookies = {"digisos_session": draft["session"]}
        response = self.client.get(self.base + "behov/", name="GET step", headers=self._cookie_header())
        raw = response.headers.get("set-cookie", "")
        raw = "; ".join(raw) if isinstance(raw, list) else raw
        self.cookies["csrftoken"] = raw.split("csrftoken=")[1].split(";")[0]
        text = response.text or ""
        self.token = text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    @task(3)
    def get_step(self) -> None:
        slug = random.choice(STEP_SLUGS)
        self.client.get(self.base + slug + "/", name="GET step", headers=self._cookie_header())

    @task(1)
    def post_step(self) -> None:
        self.client.post(
            self.base + "behov/",
            data={
                "csrfmiddlewaretoken": self.token,
                "hva": "Penger til mat",
                "hvorfor": "",
                "nodhjelp": "mat",
            },
            headers={**self._cookie_header(), "Referer": self.host + self.base + "behov/"},
            name="POST step",
            allow_redirects=False,
        )


class _ExchangeClient(FastHttpUser):
    """Bergen's case system on /api/exchange/v1/: one access token per user, through the JWT grant.

    bench/exchange.py writes the setup (client key, cases, delivered files) to $DIGISOS_BENCH_EXCHANGE.
    """

    abstract = True
    wait_time = constant(0)
    _setup: dict = {}
    _started = 0

    def on_start(self) -> None:
        import json
        import os
        import sys
        from pathlib import Path

        from locust.exception import StopUser

        if not _ExchangeClient._setup:
            with open(os.environ["DIGISOS_BENCH_EXCHANGE"]) as handle:
                _ExchangeClient._setup = json.load(handle)
        self.setup = _ExchangeClient._setup
        self.number = _ExchangeClient._started
        _ExchangeClient._started += 1
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
        from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

        signer = FagsystemClient(
            base_url=self.host,
            client_id=self.setup["client_id"],
            client_key_pem=Path(self.setup["client_key"]).read_bytes(),
        )
        response = self.client.post(
            "/api/exchange/v1/token",
            data={"grant_type": GRANT_TYPE, "assertion": signer.assertion()},
            name="POST /api/exchange/v1/token",
        )
        if response.status_code != 200:
            raise StopUser()
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}


class ExchangeList(_ExchangeClient):
    @task
    def list_deliveries(self) -> None:
        self.client.get("/api/exchange/v1/leveranser", headers=self.headers, name="GET /leveranser")


class ExchangeDownload(_ExchangeClient):
    @task
    def download(self) -> None:
        delivery, file, _ = random.choice(self.setup["files"])
        self.client.get(
            f"/api/exchange/v1/leveranser/{delivery}/filer/{file}",
            headers=self.headers,
            name="GET /leveranser/{id}/filer/{fil_id}",
        )


def _events(today) -> list[dict]:
    """One case's events in order, none referring to a letter: the story bench documents grow through."""
    # src is on the path (_ExchangeClient.on_start)
    from digisos.soker import builders
    from digisos.soker.constants import SoknadsStatus, UtbetalingStatus
    from digisos_simulator.simulator import condition, framework_decision, planned_payment

    payment = planned_payment(today)
    return [
        builders.soknads_status(SoknadsStatus.MOTTATT),
        builders.tildelt_nav_kontor("1201"),
        builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING),
        builders.saks_status("sak-1", tittel="Livsopphold"),
        framework_decision(today),
        payment,
        condition(),
        {
            **payment,
            **builders.utbetaling(
                payment["utbetalingsreferanse"], status=UtbetalingStatus.UTBETALT, utbetalingsdato=today
            ),
        },
        builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET),
    ]


class _Reporting(_ExchangeClient):
    """Each user reports its own case: the whole digisos-soker.json, one event longer each time (1 to 9
    events, then a new story), so every post is a real write with a newer last event."""

    abstract = True
    _clocks: dict = {}  # each case's last reported time, across the users that report it

    def on_start(self) -> None:
        from datetime import UTC, datetime

        super().on_start()
        cases = self.setup["cases"]
        self.case = cases[self.number % len(cases)]
        self.story = _events(datetime.now(UTC).date())
        # Where the case's last report ended: bench/slices.py starts new users for the same cases in every
        # slice, and a report older than the stored one would be refused.
        self.clock = _Reporting._clocks.get(self.case, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
        self.events: list[dict] = []

    def next_document(self) -> dict:
        from datetime import timedelta

        self.clock += timedelta(seconds=1)
        _Reporting._clocks[self.case] = self.clock
        if len(self.events) == len(self.story):
            self.events = []
        stamp = self.clock.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.events.append({**self.story[len(self.events)], "hendelsestidspunkt": stamp})
        return {
            "version": "1.0.0",
            "avsender": {"systemnavn": "bench", "systemversjon": "1"},
            "hendelser": self.events,
        }


class ExchangeEvents(_Reporting):
    """The event post: the document stored, checked, folded into the case's read model."""

    url, request_name = (
        "/api/exchange/v1/saker/{case}/digisos-soker",
        "POST /saker/{digisos_id}/digisos-soker",
    )

    @task
    def post_document(self) -> None:
        self.client.post(
            self.url.format(case=self.case),
            json=self.next_document(),
            headers=self.headers,
            name=self.request_name,
        )


class ExchangeWrite(ExchangeEvents):
    """The same documents posted to the trivial exchange write (bench_urls.py): parsed, the case touched and
    the write audited, nothing else."""

    url, request_name = "/bench/exchange/v1/saker/{case}/write", "POST /bench/exchange/v1/saker/{id}/write"


class _Citizen(FastHttpUser):
    """A logged-in person on innsyn's pages; bench/innsyn.py writes the sessions and cases to
    $DIGISOS_BENCH_INNSYN. A redirect (to the login) or a page without its content counts as a failure."""

    abstract = True
    wait_time = constant(0)
    _setup: dict = {}
    _started = 0

    def on_start(self) -> None:
        import json
        import os

        if not _Citizen._setup:
            with open(os.environ["DIGISOS_BENCH_INNSYN"]) as handle:
                _Citizen._setup = json.load(handle)
        self.setup = _Citizen._setup
        self.number = _Citizen._started
        _Citizen._started += 1

    def _get(self, path: str, session: str, name: str, marker: str) -> None:
        with self.client.get(
            path,
            headers={"Cookie": f"{self.setup['cookie']}={session}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif marker not in (response.text or ""):
                response.failure(f"no {marker} on the page")


class InnsynCasePage(_Citizen):
    """The case page of a case with 500 events (one case and session per user)."""

    def on_start(self) -> None:
        super().on_start()
        entries = self.setup["case_page"]
        self.entry = entries[self.number % len(entries)]

    @task
    def case_page(self) -> None:
        self._get(
            f"/innsyn/{self.entry['case']}/",
            self.entry["session"],
            "GET /innsyn/{case_id}/",
            'data-testid="letters"',
        )


class MyApplicationsPage(_Citizen):
    """ "Mine søknader" of a person with 50 cases (one session per user)."""

    def on_start(self) -> None:
        super().on_start()
        entries = self.setup["mine"]
        self.session = entries[self.number % len(entries)]["session"]

    @task
    def my_applications(self) -> None:
        self._get("/innsyn/", self.session, "GET /innsyn/", 'data-testid="earlier"')


class LoggedInBaseline(FastHttpUser):
    """The baseline of every logged-in page: /bench/logged-in (bench_urls.py), the site's layout around one
    line, reading only the session and the user. Kari's sessions from bench/application.py, one per user."""

    wait_time = constant(0)
    _sessions: list[dict] = []
    _started = 0

    def on_start(self) -> None:
        import json
        import os

        if not LoggedInBaseline._sessions:
            with open(os.environ["DIGISOS_BENCH_SESSIONS"]) as handle:
                LoggedInBaseline._sessions = json.load(handle)
        LoggedInBaseline._started += 1
        entry = LoggedInBaseline._sessions[LoggedInBaseline._started % len(LoggedInBaseline._sessions)]
        self.cookie = f"digisos_session={entry['session']}"

    @task
    def logged_in(self) -> None:
        with self.client.get(
            "/bench/logged-in",
            headers={"Cookie": self.cookie},
            name="GET /bench/logged-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif 'data-testid="bench"' not in (response.text or ""):
                response.failure("not the logged-in page")


class ExchangeBaseline(_ExchangeClient):
    """The baseline of the exchange API: a call that only checks the access token (bench_urls.py)."""

    @task
    def ping(self) -> None:
        self.client.get("/bench/exchange/v1/ping", headers=self.headers, name="GET /bench/exchange/v1/ping")


class _OwnSessionPage(FastHttpUser):
    """A logged-in page fetched by users with one session each from a setup file ($`setup_variable` holds its
    path: {"cookie", "sessions"}); the page must answer 200 with `marker` in it."""

    abstract = True
    wait_time = constant(0)
    setup_variable = ""
    path = ""
    marker = ""
    _setups: dict[str, dict] = {}
    _started = 0

    def on_start(self) -> None:
        import json
        import os

        setup = _OwnSessionPage._setups.get(self.setup_variable)
        if setup is None:
            with open(os.environ[self.setup_variable]) as handle:
                setup = _OwnSessionPage._setups[self.setup_variable] = json.load(handle)
        type(self)._started += 1
        session = setup["sessions"][type(self)._started % len(setup["sessions"])]
        self.cookie = f"{setup['cookie']}={session}"

    @task
    def page(self) -> None:
        with self.client.get(
            self.path,
            headers={"Cookie": self.cookie},
            name=f"GET {self.path}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif self.marker not in (response.text or ""):
                response.failure(f"no {self.marker} on the page")


class InboxListPage(_OwnSessionPage):
    """A municipal caseworker's inbox list (its first page) with the cases bench/inbox_list.py built;
    $DIGISOS_BENCH_INBOX_LIST holds her sessions, one per user."""

    setup_variable = "DIGISOS_BENCH_INBOX_LIST"
    path = "/innboks/"
    marker = 'data-testid="inbox"'


class ConcernsList(FastHttpUser):
    """Bergen's child-welfare case system listing the reports ready for it (GET /api/barnevern/v1/
    bekymringsmeldinger), its own client and scope; bench/concerns.py writes the client and its key to
    $DIGISOS_BENCH_CONCERNS. Run against ExchangeList in interleaved slices (run.py `concerns_bench`)."""

    wait_time = constant(0)
    _setup: dict = {}

    def on_start(self) -> None:
        import json
        import os
        import sys
        from pathlib import Path

        from locust.exception import StopUser

        if not ConcernsList._setup:
            with open(os.environ["DIGISOS_BENCH_CONCERNS"]) as handle:
                ConcernsList._setup = json.load(handle)
        setup = ConcernsList._setup
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
        from digisos_simulator.simulator import GRANT_TYPE, FagsystemClient

        signer = FagsystemClient(
            base_url=self.host,
            client_id=setup["client_id"],
            client_key_pem=Path(setup["client_key"]).read_bytes(),
            scope=setup["scope"],
        )
        response = self.client.post(
            "/api/exchange/v1/token",
            data={"grant_type": GRANT_TYPE, "assertion": signer.assertion()},
            name="POST /api/exchange/v1/token (barnevern)",
        )
        if response.status_code != 200:
            raise StopUser()
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    @task
    def list_reports(self) -> None:
        self.client.get(
            "/api/barnevern/v1/bekymringsmeldinger", headers=self.headers, name="GET /bekymringsmeldinger"
        )


class _FollowupUser(FastHttpUser):
    """A municipal caseworker of bench/followup.py's municipality; $DIGISOS_BENCH_FOLLOWUP holds her sessions."""

    abstract = True
    wait_time = constant(0)
    _setup: dict = {}
    _started = 0

    def on_start(self) -> None:
        import json
        import os

        if not _FollowupUser._setup:
            with open(os.environ["DIGISOS_BENCH_FOLLOWUP"]) as handle:
                _FollowupUser._setup = json.load(handle)
        setup = _FollowupUser._setup
        _FollowupUser._started += 1
        session = setup["sessions"][_FollowupUser._started % len(setup["sessions"])]
        self.cookie = f"{setup['cookie']}={session}; {setup['csrf_cookie']}={setup['csrf']}"

    _told = False

    def _expect(self, response, marker: str) -> None:
        if response.status_code == 200 and marker in (response.text or ""):
            return
        response.failure(f"status {response.status_code}, no {marker}")
        if not _FollowupUser._told:  # the first failure's page, once, so that a failing run can be explained
            import sys

            _FollowupUser._told = True
            print(
                f"follow-up: status {response.status_code}: {(response.text or '')[:3000]}", file=sys.stderr
            )


class FollowupPersonOverview(_FollowupUser):
    """The person overview: POST /oppfolging/ (fødselsnummer and purpose in the body) for the person with 200
    cases and 24 months of payments; each look asks the policy and writes its audit."""

    @task
    def overview(self) -> None:
        setup = _FollowupUser._setup
        with self.client.post(
            "/oppfolging/",
            data=urlencode(
                {"fnr": setup["pid"], "purpose": "casework", "csrfmiddlewaretoken": setup["csrf"]}
            ),
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"},
            name="POST /oppfolging/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._expect(response, 'data-testid="panel-months"')


class FollowupWorkQueues(_FollowupUser):
    """The work queues of a municipality with 10,000 cases."""

    @task
    def queues(self) -> None:
        with self.client.get(
            "/oppfolging/arbeidskoer/",
            headers={"Cookie": self.cookie},
            name="GET /oppfolging/arbeidskoer/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._expect(response, 'data-testid="count-overdue_requests"')


class FollowupWorkQueue(_FollowupUser):
    """One work queue's own page: the requests past their deadline (1,250 of the 10,000 cases), its first 50."""

    @task
    def queue(self) -> None:
        with self.client.get(
            "/oppfolging/arbeidskoer/passert-frist/",
            headers={"Cookie": self.cookie},
            name="GET /oppfolging/arbeidskoer/passert-frist/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._expect(response, 'data-testid="queue-count"')


class ConcernStaffInbox(_OwnSessionPage):
    """The child-welfare inbox of an employee of two of Oslo's district offices with bench/concerns.py's 200
    reports, its first page of 50 ($DIGISOS_BENCH_CONCERN_STAFF: her sessions)."""

    setup_variable = "DIGISOS_BENCH_CONCERN_STAFF"
    path = "/bekymringsmelding/innboks/"
    marker = 'data-testid="concern-inbox"'


# The statistics (issue 14): the public dashboard and its JSON for a municipality, as a visitor chooses one.
class StatisticsPage(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        number = random.choice(KOMMUNENUMMER)
        self.client.get(f"/statistikk/?kommune={number}", name="/statistikk/?kommune={kommunenummer}")


class StatisticsApi(FastHttpUser):
    wait_time = constant(0)

    @task
    def api(self) -> None:
        number = random.choice(KOMMUNENUMMER)
        self.client.get(
            f"/api/public/v1/statistikk/?niva=kommune&kode={number}",
            name="/api/public/v1/statistikk/?niva=kommune&kode={kommunenummer}",
        )
