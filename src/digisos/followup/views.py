from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import my_lookups, privacy_sections


def privacy(request: HttpRequest) -> HttpResponse:
    """Personvern og behandlingsgrunnlag: the data-flow register, public, no login."""
    return render(request, "followup/privacy.html", {"sections": privacy_sections()})


@login_required
def my_lookups_page(request: HttpRequest) -> HttpResponse:
    """Hvem har sett opplysningene mine: the citizen's own lookups (ID-porten login)."""
    if not getattr(request.user, "pid", None):
        raise Http404
    return render(request, "followup/my_lookups.html", {"lookups": my_lookups(request.user)})
