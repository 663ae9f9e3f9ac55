"""The guide: a form of a few questions and the answer page. Nothing about the person is kept.

The answers travel in a POST body, not the URL: a URL with income, household and "worried about a child"
would be kept in the browser's history, in proxies' and load balancers' access logs and in Referer headers.
The answer page is made from the request alone (no session, no database writes, no log line with the
answers) and says `Cache-Control: no-store` so that a shared computer's back button does not show it later.
It is exempt from CSRF on purpose: CSRF protects actions done in the person's name, and this view does
nothing but answer; checking it would also set a cookie for a person who only asks.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .forms import GuideForm
from .selectors import answer as answer_for

# The concern report for a child (issue 15, app `concerns`) is a higher-or-equal layer: linked by its path,
# not imported, so the guide works whether or not that app is installed.
CONCERN_REPORT_PATH = "/bekymringsmelding/"
NAV_PHONE = "55 55 33 33"


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/start.html", {"form": GuideForm()})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect("guide:start")  # the answers are never in a URL, so there is nothing to show
    form = GuideForm(request.POST)
    if not form.is_valid():
        return render(request, "guide/start.html", {"form": form})
    answers = form.answers()
    context = {
        "result": answer_for(answers, timezone.localdate()),
        "answers": answers,
        "concern_report_path": CONCERN_REPORT_PATH,
        "nav_phone": NAV_PHONE,
    }
    return render(request, "guide/answer.html", context)
