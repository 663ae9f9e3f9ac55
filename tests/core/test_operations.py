import json

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_isalive_answers_without_the_database(client, django_db_blocker):
    # Any query while blocked raises, so isalive must not touch the database: the platform restarts
    # a pod whose liveness fails, and a database outage must not restart every pod.
    with django_db_blocker.block():
        response = client.get("/internal/isalive")
    assert response.status_code == 200


def test_isready_checks_the_database(client):
    assert connection.vendor == "postgresql"
    assert client.get("/internal/isready").status_code == 200


def test_isready_is_503_when_the_database_is_down(client, monkeypatch):
    from digisos.core import selectors

    def broken_cursor():
        raise RuntimeError("connection refused")

    monkeypatch.setattr(selectors.connection, "cursor", broken_cursor)
    assert client.get("/internal/isready").status_code == 503


def test_metrics_exposes_request_counters_by_route(client):
    client.get("/internal/isalive")
    body = client.get("/internal/metrics").content.decode()
    assert 'digisos_http_requests_total{method="GET",route="internal/isalive",status="200"}' in body


def test_every_response_carries_a_request_id_and_a_strict_csp(client):
    response = client.get("/internal/isalive", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/internal/isalive", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/public/v1/finnes-ikke")
    assert response.status_code == 404
    json.loads(response.content)
