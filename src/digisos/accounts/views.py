"""Login and logout views: thin wrappers around Authlib (the protocol) and services (who gets in)."""

from typing import Any

import requests
import structlog
from authlib.integrations.base_client import OAuthError
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digisos.core.metrics import LOGIN_FAILURES

from .oidc import Client, oidc_client, oidc_settings
from .services import LoginRefused, citizen_from_claims, employee_from_claims

log = structlog.get_logger(__name__)

NEXT_KEY = "login_next"
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 - a session key name, not a secret
CLIENT_KEY = "oidc_client"
CALLBACKS: dict[Client, str] = {
    "citizen": "accounts:citizen-callback",
    "employee": "accounts:employee-callback",
}
LOGINS: dict[Client, str] = {"citizen": "accounts:citizen-login", "employee": "accounts:employee-login"}


def _failure(request: HttpRequest, client: Client, reason: str, status: int = 400) -> HttpResponse:
    LOGIN_FAILURES.labels(client=client, reason=reason).inc()
    log.warning("login_failed", client=client, reason=reason)
    context = {"reason": reason, "retry_url": reverse(LOGINS[client])}
    return render(request, "accounts/login_failed.html", context, status=status)


def _start(request: HttpRequest, client: Client, **extra: Any) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    request.session[NEXT_KEY] = target if safe and target.startswith("/") else "/"
    redirect_uri = request.build_absolute_uri(reverse(CALLBACKS[client]))
    try:
        return oidc_client(client).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError, KeyError):
        return _failure(request, client, "provider_unavailable", status=502)


def _finish(request: HttpRequest, client: Client) -> HttpResponse:
    try:
        token = oidc_client(client).authorize_access_token(request)
    except OAuthError as error:
        reason = {"mismatching_state": "wrong_state", "invalid_grant": "invalid_code"}.get(
            error.error or "",
            "provider_error" if request.GET.get("error") else (error.error or "invalid_response"),
        )
        return _failure(request, client, reason)
    except requests.RequestException:
        return _failure(request, client, "provider_unavailable", status=502)
    except Exception as error:  # a forged or broken ID token (signature, audience, nonce, expiry)
        if type(error).__module__.startswith(("authlib", "joserfc")):
            return _failure(request, client, "invalid_token")
        raise
    claims = dict(token.get("userinfo") or {})
    try:
        user = citizen_from_claims(claims) if client == "citizen" else employee_from_claims(claims)
    except LoginRefused as refused:
        return _failure(request, client, refused.reason, status=403)
    target = request.session.get(NEXT_KEY, "/")
    login(request, user)  # rotates the session key
    request.session[ID_TOKEN_KEY] = token.get("id_token", "")
    request.session[CLIENT_KEY] = client
    log.info("login", client=client, user_id=user.pk)
    return HttpResponseRedirect(target)


@require_http_methods(["GET", "POST"])
def citizen_login(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return _start(
        request, "citizen", acr_values=settings.IDPORTEN["ACR_VALUES"], ui_locales=get_language() or "nb"
    )


@require_GET
def citizen_callback(request: HttpRequest) -> HttpResponse:
    return _finish(request, "citizen")


@require_http_methods(["GET", "POST"])
def employee_login(request: HttpRequest) -> HttpResponse:
    return _start(request, "employee")


@require_GET
def employee_callback(request: HttpRequest) -> HttpResponse:
    return _finish(request, "employee")


@require_POST
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    """Ends our session, then the provider's: RP-initiated logout with the parameters in a form POST.

    The ID token carries the fødselsnummer (`pid`). A GET redirect would put it in a URL, where the
    provider's access log, the browser's history and proxies keep it; OpenID Connect RP-Initiated Logout 1.0
    (section 2) lets the RP POST the same parameters, and every provider must accept that. The page's form is
    sent by a small script at once; without JavaScript the person presses «Fortsett utlogging». No `state`:
    the logged-out page is the same for everyone, so there is nothing to carry across.
    """
    id_token = request.session.get(ID_TOKEN_KEY)
    client: Client = request.session.get(CLIENT_KEY, "citizen")
    logout(request)  # flushes the session: the token is gone from here whatever happens next
    logged_out = request.build_absolute_uri(reverse("accounts:logged-out"))
    if not id_token:
        return redirect(logged_out)
    try:
        end_session = oidc_client(client).load_server_metadata()["end_session_endpoint"]
    except (requests.RequestException, RuntimeError, KeyError, ValueError):
        log.warning("provider_logout_unavailable", client=client)
        return redirect(logged_out)
    fields = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": logged_out,
        "client_id": oidc_settings(client)["CLIENT_ID"],
    }
    return render(request, "accounts/logout.html", {"end_session": end_session, "fields": fields})


@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/logged_out.html")
