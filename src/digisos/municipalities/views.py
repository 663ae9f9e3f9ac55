from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .selectors import digital_status, find_municipalities, offices_of


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    submitted = "q" in request.GET
    matches = find_municipalities(query) if submitted else []
    if len(matches) == 1:
        return redirect("municipalities:detail", kommunenummer=matches[0].kommunenummer)
    error = ""
    if submitted and not query.strip():
        error = "empty"
    elif submitted and not matches:
        error = "no_match"
    context = {"query": query, "matches": matches, "error": error}
    return render(request, "municipalities/search.html", context, status=200)


def detail(request: HttpRequest, kommunenummer: str) -> HttpResponse:
    status = digital_status(kommunenummer)
    if status is None:
        raise Http404
    context = {"status": status, "offices": offices_of(kommunenummer)}
    return render(request, "municipalities/detail.html", context)
