"""Load for `make bench`: one user class per target; run.py names the class to run on the command line."""

import random

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
