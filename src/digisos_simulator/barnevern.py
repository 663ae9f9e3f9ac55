"""A child-welfare case system (barnevernets fagsystem) played against DigiSos's barnevern API: it gets a token
with the scope bekymringsmelding:collect from the exchange's /token, lists the reports ready for its
municipality, downloads and decrypts each ASiC-E with the office's private key, checks that it holds exactly
bekymringsmelding.json and bekymringsmelding.pdf and that its XAdES signature is intact and from the signing
port's authority (as a real case system checks the platform's certificate), and acknowledges it (KS: mottatt). With --fail it reports
failure instead (KS: feilet), so the letter fallback can be watched. Dev, test and bench only.
"""

import argparse
import io
import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from digisos.concerns.asice import verify_asice

from .simulator import ExchangeError, FagsystemClient, decrypt

EXPECTED = {"bekymringsmelding.json", "bekymringsmelding.pdf"}


@dataclass
class BarnevernClient(FagsystemClient):
    scope: str = "bekymringsmelding:collect"

    @property
    def barnevern(self) -> str:
        return self.base_url.rstrip("/") + "/api/barnevern/v1"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        def send() -> requests.Response:
            headers = {"Authorization": f"Bearer {self.token()}"}
            return self.session.request(
                method, f"{self.barnevern}{path}", headers=headers, timeout=60, **kwargs
            )

        response = self._with_retries(f"{method} {path}", send)
        self._check(response)
        return response

    def new_reports(self) -> list[dict[str, Any]]:
        found, cursor = [], None
        while True:
            params = {"antall": 50, **({"etter": cursor} if cursor else {})}
            page = self.call("GET", "/bekymringsmeldinger", params=params).json()
            found += page["bekymringsmeldinger"]
            cursor = page["neste"]
            if not cursor:
                return found


@dataclass
class CollectedReport:
    report: dict[str, Any]
    files: dict[str, bytes]

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.files["bekymringsmelding.json"])


def open_container(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "mimetype" and not name.startswith("META-INF/")
        }


def collect_reports(
    client: BarnevernClient, receiver_key_pem: bytes, *, fail: bool = False
) -> list[CollectedReport]:
    collected = []
    for report in client.new_reports():
        asice = next(f for f in report["filer"] if f["rolle"] == "asice")
        blob = client.call("GET", f"/bekymringsmeldinger/{report['id']}/filer/{asice['id']}").content
        container = decrypt(blob, receiver_key_pem)
        files = open_container(container)
        signature_problems = verify_asice(container)
        if set(files) != EXPECTED or signature_problems or fail:
            if fail:
                message = "Simulert feil"
            elif set(files) != EXPECTED:
                message = f"ASiC-E inneholdt {sorted(files)}"
            else:
                message = f"ASiC-E-signaturen holder ikke: {'; '.join(signature_problems)}"
            client.call("POST", f"/bekymringsmeldinger/{report['id']}/feilet", json={"melding": message})
        else:
            client.call("POST", f"/bekymringsmeldinger/{report['id']}/mottatt")
        collected.append(CollectedReport(report, files))
    return collected


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--kommunenummer", default="4601")
    parser.add_argument("--folder", type=Path, default=None, help="default: var/barnevern/<kommunenummer>")
    parser.add_argument("--fail", action="store_true", help="answer feilet instead of mottatt")
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--interval", type=float, default=5.0)


def run(args: argparse.Namespace) -> int:
    folder = args.folder or Path("var/barnevern") / args.kommunenummer
    client = BarnevernClient(
        base_url=args.base_url,
        client_id=f"demo-barnevern-{args.kommunenummer}",
        client_key_pem=(folder / "klient.pem").read_bytes(),
    )
    receiver_key = (folder / "mottak.pem").read_bytes()
    while True:
        try:
            for item in collect_reports(client, receiver_key, fail=args.fail):
                print(f"barnevern-simulator: collected {item.report['skjema']} report {item.report['id']}")
        except (ExchangeError, requests.ConnectionError, requests.Timeout) as error:
            print(f"barnevern-simulator: {error}")
            if args.once:
                return 1
        if args.once:
            return 0
        time.sleep(args.interval)
