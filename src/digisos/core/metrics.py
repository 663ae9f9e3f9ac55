"""Prometheus metrics. Labels are bounded: route patterns, never raw paths or identities."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter("digisos_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "digisos_http_request_duration_seconds",
    "HTTP request duration",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
LOGIN_FAILURES = Counter("digisos_login_failures_total", "Failed logins by reason", ["client", "reason"])


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)


DOCUMENT_UPLOADS = Counter("digisos_document_uploads_total", "Document uploads by outcome", ["outcome"])
SCANNER_UNAVAILABLE = Counter(
    "digisos_virus_scanner_unavailable_total", "Uploads refused: scanner unreachable"
)
DOCUMENT_UPLOAD_SECONDS = Histogram(
    "digisos_document_upload_seconds",
    "Time to accept one upload (sniff, scan, convert, encrypt, store)",
    ["content_type"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
)
