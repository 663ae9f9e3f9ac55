from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import start_page_for_citizen


def start(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and getattr(user, "pid", None):
        return render(request, "application/start_citizen.html", {"page": start_page_for_citizen(user.pid)})
    return render(request, "application/start_anonymous.html")
