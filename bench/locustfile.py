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
