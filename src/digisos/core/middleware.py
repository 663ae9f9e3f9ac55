"""Request id, Prometheus metrics, the session's idle limit and no-store for logged-in pages."""

import re
import time
import uuid
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from . import metrics

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Binds a request id (from X-Request-ID when well-formed, else new) to every log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class MetricsMiddleware:
    """Counts requests and their duration per resolved route (never the raw path)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        metrics.observe_request(
            request.method or "", route, response.status_code, time.perf_counter() - started
        )
        return response


class SessionIdleRefreshMiddleware:
    """Keeps the 60-minute idle limit without writing the session on every request.

    Django's SESSION_SAVE_EVERY_REQUEST costs an UPDATE on each page view; here the session's expiry is
    moved forward at most once per SESSION_REFRESH_SECONDS, so the idle limit is exact to within that margin.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - int(session.get("_refreshed_at", 0)) >= settings.SESSION_REFRESH_SECONDS:
                session["_refreshed_at"] = now  # marks the session modified: it is saved with a new expiry
        return self.get_response(request)


class NoStoreForLoggedInMiddleware:
    """Every answer to a logged-in person (or to a bearer-token API call) says `Cache-Control: no-store`.

    Those answers carry personal data: a shared computer's browser cache, its back button or a proxy must not
    keep them. A view that chose its own Cache-Control (django.views.decorators.cache) keeps it. Anonymous
    answers are left alone, and deciding that touches no session (no `Vary: Cookie` on public pages).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and self._personal(request):
            add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private, max-age=0
        return response

    @staticmethod
    def _personal(request: HttpRequest) -> bool:
        if "Authorization" in request.headers:
            return True
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return False  # no session cookie: nobody is logged in, and the session stays untouched
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated
