"""The case-system simulator sends a report again after a 5xx or a network error, with growing pauses, as a real
case system must: one busy moment on our side must not leave a citizen's case at "Mottatt" for good."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from digisos_simulator.simulator import ExchangeError, FagsystemClient


@pytest.fixture(scope="module")
def client_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class CaseSystemApi:
    """/token answers; the report answers with the statuses given, one per request, the last one repeated."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.reports: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.endswith("/token"):
                    return self._answer(200, {"access_token": "t", "expires_in": 120})
                api.reports.append(json.loads(body))
                status = api.statuses[min(len(api.reports), len(api.statuses)) - 1]
                return self._answer(status, {"detail": "Intern feil"} if status >= 500 else {"ok": True})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api_answering():
    servers: list[CaseSystemApi] = []

    def start(statuses: list[int]) -> CaseSystemApi:
        servers.append(CaseSystemApi(statuses))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client_for(url: str, key: bytes, **kwargs) -> tuple[FagsystemClient, list[float], list[str]]:
    sleeps: list[float] = []
    lines: list[str] = []
    client = FagsystemClient(
        base_url=url,
        client_id="demo-fagsystem-4601",
        client_key_pem=key,
        sleep=sleeps.append,
        log=lines.append,
        **kwargs,
    )
    return client, sleeps, lines


DOCUMENT = {"version": "1.0.0", "avsender": {"systemnavn": "t", "systemversjon": "1"}, "hendelser": []}


def test_a_report_answered_500_is_sent_again_after_growing_pauses_until_it_is_stored(
    api_answering, client_key_pem
):
    api = api_answering([500, 503, 200])
    client, sleeps, lines = client_for(api.url, client_key_pem)
    assert client.post_case_events("sak-1", DOCUMENT) == {"ok": True}
    assert len(api.reports) == 3
    assert api.reports[-1] == DOCUMENT  # the whole document each time
    assert sleeps == [1, 2]
    assert "HTTP 500" in lines[0] and "attempt 1 of 8" in lines[0] and "HTTP 503" in lines[1]


def test_the_pauses_grow_to_a_cap_and_the_client_gives_up_after_its_attempts(api_answering, client_key_pem):
    api = api_answering([500])
    client, sleeps, _ = client_for(api.url, client_key_pem, attempts=7, retry_cap=10)
    with pytest.raises(ExchangeError) as refused:
        client.post_case_events("sak-1", DOCUMENT)
    assert refused.value.status_code == 500
    assert len(api.reports) == 7
    assert sleeps == [1, 2, 4, 8, 10, 10]


def test_a_4xx_is_not_sent_again(api_answering, client_key_pem):
    api = api_answering([400])
    client, sleeps, _ = client_for(api.url, client_key_pem)
    with pytest.raises(ExchangeError):
        client.post_case_events("sak-1", DOCUMENT)
    assert len(api.reports) == 1
    assert sleeps == []


class DropsFirstConnection(requests.adapters.HTTPAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.dropped = False

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if not self.dropped and "digisos-soker" in request.url:
            self.dropped = True
            raise requests.ConnectionError("Connection refused")
        return super().send(request, **kwargs)


def test_a_report_lost_to_a_network_error_is_sent_again(api_answering, client_key_pem):
    api = api_answering([200])
    client, sleeps, lines = client_for(api.url, client_key_pem)
    client.session.mount("http://", DropsFirstConnection())
    assert client.post_case_events("sak-1", DOCUMENT) == {"ok": True}
    assert len(api.reports) == 1
    assert sleeps == [1]
    assert "ConnectionError" in lines[0]
