"""The admin is for operators only, and they log in through the employee identity provider."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


def operator_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or "operator" in user.role_names()))


def login_through_provider(request: HttpRequest, extra_context=None) -> HttpResponse:
    if request.user.is_authenticated:
        # Logged in, but not an operator: logging in again would only loop.
        raise PermissionDenied
    target = request.GET.get("next", reverse("admin:index"))
    return redirect(f"{reverse('accounts:employee-login')}?{urlencode({'next': target})}")


admin.site.has_permission = operator_only
admin.site.login = login_through_provider
admin.site.site_header = "DigiSos drift"
