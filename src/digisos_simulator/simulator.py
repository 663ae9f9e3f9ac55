"""A case system (fagsystem) over HTTP: the reference client for vendors, the quick-start demo and tests.

A fake at the edge, not product code: it plays a municipality's case system against DigiSos over HTTP, as
a vendor's system does in production. Product code never imports it (import-linter contract).

It does what an integrated case system does against /api/exchange/v1/: signs a JWT grant with its own key
and gets an access token; lists new deliveries, downloads and decrypts their files (CMS, with the
municipality's private key) and acknowledges them; then reports a realistic case: uploads letters first and
posts the whole digisos-soker.json after every step, with all ten event types.

    python -m digisos_simulator.simulator --base-url http://127.0.0.1:8000 --kommunenummer 4601 \
        --client-id demo-fagsystem-4601 --client-key var/fagsystem/4601/klient.pem \
        --receiver-key var/fagsystem/4601/mottak.pem --once

It speaks only HTTP to DigiSos; what it shares with the code is the CMS decryption and the digisos-soker
builders (digisos.soker), so that its events are the format itself.
"""

import argparse
import hashlib
import io
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from digisos.documents.encryption import decrypt_with
from digisos.soker import builders
from digisos.soker.constants import KravStatus, SoknadsStatus, UtbetalingStatus, Utfall
from digisos.soker.tidspunkt import format_tidspunkt as timestamp

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SYSTEM = {"systemnavn": "DigiSos fagsystem-simulator", "systemversjon": "1.0.0"}


class ExchangeError(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(
            f"{response.request.method} {response.url} → {response.status_code}: {response.text[:500]}"
        )
        self.status_code = response.status_code
        try:
            self.body = response.json()
        except ValueError:
            self.body = {}


@dataclass
class FagsystemClient:
    base_url: str
    client_id: str
    client_key_pem: bytes
    audience: str = "digisos-exchange"
    scope: str = "exchange:collect exchange:report"
    session: requests.Session = field(default_factory=requests.Session)
    # A report that meets a 5xx or a network error is sent again after 1, 2, 4 … seconds (at most
    # `retry_cap`), `attempts` times in all, as a real case system must: a report lost to one busy moment
    # would leave the citizen's case at "Mottatt" for good. Every document is posted whole, so sending it
    # again is safe.
    attempts: int = 8
    retry_first: float = 1.0
    retry_cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = print
    _token: str = ""
    _token_expires: float = 0.0

    @property
    def api(self) -> str:
        return self.base_url.rstrip("/") + "/api/exchange/v1"

    def assertion(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "aud": self.audience,
            "iat": now,
            "exp": now + 60,
            "jti": str(uuid.uuid4()),
            "scope": self.scope,
        }
        return jwt.encode(
            {"alg": "RS256", "kid": self.client_id}, claims, RSAKey.import_key(self.client_key_pem)
        )

    def token(self) -> str:
        if not self._token or time.time() > self._token_expires - 10:
            # A fresh assertion on every attempt: each one's jti may be used once.
            response = self._with_retries(
                "POST /token",
                lambda: self.session.post(
                    f"{self.api}/token",
                    data={"grant_type": GRANT_TYPE, "assertion": self.assertion()},
                    timeout=30,
                ),
            )
            self._check(response)
            body = response.json()
            self._token, self._token_expires = body["access_token"], time.time() + body["expires_in"]
        return self._token

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        extra_headers = kwargs.pop("headers", {})

        def send() -> requests.Response:
            headers = {"Authorization": f"Bearer {self.token()}", **extra_headers}
            return self.session.request(method, f"{self.api}{path}", headers=headers, timeout=60, **kwargs)

        response = self._with_retries(f"{method} {path}", send)
        self._check(response)
        return response

    def _with_retries(self, what: str, send: Callable[[], requests.Response]) -> requests.Response:
        """`send()` again after a 5xx or a network error, with growing pauses; the last answer or error stands."""
        delay = self.retry_first
        for attempt in range(1, self.attempts + 1):
            try:
                response = send()
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == self.attempts:
                    raise
                problem = type(error).__name__
            else:
                if response.status_code < 500 or attempt == self.attempts:
                    return response
                problem = f"HTTP {response.status_code}"
            self.log(
                f"fagsystem-simulator: {what} failed ({problem}), attempt {attempt} of {self.attempts}; "
                f"trying again in {delay:g} s"
            )
            self.sleep(delay)
            delay = min(delay * 2, self.retry_cap)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    @staticmethod
    def _check(response: requests.Response) -> None:
        if response.status_code >= 400:
            raise ExchangeError(response)

    # Collect
    def new_deliveries(self) -> list[dict[str, Any]]:
        found, cursor = [], None
        while True:
            params = {"antall": 50, **({"etter": cursor} if cursor else {})}
            page = self.request("GET", "/leveranser", params=params).json()
            found += page["leveranser"]
            cursor = page["neste"]
            if not cursor:
                return found

    def download(self, delivery: dict[str, Any], file: dict[str, Any]) -> bytes:
        return self.request("GET", f"/leveranser/{delivery['id']}/filer/{file['id']}").content

    def acknowledge(self, delivery: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/leveranser/{delivery['id']}/kvittering").json()

    # Report
    def upload_letter(self, case_id: str, filename: str, pdf: bytes) -> str:
        files = [("filer", (filename, pdf, "application/pdf"))]
        return self.request("POST", f"/saker/{case_id}/filer", files=files).json()[0][
            "dokumentlagerDokumentId"
        ]

    def post_case_events(self, case_id: str, document: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/saker/{case_id}/digisos-soker", json=document).json()

    def create_paper_case(self, fodselsnummer: str, enhetsnummer: str = "") -> dict[str, Any]:
        body = {"fodselsnummer": fodselsnummer, "enhetsnummer": enhetsnummer}
        return self.request("POST", "/saker", json=body).json()

    def municipality(self) -> dict[str, Any]:
        return self.request("GET", "/kommune").json()


def decrypt(blob: bytes, private_key_pem: bytes) -> bytes:
    """Open a delivered file with the municipality's private key (CMS EnvelopedData; see
    digisos.documents.encryption.decrypt_with for the ten lines it takes)."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return decrypt_with(blob, key)


@dataclass
class CollectedDelivery:
    delivery: dict[str, Any]
    files: dict[str, bytes]  # filename → decrypted bytes

    @property
    def soknad(self) -> dict[str, Any] | None:
        return json.loads(self.files["soknad.json"]) if "soknad.json" in self.files else None

    @property
    def vedlegg(self) -> dict[str, Any]:
        return json.loads(self.files["vedlegg.json"])


def collect(client: FagsystemClient, receiver_key_pem: bytes) -> list[CollectedDelivery]:
    """Every new delivery, downloaded, decrypted and acknowledged (acknowledging again is harmless)."""
    collected = []
    for delivery in client.new_deliveries():
        files = {
            f["filnavn"]: decrypt(client.download(delivery, f), receiver_key_pem) for f in delivery["filer"]
        }
        client.acknowledge(delivery)
        collected.append(CollectedDelivery(delivery, files))
    return collected


# --- A case from start to payment -------------------------------------------------------------------------


def letter_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page letter; small, valid PDF made with pikepdf-free plain PDF syntax."""
    text = [title, "", *lines]
    content = "BT /F1 12 Tf 60 780 Td 16 TL " + " ".join(f"({_pdf_escape(t)}) '" for t in text) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _pdf_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


@dataclass
class CaseStory:
    """Keeps the full event list of one case and re-posts it whole after each step, as KS Fiks expects."""

    client: FagsystemClient
    case_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    clock: datetime = field(default_factory=lambda: datetime.now(UTC))

    def add(self, event: dict[str, Any]) -> dict[str, Any]:
        # Real time, but always after the previous event (equal timestamps would need tie rules).
        self.clock = max(self.clock + timedelta(milliseconds=1), datetime.now(UTC))
        self.events.append({"hendelsestidspunkt": timestamp(self.clock), **event})
        return self.client.post_case_events(self.case_id, self.document())

    def document(self) -> dict[str, Any]:
        return builders.document(*self.events, avsender=SYSTEM)

    def letter(self, filename: str, title: str, lines: list[str]) -> dict[str, str]:
        file_id = self.client.upload_letter(self.case_id, filename, letter_pdf(title, lines))
        return builders.dokumentlager(file_id)


# MOD11 weights of a kontonummer's first ten digits.
_ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def account_number(seed: str) -> str:
    """A valid Norwegian kontonummer (11 digits, MOD11) of its own for each seed (a case id): a case system
    pays each person to their own account, never every case to one number."""
    start = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % 10**10
    for candidate in range(start, start + 20):
        digits = f"{candidate % 10**10:010d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, _ACCOUNT_WEIGHTS, strict=True)) % 11
        if check == 11:
            return digits + "0"
        if check < 10:
            return digits + str(check)
    raise AssertionError("unreachable: one in eleven numbers lacks a check digit")


def planned_payment(
    today: date, *, account: str = "12345678903", reference: str = "utb-1", due: date | None = None
) -> dict[str, Any]:
    """A living-costs payment due `due` (default: today), to the applicant's own account."""
    due = due or today
    return builders.utbetaling(
        reference,
        saksreferanse="sak-1",
        rammevedtaksreferanse="ramme-1",
        status=UtbetalingStatus.PLANLAGT_UTBETALING,
        belop=5000,
        beskrivelse="Livsopphold",
        forfallsdato=due,
        fom=due,
        tom=due + timedelta(days=30),
        annenMottaker=False,
        kontonummer=account,
        utbetalingsmetode="bankoverføring",
    )


def paid(payment: dict[str, Any], today: date) -> dict[str, Any]:
    """The payment as paid: on its due day, or today if that is later. A case system marks a payment UTBETALT
    when the bank has it, so its paid date is never in the future."""
    due = date.fromisoformat(payment["forfallsdato"])
    return {**payment, "status": UtbetalingStatus.UTBETALT, "utbetalingsdato": str(min(due, today))}


def framework_decision(today: date) -> dict[str, Any]:
    """A rammevedtak: living costs for three months from today, the frame the planned payment belongs to."""
    return builders.rammevedtak(
        "ramme-1",
        saksreferanse="sak-1",
        beskrivelse="Livsopphold i tre måneder",
        belop=15000,
        fom=today,
        tom=today + timedelta(days=90),
    )


def condition() -> dict[str, Any]:
    """A condition of the decision, tied to the planned payment."""
    return builders.vilkar(
        "vilkar-1",
        saksreferanse="sak-1",
        utbetalingsreferanse=["utb-1"],
        tittel="Registrer deg som arbeidssøker",
        beskrivelse="Innen to uker.",
        status=KravStatus.RELEVANT,
    )


def play_full_case(
    client: FagsystemClient, case_id: str, *, office: str = "1209", today: date | None = None
) -> CaseStory:
    """Every event type in the schema, in the order a real case goes: received, assigned, under
    processing, extended processing time, documents requested (and no longer needed before the decision),
    a decision with conditions and a documentation requirement, a payment paid today and the next month's
    planned, and a rammevedtak.

    `office`: the NAV office's enhetsnummer as the office register (NORG) has it — the application's own
    (soknad.json's mottaker) when the caller knows it; a case system only assigns offices that exist."""
    today = today or date.today()
    account = account_number(case_id)
    story = CaseStory(client, case_id)
    story.add(builders.soknads_status(SoknadsStatus.MOTTATT))
    story.add(builders.tildelt_nav_kontor(office))
    story.add(builders.soknads_status(SoknadsStatus.UNDER_BEHANDLING))
    story.add(builders.saks_status("sak-1", tittel="Livsopphold"))
    brev = story.letter("saksbehandlingstid.pdf", "Foreløpig svar", ["Saken din tar lengre tid enn vanlig."])
    story.add(builders.forelopig_svar(brev))
    deadline = datetime.combine(today + timedelta(days=7), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=22
    )
    brev = story.letter(
        "etterspurt-dokumentasjon.pdf", "Vi trenger flere opplysninger", ["Send kontoutskrift."]
    )
    story.add(
        builders.dokumentasjon_etterspurt(
            [
                builders.dokument(
                    "kontooversikt",
                    tilleggsinformasjon="brukskonto",
                    innsendelsesfrist=deadline,
                    dokumentreferanse="dok-1",
                )
            ],
            forvaltningsbrev=brev,
        )
    )
    # The documents came (or were no longer needed): a case system empties its request before it decides,
    # or the applicant would be left with a request that the decision has overtaken.
    story.add(builders.dokumentasjon_etterspurt([]))
    vedtak = story.letter("vedtak.pdf", "Vedtak om økonomisk sosialhjelp", ["Du får støtte til livsopphold."])
    story.add(builders.vedtak_fattet(saksreferanse="sak-1", utfall=Utfall.INNVILGET, vedtaksfil=vedtak))
    story.add(framework_decision(today))
    payment = planned_payment(today, account=account)
    story.add(payment)
    story.add(condition())
    story.add(
        builders.dokumentasjonkrav(
            "krav-1",
            saksreferanse="sak-1",
            utbetalingsreferanse=["utb-1"],
            tittel="Husleiekvittering",
            beskrivelse="For desember.",
            frist=deadline,
            status=KravStatus.RELEVANT,
        )
    )
    story.add(paid(payment, today))
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    story.add(planned_payment(today, account=account, reference="utb-2", due=next_month))
    story.add(builders.soknads_status(SoknadsStatus.FERDIGBEHANDLET))
    return story


def run_once(
    client: FagsystemClient, receiver_key_pem: bytes, *, log: Any = print
) -> list[CollectedDelivery]:
    collected = collect(client, receiver_key_pem)
    for item in collected:
        delivery = item.delivery
        log(
            f"collected {delivery['type']} {delivery['id']} for case {delivery['fiksDigisosId']} ({len(item.files)} files)"
        )
        if delivery["type"] == "soknad":
            office = ((item.soknad or {}).get("mottaker") or {}).get("enhetsnummer") or "1209"
            story = play_full_case(client, delivery["fiksDigisosId"], office=office)
            log(f"  posted {len(story.events)} events to case {delivery['fiksDigisosId']}")
    return collected


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--kommunenummer", default="4601")
    parser.add_argument("--client-id", default=None, help="default: demo-fagsystem-<kommunenummer>")
    parser.add_argument(
        "--client-key", type=Path, default=None, help="default: var/fagsystem/<nr>/klient.pem"
    )
    parser.add_argument(
        "--receiver-key", type=Path, default=None, help="default: var/fagsystem/<nr>/mottak.pem"
    )
    parser.add_argument("--audience", default="digisos-exchange")
    parser.add_argument("--once", action="store_true", help="collect and report once, then stop")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    folder = Path("var/fagsystem") / args.kommunenummer
    client = FagsystemClient(
        base_url=args.base_url,
        client_id=args.client_id or f"demo-fagsystem-{args.kommunenummer}",
        client_key_pem=(args.client_key or folder / "klient.pem").read_bytes(),
        audience=args.audience,
    )
    receiver_key = (args.receiver_key or folder / "mottak.pem").read_bytes()
    while True:
        try:
            run_once(client, receiver_key)
        except (ExchangeError, requests.ConnectionError, requests.Timeout) as error:
            print(f"fagsystem-simulator: {error}")
            if args.once:
                return 1
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    raise SystemExit(main())
