from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import privacy_sections


def privacy(request: HttpRequest) -> HttpResponse:
    """Personvern og behandlingsgrunnlag: the data-flow register, public, no login."""
    return render(request, "followup/privacy.html", {"sections": privacy_sections()})
